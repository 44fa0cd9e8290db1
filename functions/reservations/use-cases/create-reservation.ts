import { idempotencyKeySchema, type Reservation, type ReservationCreateBody } from '../../../shared/booking';
import type { AdmissionGate } from '../../shared/admission/gate';
import {
  AppError,
  ConflictError,
  NotFoundError,
  TooManyRequestsError,
  UnprocessableError,
  ValidationError,
} from '../../shared/errors';
import type { HoldTimer, InventoryEvents, Log, SeatGuard } from '../../shared/inventory/ports';
import type { CreateOutcome, ReservationRepository } from '../ports';
import { requestHash } from './request-hash';

export interface CreateDeps {
  reservations: ReservationRepository;
  /** The waiting room's gate: while the event's room is active, only admitted callers reserve. */
  admission: AdmissionGate;
  guard: SeatGuard;
  timer: HoldTimer;
  events: InventoryEvents;
  paymentSeconds: number;
  logger: Log;
}

export interface CreateResult {
  reservation: Reservation;
  /** True when this answers a retry with the reservation the key already made. */
  replayed: boolean;
}

/** Lower-cased ids: the same seat must hash, compare and key (Redis) the same whatever case it was sent in. */
function normalise(body: ReservationCreateBody): ReservationCreateBody {
  const eventId = body.eventId.toLowerCase();
  if ('seatIds' in body) return { eventId, seatIds: body.seatIds.map((s) => s.toLowerCase()) };
  return { eventId, items: body.items.map((i) => ({ ...i, ticketTypeId: i.ticketTypeId.toLowerCase() })) };
}

/**
 * Creates a reservation, idempotently per (user, Idempotency-Key): a retry with the same body gets the same
 * reservation back (`replayed`), the same key with another body is 422 IDEMPOTENCY_KEY_REUSED and changes
 * nothing. Two concurrent requests with one key meet at the reservations' unique index: the second waits for
 * the first and answers with its reservation. Refusals (409/422) store nothing, so the key can be retried.
 * `unserialized` is the limit race test's switch (the handler honours it only in the local stage).
 */
export async function createReservation(
  deps: CreateDeps,
  userId: string,
  rawKey: string | undefined,
  rawBody: ReservationCreateBody,
  admissionToken?: string,
  options: { unserialized?: boolean } = {},
): Promise<CreateResult> {
  const key = idempotencyKeySchema.safeParse(rawKey);
  if (!key.success) {
    throw new ValidationError(
      'An Idempotency-Key header (8–128 characters: letters, digits, _ . : -) is required',
      [{ path: 'headers.idempotency-key', message: 'missing or invalid' }],
    );
  }
  const body = normalise(rawBody);
  const hash = requestHash(body);
  await deps.admission.require({ eventId: body.eventId, userId, token: admissionToken });

  const replay = async (): Promise<CreateResult | null> => {
    const existing = await deps.reservations.findByKey(userId, key.data);
    if (!existing) return null;
    if (existing.requestHash !== hash) {
      throw new UnprocessableError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used for a different request',
      );
    }
    const reservation = await deps.reservations.get(existing.id, userId);
    if (!reservation) throw new Error('reservation of an idempotency key not found');
    return { reservation, replayed: true };
  };

  const earlier = await replay();
  if (earlier) return earlier;

  const common = { userId, eventId: body.eventId, idempotencyKey: key.data, requestHash: hash };
  const outcome =
    'seatIds' in body
      ? await deps.reservations.createSeated({
          ...common,
          seatIds: body.seatIds,
          paymentSeconds: deps.paymentSeconds,
        })
      : await deps.reservations.createGeneralAdmission({
          ...common,
          items: body.items,
          paymentSeconds: deps.paymentSeconds,
          unserialized: options.unserialized,
        });

  if (outcome.kind === 'duplicate') {
    const winner = await replay();
    if (!winner) throw new Error('idempotency key conflict without a reservation');
    return winner;
  }
  if (outcome.kind !== 'created') throw refusal(outcome);

  const { reservation, holdId } = outcome;
  if (outcome.startTimer) {
    const arn = await deps.timer.start({
      holdId,
      eventId: body.eventId,
      expiresAt: new Date(reservation.expiresAt),
    });
    if (arn) {
      await deps.reservations.setHoldExecutionArn(holdId, arn).catch((error: unknown) => {
        deps.logger.warn('execution arn not stored', { holdId, error: String(error) });
      });
    }
  }
  if (outcome.releasedSeatIds.length) {
    await deps.guard.release(body.eventId, outcome.releasedSeatIds, userId).catch((error: unknown) => {
      deps.logger.warn('could not give back seat guard keys', { holdId, error: String(error) });
    });
  }
  await deps.events.seatsChanged(body.eventId, [
    ...outcome.reservedSeatIds.map((id) => ({ id, status: 'reserved' as const })),
    ...outcome.releasedSeatIds.map((id) => ({ id, status: 'available' as const })),
  ]);
  if (outcome.generalAdmission) await deps.events.ticketTypesChanged(body.eventId);
  return { reservation, replayed: false };
}

function refusal(outcome: Exclude<CreateOutcome, { kind: 'created' | 'duplicate' }>): AppError {
  switch (outcome.kind) {
    case 'event-not-found':
      return new NotFoundError('EVENT_NOT_FOUND', 'Event not found');
    case 'not-on-sale':
      return new ConflictError('EVENT_NOT_ON_SALE', 'This event is not on sale');
    case 'hold-expired':
      return new ConflictError('HOLD_EXPIRED', 'These seats are not in your hold (it may have expired)', {
        seatIds: outcome.seatIds,
      });
    case 'sold-out':
      return new ConflictError('SOLD_OUT', 'Not enough tickets left', {
        ticketTypeIds: outcome.ticketTypeIds,
      });
    case 'ticket-type-not-found':
      return new AppError('NOT_FOUND', 'Unknown ticket type for this event', {
        ticketTypeIds: outcome.ticketTypeIds,
      });
    case 'too-many-holds':
      // Each GA reservation starts a hold-expiry execution, like a new seat hold (see lockSeats).
      return new TooManyRequestsError(
        outcome.retryAfterSeconds,
        'TOO_MANY_REQUESTS',
        `Too many new holds on this event; try again in ${outcome.retryAfterSeconds} s`,
      );
    case 'limit-exceeded':
      return new UnprocessableError(
        'LIMIT_EXCEEDED',
        `At most ${outcome.limit} tickets per person for this event (${outcome.alreadyYours} already yours)`,
        { limit: outcome.limit, alreadyYours: outcome.alreadyYours, requested: outcome.requested },
      );
  }
}
