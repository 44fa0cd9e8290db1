import { topics } from '../../../shared/ws';
import type { Caller, RealtimeDeps } from '../ports';
import { assertPublicEvent } from './event-topics';

/**
 * `join-queue`: this connection follows the event's waiting room (`queue-updated`, `queue-entry-allowed`) and
 * the session remembers which room, so `resume` can follow it again. Positions and admission belong to the
 * waiting-room issue; a ticket already recorded for the same event is kept as it is.
 */
export async function joinQueue(
  deps: RealtimeDeps,
  caller: Caller,
  input: { eventId: string },
): Promise<void> {
  await assertPublicEvent(deps, input.eventId);
  await deps.subscriptions.subscribe(caller.connectionId, caller.userId, topics.queue(input.eventId));
  const session = await deps.sessions.get(caller.userId);
  await deps.sessions.update(
    caller.userId,
    session.queue?.eventId === input.eventId
      ? {}
      : { queue: { eventId: input.eventId, joinedAt: deps.now().toISOString() } },
  );
}
