import type { Logger } from '@aws-lambda-powertools/logger';
import type { Pool } from 'pg';
import { topics } from '../../../shared/ws';
import { publish, publishSeatChanges } from '../../shared/broadcaster';
import { ticketAvailability } from '../../shared/inventory/pg-inventory';
import type { PaymentEvents } from '../ports';

/**
 * Payment transitions on `event:{id}`: sold seats as `seat-locked` (status sold), freed ones as `seat-released`,
 * and a `ticket-updated` with the event's availability (computed the way the seats context does, so every
 * publisher sends the same numbers). Never throws: the transition already committed.
 */
export function broadcastPaymentEvents(
  pool: () => Promise<Pool>,
  logger: Pick<Logger, 'warn'>,
): PaymentEvents {
  return {
    async inventoryChanged(change) {
      try {
        if (change.seats.length) await publishSeatChanges(change.eventId, change.seats);
        if (change.ticketTypes) {
          const data = await ticketAvailability(await pool(), change.eventId);
          await publish(topics.event(change.eventId), { type: 'ticket-updated', data });
        }
      } catch (error) {
        logger.warn('payment inventory change not published', {
          eventId: change.eventId,
          error: String(error),
        });
      }
    },
  };
}
