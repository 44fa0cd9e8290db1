import type { Pool } from 'pg';
import { ticketAvailability } from '../../shared/inventory/pg-inventory';
import type { InventoryProbe } from '../ports';

/**
 * Seats and general-admission tickets still available, as the event page's `ticket-updated` counts them (seat
 * statuses from the incremental reader: O(changes) per call, so a tick a second costs almost nothing).
 */
export function pgInventoryProbe(pool: Pick<Pool, 'query'>): InventoryProbe {
  return {
    async available(eventId) {
      const { availability } = await ticketAvailability(pool, eventId);
      return availability?.available ?? 0;
    },
  };
}
