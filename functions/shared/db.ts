import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction on one pooled client: COMMIT when it resolves, ROLLBACK when it throws (the
 * error is rethrown as it was). Use cases decide with row counts inside `work`; throwing undoes everything.
 */
export async function inTransaction<T>(
  pool: Pick<Pool, 'connect'>,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

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
