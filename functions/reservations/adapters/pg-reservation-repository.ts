import type { Pool, PoolClient } from 'pg';
import { CURRENCY, type Reservation } from '../../../shared/booking';
import { inTransaction } from '../../shared/db';
import { releaseReservationInventory } from '../../shared/inventory/pg-inventory';
import type { CancelOutcome, CreateOutcome, ReservationRepository, ReservationStatus } from '../ports';

/**
 * Reservations in PostgreSQL. Every transition that can oversell is a conditional UPDATE with its row count
 * checked inside one transaction; a business refusal rolls the whole transaction back (nothing half-made).
 */

type Queryable = Pick<PoolClient, 'query'>;

/** Thrown inside a transaction to roll it back with a business outcome. */
class Refusal {
  constructor(readonly outcome: CreateOutcome | CancelOutcome) {}
}

interface ReservationRow {
  id: string;
  event_id: string;
  title: string;
  status: ReservationStatus;
  total: number;
  expires_at: Date;
  created_at: Date;
  payment_id: string | null;
  payment_status: NonNullable<Reservation['payment']>['status'] | null;
}

const RESERVATION_SELECT = `
  SELECT r.id, r.event_id, e.title, r.status, r.total, r.expires_at, r.created_at,
         p.id AS payment_id, p.status AS payment_status
  FROM reservations r
  JOIN events e ON e.id = r.event_id
  LEFT JOIN LATERAL (
    SELECT id, status FROM payments WHERE reservation_id = r.id ORDER BY created_at DESC, id DESC LIMIT 1
  ) p ON true`;

/** Reservations with their items (labels in map order, then ticket types in event order): two queries. */
async function withItems(db: Queryable, rows: ReservationRow[]): Promise<Reservation[]> {
  if (!rows.length) return [];
  const items = await db.query<{
    reservation_id: string;
    seat_id: string | null;
    ticket_type_id: string | null;
    label: string;
    quantity: number;
    unit_price: number;
  }>(
    `SELECT ri.reservation_id, ri.seat_id, ri.ticket_type_id, coalesce(s.label, t.name, '') AS label,
            ri.quantity, ri.unit_price
     FROM reservation_items ri
     LEFT JOIN seats s ON s.id = ri.seat_id
     LEFT JOIN seat_sections ss ON ss.id = s.section_id
     LEFT JOIN ticket_types t ON t.id = ri.ticket_type_id
     WHERE ri.reservation_id = ANY($1::uuid[])
     ORDER BY ss.sort, ss.name, s.row_label, s.seat_number, t.sort, t.name`,
    [rows.map((r) => r.id)],
  );
  const byReservation = new Map<string, Reservation['items']>();
  for (const i of items.rows) {
    const list = byReservation.get(i.reservation_id) ?? [];
    list.push({
      seatId: i.seat_id,
      ticketTypeId: i.ticket_type_id,
      label: i.label,
      quantity: i.quantity,
      unitPrice: i.unit_price,
    });
    byReservation.set(i.reservation_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    eventTitle: r.title,
    status: r.status,
    items: byReservation.get(r.id) ?? [],
    total: r.total,
    currency: CURRENCY,
    expiresAt: r.expires_at.toISOString(),
    createdAt: r.created_at.toISOString(),
    payment: r.payment_id && r.payment_status ? { id: r.payment_id, status: r.payment_status } : null,
  }));
}

async function getReservation(db: Queryable, id: string, userId: string): Promise<Reservation | null> {
  const { rows } = await db.query<ReservationRow>(
    `${RESERVATION_SELECT} WHERE r.id = $1 AND r.user_id = $2`,
    [id, userId],
  );
  return (await withItems(db, rows))[0] ?? null;
}

/** The event must be public, on sale and inside its sales window. */
async function saleCheck(client: Queryable, eventId: string): Promise<{ max: number }> {
  const { rows } = await client.query<{ status: string; in_window: boolean; max: number }>(
    `SELECT status, sales_open_at <= now() AND now() < sales_close_at AS in_window, max_seats_per_user AS max
     FROM events WHERE id = $1`,
    [eventId],
  );
  const e = rows[0];
  if (!e || e.status === 'draft') throw new Refusal({ kind: 'event-not-found' });
  if (e.status !== 'on_sale' || !e.in_window) throw new Refusal({ kind: 'not-on-sale' });
  return { max: e.max };
}

