import type { SeatChangesData } from '../../../lib/contract';
import { AVAILABLE, decodeStatusCodes, type SeatModel, seatIndexOf, statusIndex } from './seat-map-model';

/**
 * Live seat statuses: the seat map's snapshot plus every `seat-locked` / `seat-released` since.
 *
 * Messages are subscribed to before the map is requested. While a map is loading they are buffered (and,
 * when an older snapshot is on screen, also applied to it so the screen stays live); when the snapshot
 * arrives its statuses replace the current ones and the buffered messages are re-applied in arrival order.
 * A message already reflected in the snapshot re-applies the same status (harmless); one that is newer
 * moves the seat on; so the result is never staler than the stream. A reconnect starts a new load the same
 * way.
 */

export type SeatChangeType = 'seat-locked' | 'seat-released';

export interface LiveSeatChange {
  type: SeatChangeType;
  data: SeatChangesData;
}

/** Applies changes in order; returns the indices whose status changed. Seats not on this map are skipped. */
export function applySeatChanges(
  model: SeatModel,
  statuses: Uint8Array,
  changes: readonly LiveSeatChange[],
): number[] {
  const changed: number[] = [];
  for (const change of changes) {
    if (change.data.eventId !== model.eventId) continue;
    for (const seat of change.data.seats) {
      const index = seatIndexOf(model, seat.id);
      if (index === -1) continue;
      // A release always means "available"; a lock carries the new status (held, reserved, sold, blocked).
      const next =
        change.type === 'seat-released'
          ? AVAILABLE
          : seat.status === 'available'
            ? statusIndex('held')
            : statusIndex(seat.status);
      if (statuses[index] !== next) {
        statuses[index] = next;
        changed.push(index);
      }
    }
  }
  return changed;
}

/** Available seats per tier (index = tier index). */
export function availableByTier(model: SeatModel, statuses: Uint8Array): number[] {
  const counts = model.tiers.map(() => 0);
  for (let i = 0; i < model.count; i++) {
    if (statuses[i] !== AVAILABLE) continue;
    const tier = model.tier[i] ?? 0;
    if (tier < counts.length) counts[tier] = (counts[tier] ?? 0) + 1;
  }
  return counts;
}

/**
 * Most messages kept for replay. A load normally takes well under a second; this only bounds memory when a
 * load never completes (failed, waiting for a manual retry, which starts a new load and a new buffer).
 */
const MAX_BUFFERED = 10_000;

export class LiveSeatStore {
  private model: SeatModel | null = null;
  private statuses: Uint8Array | null = null;
  private loading = true;
  private buffer: LiveSeatChange[] = [];
  private version = 0;
  private readonly listeners = new Set<() => void>();

  /** Bumped on every change (for `useSyncExternalStore` and redraws). */
  getVersion = (): number => this.version;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** The current statuses (SEAT_STATUS_ORDER indices), or null before the first snapshot. */
  getStatuses(): Uint8Array | null {
    return this.statuses;
  }

  getModel(): SeatModel | null {
    return this.model;
  }

  isLoading(): boolean {
    return this.loading;
  }

  /** A seat map request is starting: buffer what arrives from now until its snapshot. */
  beginLoad(): void {
    this.loading = true;
    this.buffer = [];
  }

  /** The snapshot arrived: its statuses, then the buffered messages in order. */
  setSnapshot(model: SeatModel): void {
    const statuses = model.status.slice();
    applySeatChanges(model, statuses, this.buffer);
    this.model = model;
    this.statuses = statuses;
    this.buffer = [];
    this.loading = false;
    this.emit();
  }

  /**
   * Fresh statuses for the current layout (`?view=status`, the cheap re-read after a realtime gap), then the
   * buffered messages. False (nothing changed) when they do not fit the current map: re-read it in full.
   */
  setStatusSnapshot(view: { eventId: string; count: number; status: string }): boolean {
    const model = this.model;
    if (
      !model ||
      view.eventId !== model.eventId ||
      view.count !== model.count ||
      view.status.length !== model.count
    ) {
      return false;
    }
    const statuses = decodeStatusCodes(view.status, model.count);
    applySeatChanges(model, statuses, this.buffer);
    this.statuses = statuses;
    this.buffer = [];
    this.loading = false;
    this.emit();
    return true;
  }

  /** A realtime message. Returns the indices that changed on screen (none while only buffered). */
  apply(change: LiveSeatChange): number[] {
    if (this.loading && this.buffer.length < MAX_BUFFERED) this.buffer.push(change);
    if (!this.model || !this.statuses) return [];
    const changed = applySeatChanges(this.model, this.statuses, [change]);
    if (changed.length > 0) this.emit();
    return changed;
  }

  /** Sets statuses the client learned from its own calls (a lock it won, a 409's taken seats, an unlock). */
  setLocal(indices: readonly number[], status: number): void {
    if (!this.statuses) return;
    let changed = false;
    for (const index of indices) {
      if (index < 0 || index >= this.statuses.length || this.statuses[index] === status) continue;
      this.statuses[index] = status;
      changed = true;
    }
    if (changed) this.emit();
  }

  private emit(): void {
    this.version += 1;
    for (const listener of [...this.listeners]) listener();
  }
}
