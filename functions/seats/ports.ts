import type { Hold, SeatMap } from '../../shared/booking';

export type { HoldTimer, HoldTimerInput, InventoryEvents, Log, SeatGuard } from '../shared/inventory/ports';

/** What the seats use cases need from the outside world. Adapters live in ./adapters. */

/** Everything of a seat map but the statuses: changes only when the venue is edited, so it is cached. */
export interface SeatMapLayout {
  eventId: string;
  /** Changes whenever anything in the layout does (part of the ETag). */
  version: string;
  map: Omit<SeatMap, 'readAt' | 'seats'> & { seats: Omit<SeatMap['seats'], 'status'> };
  /**
   * Statuses are read in storage order (index order of the seats' unique key, no sort needed); entry i is the
   * storage position of map seat i.
   */
  storageIndex: Uint32Array | null;
}

export interface SeatMapRepository {
  /** The layout of a public event's map, or null when the event is missing or a draft. */
  layout(eventId: string): Promise<SeatMapLayout | null>;
  /**
   * The status code of every seat in storage order, in one query; null when the event is missing or a draft.
   */
  statuses(eventId: string): Promise<string | null>;
}

export interface SaleInfo {
  holdSeconds: number;
  onSale: boolean;
}

export type LockOutcome =
  | {
      kind: 'ok';
      hold: Hold;
      /** True when this request created the hold (its timer must be started). */
      created: boolean;
      /** Seats this request added (not those already in the hold). */
      locked: string[];
      /** Seats of the caller's overdue hold that this request expired on the way (released). */
      expired: string[];
    }
  | { kind: 'event-not-found' }
  | { kind: 'not-on-sale' }
  /** Past the event's per-user limit, counting what is `alreadyYours` (live hold, pending and paid orders). */
  | { kind: 'limit-exceeded'; limit: number; alreadyYours: number; requested: number }
  /** The buyer started too many holds on the event lately (each starts an expiry execution). */
  | { kind: 'too-many-holds'; retryAfterSeconds: number }
  | { kind: 'unavailable'; seatIds: string[] };

export type UnlockOutcome = { kind: 'ok'; hold: Hold | null; released: string[] } | { kind: 'not-found' };

export interface HoldRepository {
  /** Event facts the lock needs before touching Redis; null for a missing or draft event. May be cached briefly. */
  saleInfo(eventId: string): Promise<SaleInfo | null>;
  /**
   * One transaction: re-checks the sale, serializes the buyer on the event, gets or creates the caller's active
   * hold, checks the per-user limit over the hold and the buyer's pending and confirmed orders, and claims the seats with a conditional UPDATE whose row count is checked. `unguarded` (test switch only)
   * drops the condition and the count: the double sale the race test demonstrates.
   */
  lock(input: {
    eventId: string;
    userId: string;
    seatIds: string[];
    unguarded?: boolean;
  }): Promise<LockOutcome>;
  /**
   * Removes the named seats from the caller's active hold. An emptied hold stays active (with its deadline and
   * timer, reused by the next lock in the window) but is shown as no hold (`hold: null`).
   */
  unlock(input: { eventId: string; userId: string; seatIds: string[] }): Promise<UnlockOutcome>;
  /** The caller's live (active, not past its deadline, with seats) hold on the event. */
  findLive(eventId: string, userId: string): Promise<Hold | null>;
  setExecutionArn(holdId: string, executionArn: string): Promise<void>;
}

export type ReleaseResult =
  | {
      done: true;
      action: 'hold-expired' | 'reservation-expired' | 'none';
      eventId: string;
      /** Owner of the released seats (for the Redis guard); null when nothing was released. */
      userId: string | null;
      seatIds: string[];
      /** True when general-admission quantities went back on sale. */
      ticketTypes: boolean;
    }
  | { done: false; nextAt: Date; eventId: string }
  /** The hold's row was locked by another transaction (sweep only): try later. */
  | { done: false; skipped: true; eventId: string };

export interface ReleaseRepository {
  /**
   * One transaction on one hold: expires it if it is active and due, or expires its pending reservation if that
   * is due; otherwise tells when to look again. Idempotent.
   */
  release(input: { holdId: string; eventId: string; skipLocked?: boolean }): Promise<ReleaseResult>;
  /** Holds (active) and pending reservations overdue by more than `graceSeconds`, oldest first. */
  overdue(graceSeconds: number, limit: number): Promise<{ holdId: string; eventId: string }[]>;
}
