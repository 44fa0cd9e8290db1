import type { QueueRoom } from '../../shared/queue';
import type { RoomSettings } from '../shared/admission/settings';

export type { RoomSettings };

/** The room's shared numbers as the store reads them (QueueRoom without the event's own settings). */
export interface RoomSnapshot {
  active: boolean;
  soldOut: boolean;
  servingCounter: number;
  /** Waiting in the queue plus pre-queue arrivals not yet drawn. */
  waiting: number;
  /** Measured admissions per second over the last minute. */
  admissionRate: number;
}

/** Where a user stands, as the store knows it. */
export type Place =
  | { kind: 'admitted'; sessionEndsAt: number }
  | { kind: 'waiting'; ticket: number; aheadOfYou: number }
  /** Pre-queue arrival: a provisional rank until the draw at on-sale; `ticket` once the draw reserved it. */
  | { kind: 'pre'; rank: number; ticket: number | null; aheadOfYou: number }
  | { kind: 'none' };

export interface PlaceResult {
  place: Place;
  room: RoomSnapshot;
  /** True when no admission loop runs for this active room: the caller must start one (the lease is taken). */
  startLoop: boolean;
}

export interface JoinInput {
  eventId: string;
  userId: string;
  now: number;
  threshold: number;
  sessionMs: number;
  /** Before on-sale with the pre-queue open: arrivals get a random draw instead of a ticket. */
  preQueue: boolean;
  /** This arrival's random draw (used only when `preQueue`). */
  preScore: number;
}

export interface TickInput {
  eventId: string;
  now: number;
  threshold: number;
  /** Configured admissions per second. */
  admissionRate: number;
  sessionMs: number;
  graceMs: number;
  soldOut: boolean;
  /** Admit only while the sale is open. */
  saleOpen: boolean;
}

export interface TickResult {
  admitted: { userId: string; sessionEndsAt: number }[];
  /** Admitted users whose session ended this tick (their holds are released). */
  expired: string[];
  /** Users passed over because they went silent past the grace period. */
  skipped: number;
  room: RoomSnapshot;
  /** False when the room is quiet and nobody waits: the loop ends (and its lease is dropped). */
  continue: boolean;
  /** When the previous tick ran (null for a loop's first): the loop's lag is measured from it. */
  previousTickAt: number | null;
}

/** The waiting room's state: Redis, every transition one atomic script. */
export interface RoomStore {
  join(input: JoinInput): Promise<PlaceResult>;
  /** The user's place without creating one; refreshes the waiting user's heartbeat. */
  status(input: { eventId: string; userId: string; now: number }): Promise<PlaceResult>;
  /** Removes the user's place and admitted slot; true when there was one. */
  leave(eventId: string, userId: string): Promise<boolean>;
  room(eventId: string): Promise<RoomSnapshot>;
  /** Turns pre-queue arrivals into tickets in their drawn order, up to `max`; returns how many remain. */
  draw(eventId: string, now: number, max: number): Promise<number>;
  tick(input: TickInput): Promise<TickResult>;
}

/** Starts the admission loop's state machine for an event (a new execution each time the lease was free). */
export interface LoopStarter {
  start(eventId: string, iteration?: number): Promise<void>;
}

/** Realtime side effects; never throw. */
export interface QueueEvents {
  /** `queue-entry-allowed` on each admitted user's `user:{id}` (one batch per tick). */
  entryAllowed(
    admitted: {
      userId: string;
      data: { eventId: string; admissionToken: string; admissionExpiresAt: string };
    }[],
  ): Promise<void>;
  /** `queue-updated` on `queue:{eventId}`. */
  roomUpdated(room: QueueRoom): Promise<void>;
}

/** Seats and tickets still on sale (0 = sold out for the room). */
export interface InventoryProbe {
  available(eventId: string): Promise<number>;
}

/** Releases what an admitted user still holds when their session ends. */
export interface HoldReleaser {
  releaseFor(eventId: string, userId: string): Promise<void>;
}
