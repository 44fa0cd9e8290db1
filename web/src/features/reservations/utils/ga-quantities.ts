import { BOOKING_LIMITS, type TicketType } from '../../../lib/contract';

/**
 * General-admission quantities: ticket type id → how many. Every helper keeps the selection within what can
 * be bought: each type's live availability, the per-line maximum, and the event's per-user limit across all
 * types.
 */
export type Quantities = Readonly<Record<string, number>>;

type Available = Pick<TicketType, 'id' | 'available' | 'price'>;

export function totalQuantity(quantities: Quantities): number {
  return Object.values(quantities).reduce((sum, n) => sum + n, 0);
}

/** The most of `typeId` the user may choose, given the other types already chosen. */
export function maxQuantity(
  typeId: string,
  types: readonly Available[],
  quantities: Quantities,
  perUserLimit: number,
): number {
  const type = types.find((candidate) => candidate.id === typeId);
  if (!type) return 0;
  const others = totalQuantity(quantities) - (quantities[typeId] ?? 0);
  return Math.max(0, Math.min(type.available, BOOKING_LIMITS.quantityMax, perUserLimit - others));
}

/** Sets one type's quantity, clamped to [0, maxQuantity]; zero entries are dropped. */
export function setQuantity(
  quantities: Quantities,
  typeId: string,
  value: number,
  types: readonly Available[],
  perUserLimit: number,
): Quantities {
  const max = maxQuantity(typeId, types, quantities, perUserLimit);
  const clamped = Number.isFinite(value) ? Math.max(0, Math.min(max, Math.trunc(value))) : 0;
  const next: Record<string, number> = { ...quantities };
  if (clamped === 0) delete next[typeId];
  else next[typeId] = clamped;
  return next;
}

/**
 * Re-clamps after availability changed live (someone bought the last tickets): quantities above what is left
 * come down, types that disappeared go. The same object when nothing changes.
 */
export function clampQuantities(
  quantities: Quantities,
  types: readonly Available[],
  perUserLimit: number,
): Quantities {
  let next: Quantities = {};
  let changed = false;
  for (const type of types) {
    const wanted = quantities[type.id] ?? 0;
    if (wanted === 0) continue;
    next = setQuantity(next, type.id, wanted, types, perUserLimit);
    if ((next[type.id] ?? 0) !== wanted) changed = true;
  }
  if (Object.keys(quantities).some((id) => !types.some((type) => type.id === id))) changed = true;
  return changed ? next : quantities;
}

/** The request's items, in the event's ticket-type order. */
export function toItems(quantities: Quantities, types: readonly Available[]) {
  return types
    .filter((type) => (quantities[type.id] ?? 0) > 0)
    .map((type) => ({ ticketTypeId: type.id, quantity: quantities[type.id] ?? 0 }));
}

export function totalPrice(quantities: Quantities, types: readonly Available[]): number {
  return types.reduce((sum, type) => sum + type.price * (quantities[type.id] ?? 0), 0);
}
