import type { Reservation } from '../../shared/booking';

export type ReservationStatus = Reservation['status'];

/** What the reservations use cases need from the outside world. Adapters live in ./adapters. */

export interface NewReservation {
  userId: string;
  eventId: string;
  idempotencyKey: string;
  requestHash: string;
  /** Seconds the buyer has to pay. */
  paymentSeconds: number;
}

export type CreateOutcome =
  | {
      kind: 'created';
      reservation: Reservation;
      holdId: string;
      /** Seats now reserved, and the hold's other seats that went back on sale. */
      reservedSeatIds: string[];
      releasedSeatIds: string[];
      /** General admission: a new hold row carries the timer, which must be started. */
      startTimer: boolean;
      generalAdmission: boolean;
    }
  /** A concurrent request with the same key committed first: answer with its reservation. */
  | { kind: 'duplicate' }
  | { kind: 'event-not-found' }
  | { kind: 'not-on-sale' }
  | { kind: 'hold-expired'; seatIds: string[] }
  | { kind: 'sold-out'; ticketTypeIds: string[] }
  | { kind: 'ticket-type-not-found'; ticketTypeIds: string[] }
  /** Past the event's per-user limit, counting what is `alreadyYours` (live hold, pending and paid orders). */
  | { kind: 'limit-exceeded'; limit: number; alreadyYours: number; requested: number }
  /** The buyer started too many holds on the event lately (each starts an expiry execution). */
  | { kind: 'too-many-holds'; retryAfterSeconds: number };

export type CancelOutcome =
  | { kind: 'cancelled'; eventId: string; seatIds: string[]; ticketTypes: boolean }
  | { kind: 'not-found' }
  /** Paid: the refund goes through payments, if the event's cancellation policy still allows it. */
  | { kind: 'confirmed'; startsAt: Date; cancellationDeadline: Date | null }
  | { kind: 'not-pending'; status: ReservationStatus };

export interface ReservationRepository {
  /** The reservation a user already made with this idempotency key, if any. */
  findByKey(userId: string, idempotencyKey: string): Promise<{ id: string; requestHash: string } | null>;
  /**
   * One transaction: the reservation row first (its unique (user, key) index serialises same-key retries),
   * then the seats of the caller's live hold move to `reserved` (checked row count), the hold's other seats
   * go back on sale and the hold becomes `converted`.
   */
  createSeated(input: NewReservation & { seatIds: string[] }): Promise<CreateOutcome>;
  /**
   * One transaction: the buyer serialized on the event and the per-user limit checked over everything already
   * theirs, a `converted` hold row (it carries the expiry timer) with its items, the reservation, and a
   * conditional `sold + q <= capacity` UPDATE per ticket type (checked row count).
   */
  createGeneralAdmission(
    input: NewReservation & {
      items: { ticketTypeId: string; quantity: number }[];
      /** Test switch only: the buyer's purchases are not serialized (the limit race test). */
      unserialized?: boolean;
    },
  ): Promise<CreateOutcome>;
  /** One of the user's reservations (another user's is null: the query filters by user). */
  get(id: string, userId: string): Promise<Reservation | null>;
  list(
    userId: string,
    filter: { status?: ReservationStatus; limit: number; offset: number },
  ): Promise<{ items: Reservation[]; total: number }>;
  /** Cancels a pending reservation and returns its inventory, in one transaction; reports any other state. */
  cancelPending(id: string, userId: string): Promise<CancelOutcome>;
  setHoldExecutionArn(holdId: string, executionArn: string): Promise<void>;
}

/** The payments context's refund of a confirmed reservation (provider cancel, statuses, inventory, publish). */
export interface Refunds {
  refundConfirmed(input: { reservationId: string; userId: string; reason: string }): Promise<void>;
}
