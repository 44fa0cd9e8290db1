import { AVAILABLE, statusIndex } from './seat-map-model';

/** A seat whose lock (`add`) or unlock (`remove`) call is in flight. */
export type PendingKind = 'add' | 'remove';

/** What a seat looks like to this user: its live status combined with their hold and calls in flight. */
export type SeatState = 'available' | 'taken' | 'blocked' | 'mine' | 'adding' | 'removing';

const BLOCKED = statusIndex('blocked');

export function seatState(
  index: number,
  statuses: Uint8Array | null,
  mine: ReadonlySet<number>,
  pending: ReadonlyMap<number, PendingKind>,
): SeatState {
  const kind = pending.get(index);
  if (kind === 'add') return 'adding';
  if (kind === 'remove') return 'removing';
  if (mine.has(index)) return 'mine';
  const status = statuses?.[index];
  if (status === AVAILABLE) return 'available';
  return status === BLOCKED ? 'blocked' : 'taken';
}
