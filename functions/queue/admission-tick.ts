import { z } from 'zod';
import { MANIFEST } from '../manifest';
import { loadConfig } from '../shared/config';
import { TransientError } from '../shared/errors';
import { withLambdaContext } from '../shared/logger';
import { isTransient } from '../shared/transient';
import { getTickDeps, logger } from './deps';
import { admissionTick } from './use-cases/admission-tick';

// Parsed once at cold start so a missing variable fails loudly, listing all of them.
loadConfig(MANIFEST.admissionTick.parts);

/**
 * Task of the admission-loop state machine: `{ eventId, iteration }` → `{ eventId, continue, iteration,
 * nextTickAt, admitted }`. Bad input fails the execution (never retried); connection-level faults of PostgreSQL
 * or Redis surface as TransientError, which the state machine retries.
 */
const inputSchema = z.object({ eventId: z.uuid(), iteration: z.int().nonnegative().optional() });

async function tick(payload: unknown) {
  const input = inputSchema.parse(payload);
  try {
    return await admissionTick(await getTickDeps(), input);
  } catch (error) {
    if (isTransient(error)) {
      logger.warn('admission tick failed transiently', { eventId: input.eventId, error });
      throw new TransientError('admission tick failed transiently', { cause: error });
    }
    throw error;
  }
}
export const handler = withLambdaContext(tick);
