import type { Logger } from '@aws-lambda-powertools/logger';
import type { SeatChange } from '../../../shared/ws';

/**
 * Ports of the inventory code every booking context shares (seats, reservations, payments, queue): the Redis
 * contention filter, the hold-expiry timer and the inventory broadcasts. Adapters live beside this file.
 */

/** Structured logging (the functions' Powertools logger). */
export type Log = Pick<Logger, 'warn' | 'error'>;

/**
 * The contention filter in front of PostgreSQL (Redis): per-seat ownership keys, claimed all or nothing.
 * Losing it costs at most a seat someone was shown; PostgreSQL decides.
 */
export interface SeatGuard {
  /**
   * Claims every seat for `owner` for `ttlMs`, atomically: if any seat is owned by someone else nothing is set
   * and `taken` names them. Seats the owner already has pass (and are not in `claimed`).
   */
  claim(
    eventId: string,
    seatIds: readonly string[],
    owner: string,
    ttlMs: number,
  ): Promise<{ taken: string[]; claimed: string[] }>;
  /** Deletes the seats' keys that `owner` still owns. */
  release(eventId: string, seatIds: readonly string[], owner: string): Promise<void>;
}

export interface HoldTimerInput {
  holdId: string;
  eventId: string;
  /** When the timer first fires: the hold's deadline, or the reservation's for a GA reservation. */
  expiresAt: Date;
}

/** Starts the hold-expiry workflow (one execution per hold). */
export interface HoldTimer {
  /** The execution ARN, or null when it could not be started (the backstop sweep covers that hold). */
  start(input: HoldTimerInput): Promise<string | null>;
}

/** Realtime notifications of inventory changes; implementations never throw. */
export interface InventoryEvents {
  seatsChanged(eventId: string, changes: SeatChange[]): Promise<void>;
  /** Publishes the event's current general-admission availability (`ticket-updated`). */
  ticketTypesChanged(eventId: string): Promise<void>;
}
