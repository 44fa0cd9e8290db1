import type { Pool } from 'pg';
import { type SeatChange, topics } from '../../../shared/ws';
import { publish, publishSeatChanges } from '../broadcaster';
import { ticketAvailability } from './pg-inventory';
import type { InventoryEvents, Log } from './ports';

/**
 * Inventory changes on `event:{id}` through the shared broadcaster (which never throws). Seat changes carry no
 * user id: who holds a seat is nobody else's business; the holder's own screen knows from its hold. Every seat
 * window is followed by the event's availability (`ticket-updated`), which the event page shows live.
 */
export function broadcastInventoryEvents(pool: () => Promise<Pool>, logger: Log): InventoryEvents {
  const events: InventoryEvents = {
    async seatsChanged(eventId, changes) {
      const seats: SeatChange[] = changes.map(({ id, status }) => ({ id, status }));
      if (!seats.length) return;
      const out = await publishSeatChanges(eventId, seats);
      // Availability changed too: the caller that flushed this 100 ms window sends it once for the whole window,
      // so `ticket-updated` costs two queries per event per window whatever the hold rate.
      if (out.flushed) await events.ticketTypesChanged(eventId);
    },
    async ticketTypesChanged(eventId) {
      try {
        const data = await ticketAvailability(await pool(), eventId);
        await publish(topics.event(eventId), { type: 'ticket-updated', data });
      } catch (error) {
        // A broadcast must not fail the change that caused it; clients re-fetch after gaps anyway.
        logger.warn('ticket-updated not published', { eventId, error: String(error) });
      }
    },
  };
  return events;
}
