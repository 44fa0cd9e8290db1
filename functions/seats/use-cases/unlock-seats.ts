import type { HoldResponse, SeatLockBody } from '../../../shared/booking';
import { NotFoundError } from '../../shared/errors';
import type { HoldRepository, InventoryEvents, Log, SeatGuard } from '../ports';

/**
 * Removes seats from the caller's hold. Named seats that are not in it are ignored; when none of them is (or
 * the caller has no hold on the event) the answer is 404 NOT_FOUND, so a client learns its view was stale.
 * A hold emptied of its last seat is answered as no hold, but keeps its deadline and expiry timer: a lock
 * before the deadline reuses them instead of starting another execution (hold churn cannot drain the Step
 * Functions StartExecution bucket that payment confirmation also needs).
 */
export async function unlockSeats(
  deps: {
    holds: HoldRepository;
    guard: SeatGuard;
    events: InventoryEvents;
    logger: Log;
  },
  userId: string,
  body: SeatLockBody,
): Promise<HoldResponse> {
  const outcome = await deps.holds.unlock({ eventId: body.eventId, userId, seatIds: body.seatIds });
  if (outcome.kind === 'not-found')
    throw new NotFoundError('NOT_FOUND', 'None of these seats is in your hold');
  await deps.guard.release(body.eventId, outcome.released, userId).catch((error: unknown) => {
    deps.logger.warn('could not give back seat guard keys', { eventId: body.eventId, error: String(error) });
  });
  await deps.events.seatsChanged(
    body.eventId,
    outcome.released.map((id) => ({ id, status: 'available' as const })),
  );
  return { hold: outcome.hold };
}
