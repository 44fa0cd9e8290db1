import type { Pool, PoolClient } from 'pg';
import type { Hold } from '../../../shared/booking';
import { inTransaction } from '../../shared/db';
import type { HoldRepository, LockOutcome, SaleInfo, UnlockOutcome } from '../ports';

/**
 * Holds in PostgreSQL, the truth: one `active` hold per (event, user) (partial unique index), seats claimed by
 * a conditional UPDATE whose row count is checked. A lock serializes the buyer on the event (advisory lock,
 * shared with GA reservations) and then locks the hold row (FOR UPDATE), so one user's concurrent requests
 * apply one after the other and the per-user limit over hold and orders is exact.
 */

type Queryable = Pick<PoolClient, 'query'>;

/** The JSON `tiketi_hold_view` builds (see its migration). */
interface HoldViewJson {
  id: string;
  eventId: string;
  expiresAtMs: number;
  maxSeats: number;
  seats: Hold['seats'];
}

const toHold = (v: HoldViewJson): Hold => ({
  id: v.id,
  eventId: v.eventId,
  expiresAt: new Date(v.expiresAtMs).toISOString(),
  maxSeats: v.maxSeats,
  seats: v.seats,
});

/** Seats of a hold with what the cart shows, in map order. */
export async function holdView(db: Queryable, holdId: string): Promise<Hold | null> {
  const { rows } = await db.query<{ v: HoldViewJson | null }>('SELECT tiketi_hold_view($1) AS v', [holdId]);
  const v = rows[0]?.v;
  return v ? toHold(v) : null;
}

/** Refusals `tiketi_lock_seats` raises to roll its writes back: SQLSTATE → the outcome in DETAIL. */
const LOCK_REFUSALS = new Set(['TK409', 'TK422', 'TK429']);

/** Thrown inside a transaction to roll it back with a business outcome. */
class Outcome<T> {
  constructor(readonly value: T) {}
}

export function pgHoldRepository(pool: Pool, options: { saleInfoTtlMs?: number } = {}): HoldRepository {
  // Sale facts change rarely (an admin edits the event); the transaction re-checks them, so a short cache only
  // decides the Redis key lifetime and the early answer for closed events.
  const ttl = options.saleInfoTtlMs ?? 2_000;
  const saleCache = new Map<string, { at: number; info: SaleInfo | null }>();

  return {
    async saleInfo(eventId) {
      const cached = saleCache.get(eventId);
      if (cached && Date.now() - cached.at < ttl) return cached.info;
      const { rows } = await pool.query<{ hold_seconds: number; on_sale: boolean }>(
        `SELECT hold_seconds,
                status = 'on_sale' AND sales_open_at <= now() AND now() < sales_close_at AS on_sale
         FROM events WHERE id = $1 AND status <> 'draft'`,
        [eventId],
      );
      const row = rows[0];
      const info = row ? { holdSeconds: row.hold_seconds, onSale: row.on_sale } : null;
      if (saleCache.size >= 1_000) saleCache.clear();
      saleCache.set(eventId, { at: Date.now(), info });
      return info;
    },

    async lock({ eventId, userId, seatIds, unguarded }) {
      // One round trip: the whole transaction runs server-side (migration 1732000000500).
      try {
        const { rows } = await pool.query<{
          r:
            | Exclude<LockOutcome, { kind: 'ok' }>
            | (Omit<Extract<LockOutcome, { kind: 'ok' }>, 'hold'> & {
                hold: HoldViewJson | null;
              });
        }>('SELECT tiketi_lock_seats($1, $2, $3::uuid[], $4) AS r', [eventId, userId, seatIds, !!unguarded]);
        const r = rows[0]!.r;
        if (r.kind !== 'ok') return r;
        if (!r.hold) throw new Error('hold vanished during lock');
        return { ...r, hold: toHold(r.hold) };
      } catch (error) {
        const { code, detail } = error as { code?: string; detail?: string };
        if (code && LOCK_REFUSALS.has(code) && detail) return JSON.parse(detail) as LockOutcome;
        throw error;
      }
    },

    async unlock({ eventId, userId, seatIds }) {
      try {
        return await inTransaction(pool, async (client) => {
          const found = await client.query<{ id: string }>(
            `SELECT id FROM holds WHERE event_id = $1 AND user_id = $2 AND status = 'active' FOR UPDATE`,
            [eventId, userId],
          );
          const hold = found.rows[0];
          if (!hold) throw new Outcome({ kind: 'not-found' as const });
          const freed = await client.query<{ id: string }>(
            `UPDATE seats SET status = 'available', hold_id = NULL, version = version + 1, updated_at = now()
             WHERE hold_id = $1 AND id = ANY($2::uuid[]) AND status = 'held' RETURNING id`,
            [hold.id, seatIds],
          );
          if (!freed.rows.length) throw new Outcome({ kind: 'not-found' as const });
          // An emptied hold stays active until its deadline, keeping its timer: a lock within the window
          // reuses both, so a lock/unlock loop starts one execution per hold window, not one per round. The
          // caller sees no hold (its seats are gone); the timer expires the empty row at the deadline.
          const view = await holdView(client, hold.id);
          return {
            kind: 'ok' as const,
            hold: view?.seats.length ? view : null,
            released: freed.rows.map((r) => r.id),
          };
        });
      } catch (error) {
        if (error instanceof Outcome) return (error as Outcome<UnlockOutcome>).value;
        throw error;
      }
    },

    async findLive(eventId, userId) {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT id FROM holds h
         WHERE event_id = $1 AND user_id = $2 AND status = 'active' AND expires_at > now()
           AND EXISTS (SELECT 1 FROM seats s WHERE s.hold_id = h.id)`,
        [eventId, userId],
      );
      return rows[0] ? holdView(pool, rows[0].id) : null;
    },

    async setExecutionArn(holdId, executionArn) {
      await pool.query('UPDATE holds SET execution_arn = $2 WHERE id = $1', [holdId, executionArn]);
    },
  };
}
