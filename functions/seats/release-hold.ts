import { z } from 'zod';
import { MANIFEST } from '../manifest';
import { loadConfig } from '../shared/config';
import { TransientError } from '../shared/errors';
import { withLambdaContext } from '../shared/logger';
import { isTransient } from '../shared/transient';
import { getReleaseDeps, logger } from './deps';
import { releaseHold, toWorkflowOutput } from './use-cases/release-hold';

/**
 * Task of the hold-expiry state machine: `{ holdId, eventId, expiresAt }` → `{ done, nextAt? }`. Input errors
 * fail the execution (never retried); connection-level faults surface as `TransientError`, the only error type
 * (besides Lambda's own service errors) the state machine retries.
 */
loadConfig(MANIFEST.releaseHold.parts);

const inputSchema = z.object({ holdId: z.uuid(), eventId: z.uuid() });
async function release(payload: unknown) {
  const input = inputSchema.parse(payload);
  try {
    const result = await releaseHold(await getReleaseDeps(), input);
    const output = toWorkflowOutput(result);
    logger.info('hold expiry', {
      ...input,
      done: output.done,
      seats: output.done ? output.seatIds.length : 0,
    });
    return output;
  } catch (err) {
    if (isTransient(err)) throw new TransientError('Database unavailable', { cause: err });
    throw err;
  }
}
export const handler = withLambdaContext(release);
