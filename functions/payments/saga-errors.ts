import { TransientError } from '../shared/errors';
import { isTransient } from '../shared/transient';
import { PaymentError, ProviderTimeoutError } from './errors';
import type { SagaStep } from './use-cases/saga-steps';

/** The error as Step Functions should see it. */
export function forStateMachine(step: SagaStep, error: unknown): unknown {
  // A cancel that timed out is safe to repeat under the same idempotency key; only a timed-out charge is
  // ambiguous enough to need its own path (void).
  if (error instanceof ProviderTimeoutError) {
    return step === 'charge' ? error : new TransientError(error.message, { cause: error });
  }
  // Declines, refusals, late payments: outcomes the saga routes, even when a transient error caused them.
  if (error instanceof PaymentError) return error;
  // One name for every transient failure (subclasses such as CircuitOpenError, pool timeouts, connection loss),
  // so the state machine's single `TransientError` Retry clause covers them all; raw driver text stays in cause.
  if (isTransient(error)) {
    const message = error instanceof TransientError ? error.message : 'A dependency is unavailable';
    return new TransientError(message, { cause: error });
  }
  return error;
}
