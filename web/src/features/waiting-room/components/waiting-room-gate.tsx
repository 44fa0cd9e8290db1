import { type ReactNode, useEffect, useRef, useState } from 'react';
import { ErrorState } from '../../../components/ui/error-state';
import { errorMessage } from '../../../lib/error-message';
import { useI18n } from '../../../lib/i18n';
import { useRealtimeStatus } from '../../../lib/realtime';
import { useWaitingRoom } from '../hooks/use-waiting-room';
import { WaitingRoomModal } from './waiting-room-modal';

interface WaitingRoomGateProps {
  eventId: string;
  /** The event has a waiting room (its detail's `waitingRoom`) and the user is signed in. */
  enabled: boolean;
  eventTitle?: string;
  /** What the room guards (seat map, ticket selection): shown once admitted, or at once without a room. */
  children?: ReactNode;
}

/**
 * Puts the waiting room in front of the booking UI of an event that has one: joins on mount, shows the
 * full-screen room while waiting (or sold out), and the booking UI once admitted, moving focus to it. A
 * reload rejoins at the same place; a refused protected call (403 ADMISSION_REQUIRED) brings the room back.
 * Without a room (or signed out) the children show as they are.
 */
export function WaitingRoomGate({ eventId, enabled, eventTitle, children }: WaitingRoomGateProps) {
  const { t } = useI18n();
  const room = useWaitingRoom(eventId, enabled);
  const realtimeStatus = useRealtimeStatus();
  const containerRef = useRef<HTMLDivElement>(null);
  const wasInRoom = useRef(false);
  const [justAdmitted, setJustAdmitted] = useState(false);

  useEffect(() => {
    if (room.view === 'room') {
      wasInRoom.current = true;
      setJustAdmitted(false);
    } else if (room.view === 'open' && wasInRoom.current) {
      // Admitted: the dialog closed; continue where booking starts.
      wasInRoom.current = false;
      setJustAdmitted(true);
      containerRef.current?.focus();
    }
  }, [room.view]);

  let content: ReactNode;
  switch (room.view) {
    case 'open':
      content = children;
      break;
    case 'joining':
      content = (
        <p className="panel muted" aria-busy="true">
          {t('queue.joining')}
        </p>
      );
      break;
    case 'room':
      content = (
        <>
          <p className="notice small">{t('queue.waitingNote')}</p>
          <WaitingRoomModal
            eventTitle={eventTitle}
            state={room.state}
            realtimeStatus={realtimeStatus}
            onLeave={room.leave}
          />
        </>
      );
      break;
    case 'left':
      content = (
        <div className="state">
          <p className="state__title">{t('queue.leftTitle')}</p>
          <p className="state__body">{t('queue.leftBody')}</p>
          <button type="button" className="button button--primary" onClick={room.rejoin}>
            {t('queue.rejoin')}
          </button>
        </div>
      );
      break;
    case 'failed':
      content = (
        <ErrorState
          title={t('queue.joinError')}
          message={errorMessage(room.state.error)(t)}
          retryLabel={t('common.retry')}
          onRetry={room.rejoin}
        />
      );
      break;
  }

  return (
    <div ref={containerRef} className="waiting-room-gate" tabIndex={-1}>
      <p className="visually-hidden" role="status">
        {justAdmitted && room.view === 'open' ? t('queue.admitted') : ''}
      </p>
      {content}
    </div>
  );
}
