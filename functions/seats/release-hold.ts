import { z } from 'zod';
import { getPool } from '../shared/clients';
import { TransientError } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { releaseExpiredHold } from './use-cases/release-hold';

/**
 * Task of the hold-expiry state machine. Input errors fail the execution (never retried); connection-level
 * faults surface as `TransientError`, the only error type the state machine retries.
 */
const logger = createLogger('seats');
const inputSchema = z.object({ holdId: z.uuid(), eventId: z.uuid() });
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '53300', '40001', '40P01']);

export async function handler(payload: unknown) {
  const input = inputSchema.parse(payload);
  try {
    const result = await releaseExpiredHold(await getPool(), input);
    logger.info('hold expiry', { ...input, ...result, seats: result.seatIds.length });
    return result;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code && TRANSIENT.has(code)) throw new TransientError('Database unavailable', { cause: err });
    throw err;
  }
}