export function pgReservationRepository(pool: Pool): ReservationRepository {
  const refusals = async <T>(work: () => Promise<T>): Promise<T | CreateOutcome | CancelOutcome> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof Refusal) return error.outcome;
      throw error;
    }
  };

  return {
    async findByKey(userId, idempotencyKey) {
      const { rows } = await pool.query<{ id: string; request_hash: string }>(
        'SELECT id, request_hash FROM reservations WHERE user_id = $1 AND idempotency_key = $2',
        [userId, idempotencyKey],
      );
      return rows[0] ? { id: rows[0].id, requestHash: rows[0].request_hash } : null;
    },

    async createSeated(input) {
      // One round trip for the transaction (migration 1732000000600), then the reservation as the API shows it.
      let r:
        | {
            kind: 'created';
            reservationId: string;
            holdId: string;
            reservedSeatIds: string[];
            releasedSeatIds: string[];
          }
        | Extract<CreateOutcome, { kind: 'event-not-found' | 'not-on-sale' | 'duplicate' | 'hold-expired' }>;
      try {
        const { rows } = await pool.query<{ r: typeof r }>(
          'SELECT tiketi_reserve_seats($1, $2, $3, $4, $5::uuid[], $6) AS r',
          [
            input.userId,
            input.eventId,
            input.idempotencyKey,
            input.requestHash,
            input.seatIds,
            input.paymentSeconds,
          ],
        );
        r = rows[0]!.r;
      } catch (error) {
        const { code, detail } = error as { code?: string; detail?: string };
        if (code === 'TK410' && detail) return JSON.parse(detail) as CreateOutcome;
        throw error;
      }
      if (r.kind !== 'created') return r;
      const reservation = await getReservation(pool, r.reservationId, input.userId);
      if (!reservation) throw new Error('reservation vanished');
      return {
        kind: 'created',
        reservation,
        holdId: r.holdId,
        reservedSeatIds: r.reservedSeatIds,
        releasedSeatIds: r.releasedSeatIds,
        startTimer: false,
        generalAdmission: false,
      };
    },

    async createGeneralAdmission(input) {
      const outcome = (await refusals(() =>
        inTransaction(pool, async (client): Promise<CreateOutcome> => {
          const { max } = await saleCheck(client, input.eventId);
          const requested = input.items.reduce((n, i) => n + i.quantity, 0);
          // The buyer's purchases on this event one at a time (seat locks take the same lock), then the limit
          // over everything already theirs: live hold, pending and confirmed orders (migration 1732000001200).
          if (!input.unserialized) {
            await client.query('SELECT tiketi_serialize_buyer($1, $2)', [input.eventId, input.userId]);
          }
          const yours = await client.query<{ n: number }>('SELECT tiketi_tickets_of($1, $2) AS n', [
            input.eventId,
            input.userId,
          ]);
          const alreadyYours = yours.rows[0]!.n;
          if (alreadyYours + requested > max) {
            throw new Refusal({ kind: 'limit-exceeded', limit: max, alreadyYours, requested });
          }
          // Each GA reservation makes a hold and starts its timer: capped per buyer (migration 1732000001220).
          const wait = await client.query<{ s: number | null }>('SELECT tiketi_new_hold_wait($1, $2) AS s', [
            input.eventId,
            input.userId,
          ]);
          const retryAfterSeconds = wait.rows[0]?.s;
          if (retryAfterSeconds) throw new Refusal({ kind: 'too-many-holds', retryAfterSeconds });

          // The hold row carries the expiry timer of this reservation (GA has no seat hold before checkout).
          const hold = await client.query<{ id: string }>(
            `INSERT INTO holds (event_id, user_id, status, expires_at, closed_at)
             VALUES ($1, $2, 'converted', now() + make_interval(secs => $3), now()) RETURNING id`,
            [input.eventId, input.userId, input.paymentSeconds],
          );
          const holdId = hold.rows[0]!.id;
          const inserted = await client.query<{ id: string }>(
            `INSERT INTO reservations (user_id, event_id, hold_id, total, idempotency_key, request_hash, expires_at)
             VALUES ($1, $2, $3, 0, $4, $5, now() + make_interval(secs => $6))
             ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING id`,
            [
              input.userId,
              input.eventId,
              holdId,
              input.idempotencyKey,
              input.requestHash,
              input.paymentSeconds,
            ],
          );
          const reservationId = inserted.rows[0]?.id;
          if (!reservationId) throw new Refusal({ kind: 'duplicate' });

          // In id order, so concurrent multi-type reservations lock ticket types in the same order.
          const items = [...input.items].sort((a, b) => (a.ticketTypeId < b.ticketTypeId ? -1 : 1));
          for (const item of items) {
            const sold = await client.query<{ price: number }>(
              `UPDATE ticket_types SET sold = sold + $3
               WHERE id = $1 AND event_id = $2 AND sold + $3 <= capacity RETURNING price`,
              [item.ticketTypeId, input.eventId, item.quantity],
            );
            const price = sold.rows[0]?.price;
            if (price === undefined)
              throw new Refusal({ kind: 'sold-out', ticketTypeIds: [item.ticketTypeId] });
            await client.query(
              'INSERT INTO hold_items (hold_id, ticket_type_id, quantity) VALUES ($1, $2, $3)',
              [holdId, item.ticketTypeId, item.quantity],
            );
            await client.query(
              `INSERT INTO reservation_items (reservation_id, ticket_type_id, quantity, unit_price)
               VALUES ($1, $2, $3, $4)`,
              [reservationId, item.ticketTypeId, item.quantity, price],
            );
          }
          await client.query(
            `UPDATE reservations SET
               total = (SELECT coalesce(sum(quantity * unit_price), 0) FROM reservation_items WHERE reservation_id = $1)
             WHERE id = $1`,
            [reservationId],
          );
          const reservation = await getReservation(client, reservationId, input.userId);
          if (!reservation) throw new Error('reservation vanished');
          return {
            kind: 'created',
            reservation,
            holdId,
            reservedSeatIds: [],
            releasedSeatIds: [],
            startTimer: true,
            generalAdmission: true,
          };
        }),
      )) as CreateOutcome;
      if (outcome.kind !== 'sold-out') return outcome;
      // Rolled back; now name every requested type that cannot be sold (unknown to this event, or too few left).
      const { rows } = await pool.query<{ id: string; left: number }>(
        'SELECT id, capacity - sold AS left FROM ticket_types WHERE event_id = $1 AND id = ANY($2::uuid[])',
        [input.eventId, input.items.map((i) => i.ticketTypeId)],
      );
      const left = new Map(rows.map((r) => [r.id, r.left]));
      const unknown = input.items.filter((i) => !left.has(i.ticketTypeId)).map((i) => i.ticketTypeId);
      if (unknown.length) return { kind: 'ticket-type-not-found', ticketTypeIds: unknown };
      const short = input.items.filter((i) => (left.get(i.ticketTypeId) ?? 0) < i.quantity);
      return {
        kind: 'sold-out',
        ticketTypeIds: short.length ? short.map((i) => i.ticketTypeId) : outcome.ticketTypeIds,
      };
    },

    get: (id, userId) => getReservation(pool, id, userId),

    async list(userId, { status, limit, offset }) {
      const params: unknown[] = [userId];
      let where = 'r.user_id = $1';
      if (status) {
        params.push(status);
        where += ` AND r.status = $${params.length}`;
      }
      const [count, page] = await Promise.all([
        pool.query<{ total: number }>(
          `SELECT count(*)::int AS total FROM reservations r WHERE ${where}`,
          params,
        ),
        pool.query<ReservationRow>(
          `${RESERVATION_SELECT} WHERE ${where} ORDER BY r.created_at DESC, r.id DESC
           LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
          [...params, limit, offset],
        ),
      ]);
      return { items: await withItems(pool, page.rows), total: count.rows[0]?.total ?? 0 };
    },

    async cancelPending(id, userId) {
      return (await refusals(() =>
        inTransaction(pool, async (client): Promise<CancelOutcome> => {
          const found = await client.query<{
            status: ReservationStatus;
            event_id: string;
            starts_at: Date;
            cancellation_deadline: Date | null;
          }>(
            `SELECT r.status, r.event_id, e.starts_at, e.cancellation_deadline
             FROM reservations r JOIN events e ON e.id = r.event_id
             WHERE r.id = $1 AND r.user_id = $2 FOR UPDATE OF r`,
            [id, userId],
          );
          const r = found.rows[0];
          if (!r) return { kind: 'not-found' };
          if (r.status === 'confirmed') {
            return {
              kind: 'confirmed',
              startsAt: r.starts_at,
              cancellationDeadline: r.cancellation_deadline,
            };
          }
          if (r.status !== 'pending_payment') return { kind: 'not-pending', status: r.status };
          await client.query(
            `UPDATE reservations SET status = 'cancelled', updated_at = now() WHERE id = $1`,
            [id],
          );
          const freed = await releaseReservationInventory(client, id);
          return { kind: 'cancelled', eventId: r.event_id, ...freed };
        }),
      )) as CancelOutcome;
    },

    async setHoldExecutionArn(holdId, executionArn) {
      await pool.query('UPDATE holds SET execution_arn = $2 WHERE id = $1', [holdId, executionArn]);
    },
  };
}
