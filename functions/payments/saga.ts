import { z } from 'zod';
import { TransientError } from '../shared/errors';
import { withLambdaContext } from '../shared/logger';
import { getSagaDeps, logger } from './deps';
import { ProviderTimeoutError } from './errors';
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

/** Connection-level PostgreSQL/network failures: retry later rather than compensate. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  '57P01',
  '53300',
  '40001',
  '40P01',
]);

const EXPECTED = new Set([
  'PaymentDeclinedError',
  'ReservationNotPayableError',
  'PaymentAlreadyConfirmedError',
  'InjectedFaultError',
]);

/** The error as Step Functions should see it. */
export function forStateMachine(step: SagaStep, error: unknown): unknown {
  // Subclasses (CircuitOpenError) are renamed so one ErrorEquals name covers every transient failure.
  if (error instanceof TransientError) return new TransientError(error.message, { cause: error });
  // A cancel that timed out is safe to repeat under the same idempotency key; only a timed-out charge is
  // ambiguous enough to need its own path (void).
  if (error instanceof ProviderTimeoutError && step !== 'charge') {
    return new TransientError(error.message, { cause: error });
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) {
    return new TransientError('Database unavailable', { cause: error });
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
