/**
 * Korean messages for the waiting room (the full-screen queue on a popular event's page). Spread into `ko`;
 * `en-queue.ts` must have the same keys.
 */
export const koQueue = {
  'queue.title': '대기열에서 순서를 기다리고 있습니다',
  'queue.body':
    '접속자가 많아 들어온 순서대로 입장합니다. 차례가 되면 이 창이 닫히고 예매를 이어서 할 수 있습니다. 새로고침하거나 잠시 연결이 끊겨도 순서는 유지됩니다.',
  'queue.position': '내 순서',
  'queue.positionValue': '{position}번째',
  'queue.ahead': '내 앞 대기 인원',
  'queue.aheadValue': '{count}명',
  'queue.eta': '예상 대기 시간',
  'queue.eta.unknown': '계산 중…',
  'queue.eta.soon': '곧 입장',
  'queue.eta.seconds': '약 {seconds}초',
  'queue.eta.minutes': '약 {minutes}분 {seconds}초',
  'queue.eta.hours': '약 {hours}시간 {minutes}분',
  'queue.progress': '입장까지 진행률',
  'queue.progressValue': '{percent}% 진행',
  'queue.announce': '현재 {position}번째, 앞에 {count}명이 있습니다.',
  'queue.preQueue': '사전 대기 중입니다. 판매가 시작되는 {time}에 입장 순서가 무작위로 정해집니다.',
  'queue.preQueueDrawing': '입장 순서를 정하고 있습니다…',
  'queue.soldOutTitle': '지금은 매진입니다',
  'queue.soldOutBody':
    '남은 좌석(티켓)이 없습니다. 취소나 만료로 다시 나오면 순서대로 입장합니다. 이 창을 열어 두세요.',
  'queue.connectionIdle': '실시간 연결 없음',
  'queue.polling': '몇 초마다 순서를 확인하고 있습니다.',
  'queue.retrying': '서버에 연결하지 못해 다시 시도하고 있습니다. 순서는 유지됩니다.',
  'queue.leave': '대기열 나가기',
  'queue.leaveConfirm': '나가면 지금 순서를 잃습니다. 정말 나가시겠어요?',
  'queue.leaveYes': '나가기',
  'queue.stay': '계속 기다리기',
  'queue.joining': '대기열을 확인하는 중…',
  'queue.waitingNote': '대기열에서 차례를 기다리고 있습니다. 차례가 되면 예매할 수 있습니다.',
  'queue.joinError': '대기열에 들어가지 못했습니다',
  'queue.leftTitle': '대기열에서 나왔습니다',
  'queue.leftBody': '예매하려면 대기열에 다시 들어가 새 순서를 받아 주세요.',
  'queue.rejoin': '대기열 다시 들어가기',
  'queue.admitted': '입장했습니다. 예매를 이어서 진행하세요.',
} as const satisfies Record<string, string>;
