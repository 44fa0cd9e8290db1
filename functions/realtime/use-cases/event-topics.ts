import { topics } from '../../../shared/ws';
import { NotFoundError } from '../../shared/errors';
import type { Caller, RealtimeDeps } from '../ports';

/** Unknown and draft events are answered the same way, so drafts cannot be discovered through the socket. */
export async function assertPublicEvent(deps: Pick<RealtimeDeps, 'events'>, eventId: string): Promise<void> {
  if (!(await deps.events.isPublic(eventId))) throw new NotFoundError('EVENT_NOT_FOUND', 'Event not found');
}

/**
 * `join-event` (event page) and `join-seat-selection` (seat map): live updates of the event on this connection,
 * and the event becomes the session's current one. Moving to another event drops the old event's selection,
 * which only ever meant something on that event's seat map.
 */
export async function joinEvent(
  deps: RealtimeDeps,
  caller: Caller,
  input: { eventId: string },
): Promise<void> {
  await assertPublicEvent(deps, input.eventId);
  await deps.subscriptions.subscribe(caller.connectionId, caller.userId, topics.event(input.eventId));
  const session = await deps.sessions.get(caller.userId);
  await deps.sessions.update(
    caller.userId,
    session.currentEventId === input.eventId ? {} : { currentEventId: input.eventId, selectedSeatIds: [] },
  );
}

export const joinSeatSelection = joinEvent;

/** `leave-event`: no more updates here; the session forgets the event if it was the current one. */
export async function leaveEvent(
  deps: RealtimeDeps,
  caller: Caller,
  input: { eventId: string },
): Promise<void> {
  await deps.subscriptions.unsubscribe(caller.connectionId, topics.event(input.eventId));
  const session = await deps.sessions.get(caller.userId);
  if (session.currentEventId === input.eventId) {
    await deps.sessions.update(caller.userId, { currentEventId: null, selectedSeatIds: [] });
  }
}
