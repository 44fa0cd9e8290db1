import type { Hold, SeatLockBody } from '../../../shared/booking';
import type { AdmissionGate } from '../../shared/admission/gate';
import { ConflictError, NotFoundError, TooManyRequestsError, UnprocessableError } from '../../shared/errors';
import type { HoldRepository, HoldTimer, InventoryEvents, Log, SeatGuard } from '../ports';

export interface LockDeps {
  holds: HoldRepository;
  /** The waiting room's gate: while the event's room is active, only admitted callers lock. */
  admission: AdmissionGate;
  guard: SeatGuard;
  timer: HoldTimer;
  events: InventoryEvents;
  logger: Log;
}

/**
 * Adds seats to the caller's hold, all or nothing:
 *   1. Redis filters contention: one atomic script claims every seat for the caller, or none and names the
 *      taken ones (409 SEAT_UNAVAILABLE without touching PostgreSQL).
 *   2. PostgreSQL decides, in one transaction (see HoldRepository.lock). Any failure there gives back exactly
 *      the Redis keys this request set.
 *   3. A new hold gets its expiry timer; the change is broadcast (without the holder's id).
 * If Redis itself is unavailable the lock goes on without the filter: PostgreSQL alone still never double-sells.
 * `unguarded` (both guards off) and `skipFilter` (Redis off) are the race test's switches; the handler only
 * honours them in the local stage.
 */
export async function lockSeats(
  deps: LockDeps,
  userId: string,
  body: SeatLockBody,
  options: { unguarded?: boolean; skipFilter?: boolean; admissionToken?: string } = {},
): Promise<{ hold: Hold }> {
  const { eventId, seatIds } = body;
  const sale = await deps.holds.saleInfo(eventId);
  if (!sale) throw new NotFoundError('EVENT_NOT_FOUND', 'Event not found');
  if (!sale.onSale) throw new ConflictError('EVENT_NOT_ON_SALE', 'This event is not on sale');
  await deps.admission.require({ eventId, userId, token: options.admissionToken });

  let claimed: string[] = [];
  if (!options.unguarded && !options.skipFilter) {
    try {
      const claim = await deps.guard.claim(eventId, seatIds, userId, sale.holdSeconds * 1000);
      if (claim.taken.length) {
        throw new ConflictError('SEAT_UNAVAILABLE', 'Some seats are no longer available', {
          seatIds: claim.taken,
        });
      }
      claimed = claim.claimed;
    } catch (error) {
      if (error instanceof ConflictError) throw error;
      deps.logger.warn('seat guard unavailable; locking on PostgreSQL alone', {
        eventId,
        error: String(error),
      });
    }
  }

  const giveBack = () =>
    deps.guard.release(eventId, claimed, userId).catch((error: unknown) => {
      // The keys expire with the hold deadline anyway; until then they only filter, never sell.
      deps.logger.warn('could not give back seat guard keys', { eventId, error: String(error) });
    });

  let outcome: Awaited<ReturnType<HoldRepository['lock']>>;
  try {
    outcome = await deps.holds.lock({ eventId, userId, seatIds, unguarded: options.unguarded });
  } catch (error) {
    await giveBack();
    throw error;
  }
  switch (outcome.kind) {
    case 'ok':
      break;
    case 'event-not-found':
      await giveBack();
      throw new NotFoundError('EVENT_NOT_FOUND', 'Event not found');
    case 'not-on-sale':
      await giveBack();
      throw new ConflictError('EVENT_NOT_ON_SALE', 'This event is not on sale');
    case 'limit-exceeded':
      await giveBack();
      throw new UnprocessableError(
        'LIMIT_EXCEEDED',
        `At most ${outcome.limit} tickets per person for this event (${outcome.alreadyYours} already yours)`,
        { limit: outcome.limit, alreadyYours: outcome.alreadyYours, requested: outcome.requested },
      );
    case 'too-many-holds':
      await giveBack();
      throw tooManyHolds(outcome.retryAfterSeconds);
    case 'unavailable':
      await giveBack();
      throw new ConflictError('SEAT_UNAVAILABLE', 'Some seats are no longer available', {
        seatIds: outcome.seatIds,
      });
  }

  const { hold, created, locked, expired } = outcome;
  if (created) {
    const arn = await deps.timer.start({ holdId: hold.id, eventId, expiresAt: new Date(hold.expiresAt) });
    if (arn) {
      await deps.holds.setExecutionArn(hold.id, arn).catch((error: unknown) => {
        deps.logger.warn('execution arn not stored', { holdId: hold.id, error: String(error) });
      });
    }
  }
  if (expired.length) {
    const stillMine = new Set(locked);
    await deps.guard
      .release(
        eventId,
        expired.filter((id) => !stillMine.has(id)),
        userId,
      )
      .catch(() => {});
  }
  await deps.events.seatsChanged(eventId, [
    ...expired.filter((id) => !locked.includes(id)).map((id) => ({ id, status: 'available' as const })),
    ...locked.map((id) => ({ id, status: 'held' as const })),
  ]);
  return { hold };
}

/**
 * 429 for a buyer who started too many holds on one event lately (migration 1732000001220): every new hold
 * starts a hold-expiry execution, and the StartExecution bucket is shared with payment confirmation.
 */
function tooManyHolds(retryAfterSeconds: number): TooManyRequestsError {
  return new TooManyRequestsError(
    retryAfterSeconds,
    'TOO_MANY_REQUESTS',
    `Too many new holds on this event; try again in ${retryAfterSeconds} s`,
  );
}
