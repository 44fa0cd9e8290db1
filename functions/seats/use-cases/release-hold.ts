import type { Pool } from 'pg';

export interface ReleaseHoldInput {
  holdId: string;
  eventId: string;
}

export interface ReleaseHoldResult {
  released: boolean;
  reason?: 'not_active' | 'not_due';
  seatIds: string[];
}

/**
 * Releases a hold at its deadline. Idempotent: only an `active` hold whose deadline passed is expired, in
 * one transaction with its seats; a converted or already-released hold is left alone (a timer that fires
 * after checkout changes nothing).
 */
export async function releaseExpiredHold(pool: Pool, input: ReleaseHoldInput): Promise<ReleaseHoldResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const hold = await client.query<{ due: boolean }>(
      `SELECT expires_at <= now() AS due FROM holds
       WHERE id = $1 AND event_id = $2 AND status = 'active' FOR UPDATE`,
      [input.holdId, input.eventId],
    );
    const row = hold.rows[0];
    if (!row?.due) {
      await client.query('ROLLBACK');
      return { released: false, reason: row ? 'not_due' : 'not_active', seatIds: [] };
    }
    await client.query("UPDATE holds SET status = 'expired', closed_at = now() WHERE id = $1", [
      input.holdId,
    ]);
    const seats = await client.query<{ id: string }>(
      `UPDATE seats SET status = 'available', hold_id = NULL, version = version + 1, updated_at = now()
       WHERE hold_id = $1 AND status = 'held' RETURNING id`,
      [input.holdId],
    );
    await client.query('COMMIT');
    return { released: true, seatIds: seats.rows.map((s) => s.id) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
