import { TransientError } from '../shared/errors';
import { isTransient } from '../shared/transient';

/**
 * Errors of the payment context. Their `name` is what the payment saga's Retry/Catch match on (Step Functions
 * sees a Lambda error's type as the error name), so renaming one is a change to
 * infra/workflows/definitions/payment-saga.asl.json too. None of them reaches an HTTP client: the HTTP edge
 * turns non-AppErrors into a generic 500, and the use cases map them to AppErrors where a client can act.
 */

/** The payment context's own outcomes: answers, never "transient" whatever their cause (see saga.ts). */
export abstract class PaymentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The provider answered and refused the charge (card declined, invalid key…): nothing was charged. */
export class PaymentDeclinedError extends PaymentError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The provider did not answer within the client timeout. Whether it charged is unknown, so the saga voids
 * (cancel by the same paymentKey) instead of retrying or assuming nothing happened.
 */
export class ProviderTimeoutError extends PaymentError {}

/** The provider refused a request that is not a decline (a cancel it cannot do, an unexpected state). */
export class ProviderRejectedError extends PaymentError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Fail-fast while the breaker is open: transient by nature, so the saga retries it later with backoff. */
export class CircuitOpenError extends TransientError {}

/**
 * The provider says the paymentKey belongs to another order (someone confirmed with a key that is not theirs):
 * this order must fail without cancelling anything, since the cancel would void or refund the other order.
 */
export class PaymentKeyMismatchError extends PaymentError {}

/** The paymentKey is held by another payment (unique among payments that are not failed). */
export class PaymentKeyInUseError extends PaymentError {}

/** The charge succeeded but the reservation can no longer be confirmed (expired, cancelled): refund it. */
export class ReservationNotPayableError extends PaymentError {}

/** The refund step found the payment already approved (its reservation was confirmed): nothing to refund. */
export class PaymentAlreadyConfirmedError extends PaymentError {}

/** Test-only fault (TIKETI_TEST_SWITCHES on the local stack): a failure between charge and confirmation. */
export class InjectedFaultError extends PaymentError {}

/** A provider that is down or not answering: the circuit breaker counts these, and a refund answers 503. */
export const isProviderUnavailable = (error: unknown) =>
  isTransient(error) || error instanceof ProviderTimeoutError;
