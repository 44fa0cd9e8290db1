import type { Pool } from 'pg';
import { type SeatChange, topics } from '../../../shared/ws';
import { publish, publishSeatChanges } from '../../shared/broadcaster';
import type { InventoryEvents, Log } from '../ports';
import { ticketAvailability } from './pg-inventory';

/**
 * Inventory changes on `event:{id}` through the shared broadcaster (which never throws). Seat changes carry no
 * user id: who holds a seat is nobody else's business; the holder's own screen knows from its hold.
 */
export function broadcastInventoryEvents(pool: () => Promise<Pool>, logger: Log): InventoryEvents {
  return {
    async seatsChanged(eventId, changes) {
      const seats: SeatChange[] = changes.map(({ id, status }) => ({ id, status }));
      if (seats.length) await publishSeatChanges(eventId, seats);
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
}
