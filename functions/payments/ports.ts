import type { PAYMENT_PROVIDERS, PaymentStatus, PaymentStatusResult } from '../../shared/booking';
import type { SeatChange } from '../../shared/ws';

/** What the payment use cases need from the outside world. Adapters live in ./adapters and ./providers. */

export type ProviderName = (typeof PAYMENT_PROVIDERS)[number];

export interface ConfirmChargeInput {
  paymentKey: string;
  orderId: string;
  amount: number;
  /** The same key for every attempt at one charge: a retry after a lost answer never charges twice. */
  idempotencyKey: string;
}

export interface ChargeResult {
  approved: true;
  /** The provider's reference for the charge (Toss: the paymentKey it confirmed). */
  providerRef: string;
  approvedAt: string;
  /** A few fields of the provider's answer worth keeping (never card numbers or secrets). */
  details: Record<string, unknown>;
}

export interface CancelInput {
  paymentKey: string;
  reason: string;
  idempotencyKey: string;
}

export interface CancelResult {
  /** False when there was nothing to cancel (the charge never happened). */
  cancelled: boolean;
  /** True when an earlier cancel had already done it. */
  alreadyCancelled: boolean;
}

/** What the provider knows about a paymentKey: the order it was authorized for, and where it stands. */
export interface ProviderPayment {
  orderId: string;
  /** The provider's own status word (Toss: DONE, CANCELED…; sandbox: approved, cancelled). */
  status: string;
}

/**
 * A payment provider. `confirm` captures a payment the buyer authorized on the provider's client side; it throws
 * PaymentDeclinedError (refused, nothing charged), ProviderTimeoutError (no answer in time: unknown outcome) or
 * TransientError (not processed, safe to retry with the same idempotency key). `cancel` voids or refunds by
 * paymentKey and tolerates "nothing to cancel" and "already cancelled". `lookup` asks the
 * provider which order a paymentKey belongs to (null: it knows no such payment), so a void or refund never
 * cancels a payment that is not this order's.
 */
export interface PaymentProvider {
  readonly name: ProviderName;
  confirm(input: ConfirmChargeInput): Promise<ChargeResult>;
  cancel(input: CancelInput): Promise<CancelResult>;
  lookup(paymentKey: string): Promise<ProviderPayment | null>;
}

export interface PaymentRecord {
  id: string;
  reservationId: string;
  userId: string;
  provider: ProviderName;
  orderId: string;
  amount: number;
  status: PaymentStatus;
  paymentKey: string | null;
  idempotencyKey: string;
  failureCode: string | null;
  failureMessage: string | null;
}

export interface ReservationForPayment {
  id: string;
  eventId: string;
  eventTitle: string;
  status: 'pending_payment' | 'confirmed' | 'expired' | 'cancelled' | 'refunded';
  total: number;
  /** pending_payment and not past its deadline. */
  payable: boolean;
  /** Tickets in it (seats + GA quantities). */
  itemCount: number;
}

export interface NewPayment {
  id: string;
  reservationId: string;
  userId: string;
  provider: ProviderName;
  orderId: string;
  amount: number;
  idempotencyKey: string;
}

/** Seats and ticket types a payment transition changed, for the realtime broadcast after commit. */
export interface InventoryChange {
  eventId: string;
  seats: SeatChange[];
  /** GA quantities changed (or any change that moves the event's availability). */
  ticketTypes: boolean;
}

export interface Failure {
  code: string;
  message: string;
}

