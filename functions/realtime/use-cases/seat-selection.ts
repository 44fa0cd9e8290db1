import type { Caller, RealtimeDeps } from '../ports';
import { assertPublicEvent } from './event-topics';

/**
 * `seat-selection-changed`: the seats a user has picked but not held yet. Private state (the seeds broadcast
 * holds, not selections), kept so a reconnect or a second tab restores the seat map as it was; nothing is
 * published. The schema caps the list at 50; duplicates are dropped.
 */
export async function changeSeatSelection(
  deps: RealtimeDeps,
  caller: Caller,
  input: { eventId: string; seatIds: readonly string[] },
): Promise<void> {
  const session = await deps.sessions.get(caller.userId);
  // The current event was checked when it was joined; only a different one costs a lookup.
  if (session.currentEventId !== input.eventId) await assertPublicEvent(deps, input.eventId);
  await deps.sessions.update(caller.userId, {
    currentEventId: input.eventId,
    selectedSeatIds: [...new Set(input.seatIds)],
  });
}
