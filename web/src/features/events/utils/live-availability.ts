import type { Availability, EventDetail, EventList } from '../../../lib/contract';
import type { ServerMessageData } from '../../../lib/realtime';

export type TicketUpdate = ServerMessageData<'ticket-updated'>;

/**
 * Applies a `ticket-updated` message to a cached event detail. The message's counts are absolute (the new
 * totals, not deltas), so applying one twice is harmless. Without event-wide totals, the changed ticket
 * types' differences are applied to them. Null when the message cannot be applied to this snapshot (another
 * event, nothing to apply, a ticket type the cache does not know): the caller re-fetches instead.
 */
export function applyTicketUpdate(event: EventDetail, update: TicketUpdate): EventDetail | null {
  if (update.eventId !== event.id) return null;
  const changes = update.ticketTypes ?? [];
  if (!update.availability && changes.length === 0) return null;

  const byId = new Map(changes.map((change) => [change.id, change]));
  const known = new Set(event.ticketTypes.map((type) => type.id));
  if (changes.some((change) => !known.has(change.id))) return null;

  let delta = { available: 0, held: 0, sold: 0 };
  const ticketTypes = event.ticketTypes.map((type) => {
    const change = byId.get(type.id);
    if (!change) return type;
    delta = {
      available: delta.available + change.available - type.available,
      held: delta.held + change.held - type.held,
      sold: delta.sold + change.sold - type.sold,
    };
    return { ...type, available: change.available, held: change.held, sold: change.sold };
  });

  const availability: Availability = update.availability
    ? { ...update.availability }
    : {
        total: event.availability.total,
        available: Math.max(0, event.availability.available + delta.available),
        held: Math.max(0, event.availability.held + delta.held),
        sold: Math.max(0, event.availability.sold + delta.sold),
      };
  return { ...event, availability, ticketTypes };
}

/** The same event's availability in a cached list page (unchanged when it is not on the page). */
export function patchListAvailability(
  list: EventList,
  eventId: string,
  availability: Availability,
): EventList {
  if (!list.items.some((item) => item.id === eventId)) return list;
  return {
    ...list,
    items: list.items.map((item) => (item.id === eventId ? { ...item, availability } : item)),
  };
}
