import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type SeatChange, type ServerMessage, topics, WS_MAX_FRAME_BYTES } from '../../../shared/ws';
import type { Broadcaster, BroadcastLogger, PublishResult } from './broadcaster';

/**
 * Seat-change coalescing across Lambda instances. A hold of 8 seats, a release of 40, a storm of holds at
 * opening time: each becomes one `seat-locked` and/or one `seat-released` message per window instead of a
 * post per seat per subscriber.
 *
 *   1. Every caller appends its changes to a per-event Redis list and tries to take the event's window lock
 *      (`SET NX PX`), in one script (one round trip, atomic).
 *   2. The caller that takes the lock waits `windowMs` (100 ms), then atomically drains the list and releases
 *      its lock (LRANGE + DEL + compare-and-delete, one script), and publishes. Everyone else returns at once:
 *      their changes ride along in the winner's flush.
 *   Append-then-lock and drain-then-unlock make this lossless: a caller whose lock attempt fails saw the lock
 *   held, so the drain (which is what releases it) has not run yet and will include its changes; a caller
 *   that comes after the drain takes the lock itself and flushes the next window. The lock's own expiry
 *   (window + 2 s) only matters when a winner dies mid-window; the next burst then flushes the leftovers.
 *
 * Within a flush the changes are merged per seat (last one wins, in arrival order), so a seat locked and
 * released in the same window is sent once with its final state, and message order cannot matter.
 */

export interface CoalesceBuffer {
  /** Appends serialized changes; true when the caller now owns this window's flush. */
  append(eventId: string, items: string[], token: string, lockMs: number): Promise<boolean>;
  /** Takes everything appended so far and releases the window if `token` still owns it. */
  drain(eventId: string, token: string): Promise<string[]>;
}

export interface SeatChangePublishResult {
  /** False when another caller's flush carries these changes. */
  flushed: boolean;
  /** Messages published by this caller's flush. */
  messages: number;
  /** Seats in those messages after merging. */
  seats: number;
  result: Omit<PublishResult, 'shards' | 'dispatched'>;
}

export interface SeatChangePublisher {
  publishSeatChanges(eventId: string, changes: readonly SeatChange[]): Promise<SeatChangePublishResult>;
}

export const DEFAULT_COALESCE_WINDOW_MS = 100;
/** Keeps a frame well under 128 KB: one change is at most ~110 bytes of JSON. */
export const MAX_SEATS_PER_MESSAGE = 500;

/** Splits seats into frames of at most `max` entries that also serialize under the frame limit. */
export function chunkSeats(
  type: 'seat-locked' | 'seat-released',
  eventId: string,
  seats: SeatChange[],
  max = MAX_SEATS_PER_MESSAGE,
): ServerMessage[] {
  const out: ServerMessage[] = [];
  for (let i = 0; i < seats.length; i += max) {
    const part = seats.slice(i, i + max);
    const message: ServerMessage = { type, data: { eventId, seats: part } };
    if (part.length > 1 && Buffer.byteLength(JSON.stringify(message)) > WS_MAX_FRAME_BYTES) {
      out.push(...chunkSeats(type, eventId, part, Math.ceil(part.length / 2)));
    } else out.push(message);
  }
  return out;
}

/** Merges per seat id (last wins) and groups into the seeds' two message types. */
export function mergeSeatChanges(eventId: string, changes: Iterable<SeatChange>): ServerMessage[] {
  const latest = new Map<string, SeatChange>();
  for (const change of changes) {
    latest.delete(change.id); // re-insert so iteration follows the latest change's arrival
    latest.set(change.id, change);
  }
  const locked: SeatChange[] = [];
  const released: SeatChange[] = [];
  for (const change of latest.values()) (change.status === 'available' ? released : locked).push(change);
  return [
    ...(locked.length ? chunkSeats('seat-locked', eventId, locked) : []),
    ...(released.length ? chunkSeats('seat-released', eventId, released) : []),
  ];
}

export function createSeatChangePublisher(deps: {
  buffer: CoalesceBuffer;
  broadcaster: Pick<Broadcaster, 'publish'>;
  windowMs?: number;
  sleep?: (ms: number) => Promise<void>;
  token?: () => string;
  logger?: BroadcastLogger;
}): SeatChangePublisher {
  const windowMs = deps.windowMs ?? DEFAULT_COALESCE_WINDOW_MS;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const token = deps.token ?? randomUUID;

  return {
    async publishSeatChanges(eventId, changes) {
      const result = { delivered: 0, gone: 0, failed: 0 };
      if (!changes.length) return { flushed: false, messages: 0, seats: 0, result };
      const mine = token();
      let owner: boolean;
      try {
        owner = await deps.buffer.append(
          eventId,
          changes.map((c) => JSON.stringify(c)),
          mine,
          windowMs + 2_000,
        );
      } catch (error) {
        // Without Redis there is nothing to coalesce through: publish these changes on their own.
        deps.logger?.warn('seat coalescing unavailable; publishing directly', {
          eventId,
          error: String(error),
        });
        return publish(eventId, changes, result);
      }
      if (!owner) return { flushed: false, messages: 0, seats: 0, result };
      await sleep(windowMs);
      let items: string[];
      try {
        items = await deps.buffer.drain(eventId, mine);
      } catch (error) {
        deps.logger?.error('draining seat changes failed; publishing ours only', {
          eventId,
          error: String(error),
        });
        return publish(eventId, changes, result);
      }
      const parsed: SeatChange[] = [];
      for (const item of items) {
        try {
          parsed.push(JSON.parse(item) as SeatChange);
        } catch {
          // Only this module writes the list; a bad entry is skipped, never fatal.
        }
      }
      return publish(eventId, parsed, result);
    },
  };

  async function publish(
    eventId: string,
    changes: Iterable<SeatChange>,
    result: SeatChangePublishResult['result'],
  ): Promise<SeatChangePublishResult> {
    const messages = mergeSeatChanges(eventId, changes);
    const outcomes = await Promise.all(
      messages.map((m) => deps.broadcaster.publish(topics.event(eventId), m)),
    );
    for (const o of outcomes) {
      result.delivered += o.delivered;
      result.gone += o.gone;
      result.failed += o.failed;
    }
    const seats = messages.reduce(
      (n, m) => n + (m.type === 'seat-locked' || m.type === 'seat-released' ? m.data.seats.length : 0),
      0,
    );
    return { flushed: true, messages: messages.length, seats, result };
  }
}

/** Hash tags keep a window's list and lock in one slot, so the scripts also run on a Redis cluster. */
const listKey = (eventId: string) => `rt:coalesce:{event:${eventId}}`;
const lockKey = (eventId: string) => `rt:coalesce-lock:{event:${eventId}}`;
/** The list outlives any window by far; it only expires if every flusher died. */
const LIST_TTL_MS = 60_000;

const APPEND = `
for i = 4, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`;

const DRAIN = `
local items = redis.call('LRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return items`;

export function redisCoalesceBuffer(redis: Pick<Redis, 'eval'>): CoalesceBuffer {
  return {
    async append(eventId, items, token, lockMs) {
      const won = await redis.eval(
        APPEND,
        2,
        listKey(eventId),
        lockKey(eventId),
        token,
        lockMs,
        LIST_TTL_MS,
        ...items,
      );
      return won === 1;
    },
    async drain(eventId, token) {
      return (await redis.eval(DRAIN, 2, listKey(eventId), lockKey(eventId), token)) as string[];
    },
  };
}
