import { z } from 'zod';
import { MANIFEST } from '../manifest';
import { loadConfig } from '../shared/config';
import { withLambdaContext } from '../shared/logger';
import { getSagaDeps, logger } from './deps';
import { forStateMachine } from './saga-errors';
import { SAGA_STEPS, steps } from './use-cases/saga-steps';

// Parsed once at cold start so a missing variable fails loudly, listing all of them.
loadConfig(MANIFEST.paymentTasks.parts);

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
