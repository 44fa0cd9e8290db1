import type { Redis } from 'ioredis';
import { sessionQueueSchema } from '../../../shared/ws';
import { EMPTY_SESSION, type RealtimeSession, type SessionStore } from '../ports';

/**
 * Sessions as one Redis hash per user, `rt:session:{userId}`, one JSON-encoded field per part. HSET of only the
 * changed fields keeps two tabs writing different parts from overwriting each other; every write restarts
 * the expiry (default 2 h, the longest an API Gateway connection lives), so an idle session fades away.
 */
export const sessionKey = (userId: string) => `rt:session:${userId}`;
export const SESSION_TTL_SECONDS = 2 * 60 * 60;

function decode<T>(raw: string | undefined, fallback: T, check: (v: unknown) => boolean): T {
  if (raw === undefined) return fallback;
  try {
    const value = JSON.parse(raw) as unknown;
    return check(value) ? (value as T) : fallback;
  } catch {
    return fallback;
  }
}

export function redisSessionStore(
  redis: Pick<Redis, 'hgetall' | 'multi'>,
  opts: { ttlSeconds?: number } = {},
): SessionStore {
  const ttl = opts.ttlSeconds ?? SESSION_TTL_SECONDS;
  return {
    async get(userId) {
      const raw = await redis.hgetall(sessionKey(userId));
      return {
        currentEventId: decode(
          raw.currentEventId,
          EMPTY_SESSION.currentEventId,
          (v) => typeof v === 'string',
        ),
        selectedSeatIds: decode(
          raw.selectedSeatIds,
          EMPTY_SESSION.selectedSeatIds,
          (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'),
        ),
        queue: decode(raw.queue, EMPTY_SESSION.queue, (v) => sessionQueueSchema.safeParse(v).success),
      } satisfies RealtimeSession;
    },
    async update(userId, patch) {
      const key = sessionKey(userId);
      const fields = Object.entries(patch).flatMap(([k, v]) =>
        v === undefined ? [] : [k, JSON.stringify(v)],
      );
      const tx = redis.multi();
      if (fields.length) tx.hset(key, ...fields);
      tx.expire(key, ttl);
      const results = await tx.exec();
      const failed = results?.find(([error]) => error);
      if (failed) throw failed[0];
    },
  };
}
