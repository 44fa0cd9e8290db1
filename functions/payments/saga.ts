import { z } from 'zod';
import { TransientError } from '../shared/errors';
import { withLambdaContext } from '../shared/logger';
import { isTransient } from '../shared/transient';
import { getSagaDeps, logger } from './deps';
import { PaymentError, ProviderTimeoutError } from './errors';
import { SAGA_STEPS, type SagaStep, steps } from './use-cases/saga-steps';

/**
 * The payment saga's task Lambda: `handler({ step, input })`, where `input` is the whole execution state
 * (`{ paymentId, testFault, charge?, error? … }`). Errors leave with the names the state machine's Retry/Catch
 * match: TransientError (retried with backoff), PaymentDeclinedError, ProviderTimeoutError (charge only),
 * ReservationNotPayableError, PaymentAlreadyConfirmedError, and anything else (caught into compensation).
 */

const eventSchema = z.object({
  step: z.enum(SAGA_STEPS),
  input: z.looseObject({
    paymentId: z.uuid(),
    testFault: z.string().nullish(),
    error: z.looseObject({ Error: z.string().optional(), Cause: z.string().optional() }).nullish(),
  }),
});

const EXPECTED = new Set([
  'PaymentDeclinedError',
  'ReservationNotPayableError',
  'PaymentAlreadyConfirmedError',
  'InjectedFaultError',
]);

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

async function runStep(event: unknown): Promise<unknown> {
  const { step, input } = eventSchema.parse(event);
  try {
    const result = await steps[step](await getSagaDeps(), input);
    logger.info('payment saga step', { step, paymentId: input.paymentId });
    return result ?? null;
  } catch (error) {
    const mapped = forStateMachine(step, error);
    const name = (mapped as Error).name;
    // Declines and late payments are outcomes the saga handles, not faults worth a warning.
    if (EXPECTED.has(name))
      logger.info('payment saga step outcome', { step, paymentId: input.paymentId, error: name });
    else logger.warn('payment saga step failed', { step, paymentId: input.paymentId, error: name });
    throw mapped;
  }
}
export const handler = withLambdaContext(runStep);
