import { z } from 'zod';
import { loadConfig } from '../shared/config';
import { TransientError } from '../shared/errors';
import { getReleaseDeps, logger } from './deps';
import { releaseHold, toWorkflowOutput } from './use-cases/release-hold';

/**
 * Task of the hold-expiry state machine: `{ holdId, eventId, expiresAt }` → `{ done, nextAt? }`. Input errors
 * fail the execution (never retried); connection-level faults surface as `TransientError`, the only error type
 * (besides Lambda's own service errors) the state machine retries.
 */
loadConfig(['database', 'redis', 'connections', 'websocketManagement', 'broadcast']);

const inputSchema = z.object({ holdId: z.uuid(), eventId: z.uuid() });
/** Connection loss, server shutdown, too many connections, serialization failure, deadlock. */
const TRANSIENT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P03',
  '53300',
  '40001',
  '40P01',
]);

export function isTransientDbError(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  if (code && TRANSIENT.has(code)) return true;
  // pg's pool gives up on a connection with this message (no code).
  return /timeout exceeded when trying to connect|Connection terminated/i.test(
    String((err as Error)?.message),
  );
}

export async function handler(payload: unknown) {
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
    if (isTransientDbError(err)) throw new TransientError('Database unavailable', { cause: err });
    throw err;
  }
}
