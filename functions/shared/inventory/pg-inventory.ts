import type { Pool, PoolClient } from 'pg';
import { SEAT_STATUS_CODES } from '../../../shared/booking';
import type { TicketUpdatedData } from '../../../shared/ws';
import { sharedStatuses } from './seat-statuses';

/**
 * Inventory SQL shared by the seats and reservations contexts.
 *
 * General admission: `ticket_types.sold` counts every live sale, pending reservations included — the
 * conditional `sold + q <= capacity` UPDATE is the oversell guard, so a pending reservation must already be
 * in it. Published availability therefore reports a type as `available = capacity − sold`,
 * `held = quantities in pending reservations` and `sold = sold − held` (paid).
 */

/**
 * Returns a reservation's inventory to sale, inside the caller's transaction: its reserved seats become
 * available, its general-admission quantities leave `sold`. Only call it in the transaction that moves the
 * reservation out of `pending_payment` (or out of `confirmed` on a refund), so it runs once per reservation.
 */
export async function releaseReservationInventory(
  client: PoolClient,
  reservationId: string,
): Promise<{ seatIds: string[]; ticketTypes: boolean }> {
  const seats = await client.query<{ id: string }>(
    `UPDATE seats SET status = 'available', reservation_id = NULL, version = version + 1, updated_at = now()
     WHERE reservation_id = $1 AND status IN ('reserved', 'sold') RETURNING id`,
    [reservationId],
  );
  const items = await client.query<{ ticket_type_id: string; quantity: number }>(
    `SELECT ticket_type_id, sum(quantity)::int AS quantity FROM reservation_items
     WHERE reservation_id = $1 AND ticket_type_id IS NOT NULL GROUP BY ticket_type_id ORDER BY ticket_type_id`,
    [reservationId],
  );
  // One row at a time in id order, the order reservations take them in, so the two can never deadlock.
  for (const item of items.rows) {
    await client.query('UPDATE ticket_types SET sold = sold - $2 WHERE id = $1', [
      item.ticket_type_id,
      item.quantity,
    ]);
  }
  return { seatIds: seats.rows.map((r) => r.id), ticketTypes: items.rows.length > 0 };
}

const CODE = SEAT_STATUS_CODES;

/** Seat counts for the availability: every seat but blocked ones is part of the total. */
export function countSeats(codes: string | null): {
  total: number;
  available: number;
  held: number;
  sold: number;
} {
  const c = { total: 0, available: 0, held: 0, sold: 0 };
  for (let i = 0; i < (codes?.length ?? 0); i++) {
    const code = codes![i];
    if (code === CODE.blocked) continue;
    c.total++;
    if (code === CODE.available) c.available++;
    else if (code === CODE.held) c.held++;
    else if (code === CODE.reserved || code === CODE.sold) c.sold++;
  }
  return c;
}

/** The `ticket-updated` payload: per ticket type and for the whole event (seats + general admission). */
export async function ticketAvailability(
  pool: Pick<Pool, 'query'>,
  eventId: string,
): Promise<TicketUpdatedData> {
  const [types, seats] = await Promise.all([
    pool.query<{ id: string; capacity: number; sold: number; pending: number }>(
      `SELECT t.id, t.capacity, t.sold,
              coalesce((SELECT sum(ri.quantity) FROM reservation_items ri
                        JOIN reservations r ON r.id = ri.reservation_id
                        WHERE ri.ticket_type_id = t.id AND r.status = 'pending_payment'), 0)::int AS pending
       FROM ticket_types t WHERE t.event_id = $1 ORDER BY t.sort, t.name`,
      [eventId],
    ),
    // From the incremental status reader (O(changes) per call) rather than counting the venue each window.
    sharedStatuses(pool)(eventId).then(countSeats),
  ]);
  const ticketTypes = types.rows.map((t) => {
    const held = Math.min(t.pending, t.sold);
    return { id: t.id, available: Math.max(0, t.capacity - t.sold), held, sold: t.sold - held };
  });
  const s = seats;
  const availability = {
    total: s.total + types.rows.reduce((n, t) => n + t.capacity, 0),
    available: s.available + ticketTypes.reduce((n, t) => n + t.available, 0),
    held: s.held + ticketTypes.reduce((n, t) => n + t.held, 0),
    sold: s.sold + ticketTypes.reduce((n, t) => n + t.sold, 0),
  };
  return { eventId, availability, ticketTypes };
}
