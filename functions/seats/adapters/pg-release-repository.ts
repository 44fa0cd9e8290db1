import type { Pool } from 'pg';
import { inTransaction } from '../../shared/db';
import { releaseReservationInventory } from '../../shared/inventory/pg-inventory';
import type { ReleaseRepository, ReleaseResult } from '../ports';

/**
 * The hold-expiry timer's transaction. Everything is decided under the hold's row lock, from the rows
 * themselves, so running it twice (a retried task, the sweep racing the timer) changes nothing the second time.
 * "Not yet" answers carry the time to look again, at least a second ahead so a clock skew between Step
 * Functions and the database cannot spin the workflow's loop.
 */
export function pgReleaseRepository(pool: Pool): ReleaseRepository {
  return {
    async release({ holdId, eventId, skipLocked }) {
      // Most timers find nothing to do (the hold became a reservation that was paid) or come early: one
      // unlocked read answers those. Only a due hold or reservation takes the locked transaction below, which
      // decides again from the rows themselves. A "nothing" read here cannot turn stale: a hold leaves
      // `active` for good, and a reservation leaves `pending_payment` for good.
      const peek = await pool.query<{
        status: string;
        due: boolean;
        next_at: Date;
        reservation_id: string | null;
        reservation_due: boolean | null;
        reservation_next_at: Date | null;
      }>(
        `SELECT h.status, h.expires_at <= now() AS due,
                greatest(h.expires_at, now() + interval '1 second') AS next_at,
                r.id AS reservation_id, r.expires_at <= now() AS reservation_due,
                greatest(r.expires_at, now() + interval '1 second') AS reservation_next_at
           FROM holds h
           LEFT JOIN LATERAL (
             SELECT id, expires_at FROM reservations
              WHERE hold_id = h.id AND status = 'pending_payment' ORDER BY created_at DESC LIMIT 1
           ) r ON h.status = 'converted'
          WHERE h.id = $1 AND h.event_id = $2`,
        [holdId, eventId],
      );
      const seen = peek.rows[0];
      const nothing = {
        done: true as const,
        action: 'none' as const,
        eventId,
        userId: null,
        seatIds: [],
        ticketTypes: false,
      };
      if (!seen) return nothing;
      if (seen.status === 'active' && !seen.due) return { done: false, nextAt: seen.next_at, eventId };
      if (seen.status === 'converted' && !seen.reservation_id) return nothing;
      if (seen.status === 'converted' && !seen.reservation_due) {
        return { done: false, nextAt: seen.reservation_next_at!, eventId };
      }
      if (seen.status !== 'active' && seen.status !== 'converted') return nothing;

      return inTransaction(pool, async (client): Promise<ReleaseResult> => {
        const found = await client.query<{
          user_id: string;
          status: string;
          due: boolean;
          next_at: Date;
        }>(
          `SELECT user_id, status, expires_at <= now() AS due,
                    greatest(expires_at, now() + interval '1 second') AS next_at
             FROM holds WHERE id = $1 AND event_id = $2
             FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''}`,
          [holdId, eventId],
        );
        const hold = found.rows[0];
        if (!hold) {
          if (!skipLocked) return nothing;
          // Missing, or locked by someone else right now (SKIP LOCKED cannot tell): look without the lock.
          const exists = await client.query('SELECT 1 FROM holds WHERE id = $1 AND event_id = $2', [
            holdId,
            eventId,
          ]);
          return exists.rowCount ? { done: false, skipped: true, eventId } : nothing;
        }

        if (hold.status === 'active') {
          if (!hold.due) return { done: false, nextAt: hold.next_at, eventId };
          await client.query(`UPDATE holds SET status = 'expired', closed_at = now() WHERE id = $1`, [
            holdId,
          ]);
          const seats = await client.query<{ id: string }>(
            `UPDATE seats SET status = 'available', hold_id = NULL, version = version + 1, updated_at = now()
               WHERE hold_id = $1 AND status = 'held' RETURNING id`,
            [holdId],
          );
          return {
            done: true,
            action: 'hold-expired',
            eventId,
            userId: hold.user_id,
            seatIds: seats.rows.map((s) => s.id),
            ticketTypes: false,
          };
        }

        if (hold.status !== 'converted') return nothing;
        // The timer outlives the hold's conversion: it now watches the reservation's payment deadline.
        const reservation = await client.query<{ id: string; due: boolean; next_at: Date }>(
          `SELECT id, expires_at <= now() AS due, greatest(expires_at, now() + interval '1 second') AS next_at
             FROM reservations WHERE hold_id = $1 AND status = 'pending_payment'
             ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
          [holdId],
        );
        const r = reservation.rows[0];
        if (!r) return nothing;
        if (!r.due) return { done: false, nextAt: r.next_at, eventId };
        await client.query(
          `UPDATE reservations SET status = 'expired', updated_at = now()
             WHERE id = $1 AND status = 'pending_payment'`,
          [r.id],
        );
        const freed = await releaseReservationInventory(client, r.id);
        return {
          done: true,
          action: 'reservation-expired',
          eventId,
          userId: hold.user_id,
          seatIds: freed.seatIds,
          ticketTypes: freed.ticketTypes,
        };
      });
    },

    async overdue(graceSeconds, limit) {
      const { rows } = await pool.query<{ hold_id: string; event_id: string }>(
        `(SELECT id AS hold_id, event_id, expires_at FROM holds
          WHERE status = 'active' AND expires_at < now() - make_interval(secs => $1)
          ORDER BY expires_at LIMIT $2)
         UNION ALL
         (SELECT hold_id, event_id, expires_at FROM reservations
          WHERE status = 'pending_payment' AND hold_id IS NOT NULL
            AND expires_at < now() - make_interval(secs => $1)
          ORDER BY expires_at LIMIT $2)
         ORDER BY expires_at LIMIT $2`,
        [graceSeconds, limit],
      );
      return rows.map((r) => ({ holdId: r.hold_id, eventId: r.event_id }));
    },
  };
}
