import { TransientError } from '../shared/errors';

/**
 * Errors of the payment context. Their `name` is what the payment saga's Retry/Catch match on (Step Functions
 * sees a Lambda error's type as the error name), so renaming one is a change to
 * infra/workflows/definitions/payment-saga.asl.json too. None of them reaches an HTTP client: the HTTP edge
 * turns non-AppErrors into a generic 500, and the use cases map them to AppErrors where a client can act.
 */

abstract class NamedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The provider answered and refused the charge (card declined, invalid key…): nothing was charged. */
export class PaymentDeclinedError extends NamedError {
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
export class ProviderTimeoutError extends NamedError {}

/** The provider refused a request that is not a decline (a cancel it cannot do, an unexpected state). */
export class ProviderRejectedError extends NamedError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Fail-fast while the breaker is open: transient by nature, so the saga retries it later with backoff. */
export class CircuitOpenError extends TransientError {}

/** The charge succeeded but the reservation can no longer be confirmed (expired, cancelled): refund it. */
export class ReservationNotPayableError extends NamedError {}

/** The refund step found the payment already approved (its reservation was confirmed): nothing to refund. */
export class PaymentAlreadyConfirmedError extends NamedError {}

/** Test-only fault (TIKETI_TEST_SWITCHES on the local stack): a failure between charge and confirmation. */
export class InjectedFaultError extends NamedError {}

/** True for failures worth retrying later; the circuit breaker counts these. */
export const isTransient = (error: unknown) =>
  error instanceof TransientError || error instanceof ProviderTimeoutError;
