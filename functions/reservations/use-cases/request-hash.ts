import { createHash } from 'node:crypto';
import type { ReservationCreateBody } from '../../../shared/booking';

/**
 * The canonical form of a reservation request, so a retry matches its original whatever the order of seat ids
 * or items and the case of the UUIDs: `{eventId, seatIds: sorted}` or `{eventId, items: [[ticketTypeId,
 * quantity]] sorted by id}`, as JSON.
 */
export function canonicalRequest(body: ReservationCreateBody): string {
  const eventId = body.eventId.toLowerCase();
  if ('seatIds' in body) {
    return JSON.stringify({ eventId, seatIds: body.seatIds.map((s) => s.toLowerCase()).sort() });
  }
  const items = body.items
    .map((i) => [i.ticketTypeId.toLowerCase(), i.quantity] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify({ eventId, items });
}

/** SHA-256 (hex) of the canonical request: stored with the reservation to detect a reused key. */
export const requestHash = (body: ReservationCreateBody) =>
  createHash('sha256').update(canonicalRequest(body)).digest('hex');
