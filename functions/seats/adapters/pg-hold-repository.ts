import type { Pool, PoolClient } from 'pg';
import type { Hold } from '../../../shared/booking';
import { inTransaction } from '../../shared/db';
import type { HoldRepository, LockOutcome, SaleInfo, UnlockOutcome } from '../ports';

/**
 * Holds in PostgreSQL, the truth: one `active` hold per (event, user) (partial unique index), seats claimed by
 * a conditional UPDATE whose row count is checked, the hold row locked (FOR UPDATE) so one user's concurrent
 * requests apply one after the other and the per-user limit is exact.
 */

type Queryable = Pick<PoolClient, 'query'>;

/** Seats of a hold with what the cart shows, in map order. */
export async function holdView(db: Queryable, holdId: string): Promise<Hold | null> {
  const { rows } = await db.query<{
    hold_id: string;
    event_id: string;
    expires_at: Date;
    max_seats: number;
    id: string | null;
    label: string | null;
    tier: string | null;
    price: number | null;
  }>(
    `SELECT h.id AS hold_id, h.event_id, h.expires_at, e.max_seats_per_user AS max_seats,
            s.id, s.label, s.tier, pt.price
     FROM holds h
     JOIN events e ON e.id = h.event_id
     LEFT JOIN seats s ON s.hold_id = h.id
     LEFT JOIN seat_sections ss ON ss.id = s.section_id
     LEFT JOIN price_tiers pt ON pt.event_id = s.event_id AND pt.tier = s.tier
     WHERE h.id = $1
     ORDER BY ss.sort, ss.name, s.row_label, s.seat_number`,
    [holdId],
  );
  const first = rows[0];
  if (!first) return null;
  return {
    id: first.hold_id,
    eventId: first.event_id,
    expiresAt: first.expires_at.toISOString(),
    maxSeats: first.max_seats,
    seats: rows
      .filter((r) => r.id !== null)
      .map((r) => ({ id: r.id!, label: r.label!, tierName: r.tier!, price: r.price ?? 0 })),
  };
}

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
      try {
        return await inTransaction(pool, async (client) => {
          const event = await client.query<{ status: string; in_window: boolean; max: number }>(
            `SELECT status, sales_open_at <= now() AND now() < sales_close_at AS in_window,
                    max_seats_per_user AS max
             FROM events WHERE id = $1`,
            [eventId],
          );
          const e = event.rows[0];
          if (!e || e.status === 'draft') throw new Outcome({ kind: 'event-not-found' as const });
          if (e.status !== 'on_sale' || !e.in_window) throw new Outcome({ kind: 'not-on-sale' as const });

          const active = () =>
            client.query<{ id: string; overdue: boolean }>(
              `SELECT id, expires_at <= now() AS overdue FROM holds
               WHERE event_id = $1 AND user_id = $2 AND status = 'active' FOR UPDATE`,
              [eventId, userId],
            );
          let hold = (await active()).rows[0];
          let expired: string[] = [];
          if (hold?.overdue) {
            // Its timer is about to release it anyway; doing it here lets the caller start a fresh hold now.
            await client.query(`UPDATE holds SET status = 'expired', closed_at = now() WHERE id = $1`, [
              hold.id,
            ]);
            const freed = await client.query<{ id: string }>(
              `UPDATE seats SET status = 'available', hold_id = NULL, version = version + 1, updated_at = now()
               WHERE hold_id = $1 AND status = 'held' RETURNING id`,
              [hold.id],
            );
            expired = freed.rows.map((r) => r.id);
            hold = undefined;
          }
          let created = false;
          if (!hold) {
            const inserted = await client.query<{ id: string }>(
              `INSERT INTO holds (event_id, user_id, expires_at)
               SELECT id, $2, now() + make_interval(secs => hold_seconds) FROM events WHERE id = $1
               ON CONFLICT (event_id, user_id) WHERE status = 'active' DO NOTHING
               RETURNING id`,
              [eventId, userId],
            );
            if (inserted.rows[0]) {
              hold = { id: inserted.rows[0].id, overdue: false };
              created = true;
            } else {
              // The caller's concurrent request created it first (the insert waited for its commit).
              hold = (await active()).rows[0];
              if (!hold) throw new Error('active hold vanished during lock');
            }
          }

          const current = await client.query<{ id: string }>('SELECT id FROM seats WHERE hold_id = $1', [
            hold.id,
          ]);
          const mine = new Set(current.rows.map((r) => r.id));
          const wanted = seatIds.filter((id) => !mine.has(id));
          if (mine.size + wanted.length > e.max) {
            throw new Outcome({ kind: 'limit-exceeded' as const, limit: e.max, held: mine.size });
          }
          if (wanted.length) {
            const claimed = unguarded
              ? await client.query<{ id: string }>(
                  // Test switch only: no availability condition, no count check — overwrites other holds.
                  `UPDATE seats SET status = 'held', hold_id = $2, reservation_id = NULL, version = version + 1,
                                    updated_at = now()
                   WHERE event_id = $1 AND id = ANY($3::uuid[]) RETURNING id`,
                  [eventId, hold.id, wanted],
                )
              : await client.query<{ id: string }>(
                  `UPDATE seats SET status = 'held', hold_id = $2, version = version + 1, updated_at = now()
                   WHERE event_id = $1 AND id = ANY($3::uuid[]) AND status = 'available' RETURNING id`,
                  [eventId, hold.id, wanted],
                );
            if (!unguarded && claimed.rows.length !== wanted.length) {
              const got = new Set(claimed.rows.map((r) => r.id));
              throw new Outcome({
                kind: 'unavailable' as const,
                seatIds: wanted.filter((id) => !got.has(id)),
              });
            }
          }
          const view = await holdView(client, hold.id);
          if (!view) throw new Error('hold vanished during lock');
          return { kind: 'ok' as const, hold: view, created, locked: wanted, expired };
        });
      } catch (error) {
        if (error instanceof Outcome) return (error as Outcome<LockOutcome>).value;
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
          const left = await client.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM seats WHERE hold_id = $1',
            [hold.id],
          );
          let view: Hold | null = null;
          if (left.rows[0]?.n === 0) {
            // Its timer finds it released and does nothing.
            await client.query(`UPDATE holds SET status = 'released', closed_at = now() WHERE id = $1`, [
              hold.id,
            ]);
          } else view = await holdView(client, hold.id);
          return { kind: 'ok' as const, hold: view, released: freed.rows.map((r) => r.id) };
        });
      } catch (error) {
        if (error instanceof Outcome) return (error as Outcome<UnlockOutcome>).value;
        throw error;
      }
    },

    async findLive(eventId, userId) {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT id FROM holds
         WHERE event_id = $1 AND user_id = $2 AND status = 'active' AND expires_at > now()`,
        [eventId, userId],
      );
      return rows[0] ? holdView(pool, rows[0].id) : null;
    },

    async setExecutionArn(holdId, executionArn) {
      await pool.query('UPDATE holds SET execution_arn = $2 WHERE id = $1', [holdId, executionArn]);
    },
  };
}
