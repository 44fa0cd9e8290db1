import type { Pool } from 'pg';
import type { Availability, EventDetail, EventSummary } from '../../../shared/domain';
import type { EventFilter, EventRepository } from '../ports';

/**
 * Availability is computed from the rows that decide it: seat statuses for seat maps; for general admission,
 * `ticket_types.sold` counts every quantity taken (pending reservations and confirmed ones, the oversell guard),
 * so available = capacity − sold, of which the pending quantities are shown as held. The same formula as the
 * `ticket-updated` messages (functions/shared/inventory/pg-inventory.ts).
 */

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function where(filter: EventFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const clauses = ["e.status <> 'draft'"];
  if (filter.text) {
    params.push(`%${escapeLike(filter.text)}%`);
    clauses.push(`(e.title ILIKE $${params.length} OR e.venue_name ILIKE $${params.length})`);
  }
  if (filter.status) {
    params.push(filter.status);
    clauses.push(`e.status = $${params.length}`);
  }
  if (filter.startsFrom) {
    params.push(filter.startsFrom);
    clauses.push(`e.starts_at >= $${params.length}`);
  }
  if (filter.startsBefore) {
    params.push(filter.startsBefore);
    clauses.push(`e.starts_at < $${params.length}`);
  }
  return { sql: clauses.join(' AND '), params };
}

// Per-event aggregates, joined laterally so a page of events costs one round trip.
const SUMMARY_COLUMNS = `
  e.id, e.title, e.venue_name, e.starts_at, e.sales_open_at, e.sales_close_at, e.status, e.image_url,
  s.total AS seat_total, s.available AS seat_available, s.held AS seat_held, s.sold AS seat_sold,
  g.capacity AS ga_capacity, g.sold AS ga_sold, g.held AS ga_held,
  LEAST(s.min_price, g.min_price) AS min_price`;
const SUMMARY_JOINS = `
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE st.status <> 'blocked')::int AS total,
           count(*) FILTER (WHERE st.status = 'available')::int AS available,
           count(*) FILTER (WHERE st.status = 'held')::int AS held,
           count(*) FILTER (WHERE st.status IN ('reserved', 'sold'))::int AS sold,
           (SELECT min(price) FROM price_tiers pt WHERE pt.event_id = e.id) AS min_price
    FROM seats st WHERE st.event_id = e.id
  ) s
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(tt.capacity), 0)::int AS capacity,
           coalesce(sum(tt.sold), 0)::int AS sold,
           coalesce(sum(${heldForTicketType('tt.id')}), 0)::int AS held,
           min(tt.price) AS min_price
    FROM ticket_types tt WHERE tt.event_id = e.id
  ) g`;

/** Quantities of a ticket type in reservations waiting for payment (already counted in `sold`). */
function heldForTicketType(column: string) {
  return `(
    SELECT coalesce(sum(ri.quantity), 0) FROM reservation_items ri JOIN reservations r ON r.id = ri.reservation_id
    WHERE ri.ticket_type_id = ${column} AND r.status = 'pending_payment'
  )`;
}

interface SummaryRow {
  id: string;
  title: string;
  venue_name: string;
  starts_at: Date;
  sales_open_at: Date;
  sales_close_at: Date;
  status: EventSummary['status'];
  image_url: string | null;
  seat_total: number;
  seat_available: number;
  seat_held: number;
  seat_sold: number;
  ga_capacity: number;
  ga_sold: number;
  ga_held: number;
  min_price: number | null;
}

function availabilityOf(r: SummaryRow): Availability {
  const gaHeld = Math.min(r.ga_held, r.ga_sold);
  return {
    total: r.seat_total + r.ga_capacity,
    available: r.seat_available + Math.max(0, r.ga_capacity - r.ga_sold),
    held: r.seat_held + gaHeld,
    sold: r.seat_sold + r.ga_sold - gaHeld,
  };
}

function toSummary(r: SummaryRow): EventSummary {
  return {
    id: r.id,
    title: r.title,
    venue: r.venue_name,
    startsAt: r.starts_at.toISOString(),
    salesOpenAt: r.sales_open_at.toISOString(),
    salesCloseAt: r.sales_close_at.toISOString(),
    status: r.status,
    imageUrl: r.image_url,
    hasSeatMap: r.seat_total > 0,
    minPrice: r.min_price,
    currency: 'KRW',
    availability: availabilityOf(r),
  };
}

export function pgEventRepository(pool: Pool): EventRepository {
  return {
    async search(filter, { limit, offset }) {
      const w = where(filter);
      const [count, page] = await Promise.all([
        pool.query<{ total: number }>(`SELECT count(*)::int AS total FROM events e WHERE ${w.sql}`, w.params),
        pool.query<SummaryRow>(
          `SELECT ${SUMMARY_COLUMNS} FROM events e ${SUMMARY_JOINS}
           WHERE ${w.sql} ORDER BY e.starts_at, e.id
           LIMIT $${w.params.length + 1} OFFSET $${w.params.length + 2}`,
          [...w.params, limit, offset],
        ),
      ]);
      return { items: page.rows.map(toSummary), total: count.rows[0]?.total ?? 0 };
    },

    async findPublic(id) {
      const { rows } = await pool.query<
        SummaryRow & {
          description: string;
          max_seats_per_user: number;
          cancellation_deadline: Date;
          waiting_room: EventDetail['waitingRoom'];
        }
      >(
        `SELECT ${SUMMARY_COLUMNS}, e.description, e.max_seats_per_user, e.waiting_room,
                least(coalesce(e.cancellation_deadline, e.starts_at), e.starts_at) AS cancellation_deadline
         FROM events e ${SUMMARY_JOINS} WHERE e.id = $1 AND e.status <> 'draft'`,
        [id],
      );
      const r = rows[0];
      if (!r) return null;
      const [ticketTypes, tiers] = await Promise.all([
        pool.query<{ id: string; name: string; price: number; capacity: number; sold: number; held: number }>(
          `SELECT tt.id, tt.name, tt.price, tt.capacity, tt.sold, (${heldForTicketType('tt.id')})::int AS held
           FROM ticket_types tt WHERE tt.event_id = $1 ORDER BY tt.sort, tt.name`,
          [id],
        ),
        pool.query<{ tier: string; price: number; seats: number }>(
          `SELECT pt.tier, pt.price, count(st.id)::int AS seats
           FROM price_tiers pt LEFT JOIN seats st ON st.event_id = pt.event_id AND st.tier = pt.tier
           WHERE pt.event_id = $1 GROUP BY pt.tier, pt.price ORDER BY pt.price DESC`,
          [id],
        ),
      ]);
      return {
        ...toSummary(r),
        description: r.description,
        maxSeatsPerUser: r.max_seats_per_user,
        cancellationDeadline: r.cancellation_deadline.toISOString(),
        ticketTypes: ticketTypes.rows.map((t) => {
          const held = Math.min(t.held, t.sold);
          return { ...t, held, sold: t.sold - held, available: Math.max(0, t.capacity - t.sold) };
        }),
        priceTiers: tiers.rows,
        waitingRoom: r.waiting_room,
      };
    },
  };
}