export interface PaymentRepository {
  /** The user's reservation with what prepare needs; null when missing or someone else's. */
  reservationForPayment(reservationId: string, userId: string): Promise<ReservationForPayment | null>;
  /** Inserts a `ready` payment; null when the reservation already has a live (ready/in_progress/approved) one. */
  createPayment(payment: NewPayment): Promise<PaymentRecord | null>;
  livePaymentOf(reservationId: string): Promise<PaymentRecord | null>;
  findPayment(paymentId: string): Promise<PaymentRecord | null>;
  /**
   * ready → in_progress with the paymentKey, for the owner only; false when it was not `ready`. Throws
   * PaymentKeyInUseError when the key already belongs to another payment.
   */
  startConfirm(paymentId: string, userId: string, paymentKey: string): Promise<boolean>;
  /** in_progress → ready again (the saga could not be started); only for the same paymentKey. */
  revertConfirm(paymentId: string, paymentKey: string): Promise<void>;
  /**
   * Payments `in_progress` untouched for `olderThanSeconds` (oldest first): a saga that never started, or one
   * stuck. `payable` = their reservation is still pending and inside its deadline.
   */
  stuckInProgress(
    olderThanSeconds: number,
    limit: number,
  ): Promise<{ paymentId: string; payable: boolean }[]>;
  /** in_progress → failed (NOT_STARTED) for a payment whose saga never ran, so nothing was charged. */
  failNeverStarted(paymentId: string): Promise<boolean>;
  setExecutionArn(paymentId: string, executionArn: string): Promise<void>;
  statusOf(paymentId: string, userId: string): Promise<PaymentStatusResult | null>;

  // --- saga steps: each conditional, so a re-run changes nothing ---
  /** The payment the saga charges: `in_progress` (or `ready` with a paymentKey, moved to in_progress). */
  beginCharge(paymentId: string): Promise<PaymentRecord | null>;
  recordCharge(paymentId: string, result: ChargeResult): Promise<void>;
  recordDecline(paymentId: string, failure: Failure): Promise<void>;
  /**
   * One transaction: payment → approved, reservation pending_payment (not expired) → confirmed, its seats
   * reserved → sold (row counts checked). Throws ReservationNotPayableError when the reservation cannot be
   * confirmed any more. `beforeConfirm` runs where the confirmation would start, once the payment is found in
   * progress and before anything is written (test-only fault injection; its throw is what the caller sees).
   */
  confirmReservation(paymentId: string, beforeConfirm?: () => void): Promise<InventoryChange>;
  /** What a confirmed payment sold (for the broadcast); null if the payment is not approved. */
  soldInventory(paymentId: string): Promise<InventoryChange | null>;
  /** Payment → failed; a still-pending reservation → cancelled (expired if past its deadline); seats freed. */
  settleFailed(paymentId: string, failure: Failure): Promise<InventoryChange | null>;
  /** Payment → refunded with a code derived from the reservation's state; reservation and seats as above. */
  settleRefunded(paymentId: string, fallback: Failure): Promise<InventoryChange | null>;

  // --- refund of a confirmed reservation ---
  confirmedReservationOf(
    reservationId: string,
    userId: string,
  ): Promise<{ status: ReservationForPayment['status']; payment: PaymentRecord | null } | null>;
  /** Payment approved → refunded, reservation confirmed → refunded, seats sold → available, GA sold −= qty. */
  refundConfirmed(
    reservationId: string,
    paymentId: string | null,
    reason: string,
  ): Promise<InventoryChange | null>;
}

/**
 * Test-only faults (header `x-test-fault`, honoured only with test switches on the local stack):
 * - after-charge: the confirmation fails after the charge (→ refund);
 * - charge-timeout: the provider's answer to the charge is lost, as a timeout (→ void); the provider is not called;
 * - pool-exhausted: the first confirmation attempt finds every database pool client taken until pg's connect
 *   timeout, a transient fault (→ retried).
 */
export const TEST_FAULTS = ['after-charge', 'charge-timeout', 'pool-exhausted'] as const;
export type TestFault = (typeof TEST_FAULTS)[number];
export const isTestFault = (value: unknown): value is TestFault =>
  (TEST_FAULTS as readonly unknown[]).includes(value);

export interface SagaInput {
  paymentId: string;
  /** Test-only fault injection (honoured only with test switches on the local stack). */
  testFault: TestFault | null;
}

export interface SagaStarter {
  /** Starts the saga named after the payment; an execution that already exists counts as started. */
  start(input: SagaInput): Promise<{ executionArn: string }>;
  /** Whether the payment's saga execution exists, and whether it still runs. */
  describe(paymentId: string): Promise<'missing' | 'running' | 'closed'>;
}

/** Realtime side effects; never throws (a broadcast must not fail the payment transition that caused it). */
export interface PaymentEvents {
  inventoryChanged(change: InventoryChange): Promise<void>;
}
