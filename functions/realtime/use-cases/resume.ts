import { type ServerMessage, topics } from '../../../shared/ws';
import type { Caller, RealtimeDeps } from '../ports';

/**
 * `resume`, sent by the client after every (re)connect: the new connection follows the same topics the user
 * followed before (their own, the current event, the waiting room) and gets the session back to redraw from.
 */
export async function resume(deps: RealtimeDeps, caller: Caller): Promise<ServerMessage> {
  const session = await deps.sessions.get(caller.userId);
  const wanted = [
    topics.user(caller.userId),
    ...(session.currentEventId ? [topics.event(session.currentEventId)] : []),
    ...(session.queue ? [topics.queue(session.queue.eventId)] : []),
  ];
  await Promise.all(wanted.map((t) => deps.subscriptions.subscribe(caller.connectionId, caller.userId, t)));
  await deps.sessions.update(caller.userId, {});
  return {
    type: 'session-restored',
    data: {
      currentEventId: session.currentEventId,
      selectedSeatIds: session.selectedSeatIds,
      queue: session.queue,
      topics: wanted,
    },
  };
}
