import type { Redis } from 'ioredis';
import type { SeatGuard } from './ports';

/**
 * Per-seat ownership keys in Redis, `seat:{<eventId>}:<seatId>` → user id, expiring with the hold. The hash tag
 * keeps one event's keys in one slot, so the multi-key scripts also run on a Redis cluster.
 */
export const seatKey = (eventId: string, seatId: string) => `seat:{${eventId}}:${seatId}`;

/**
 * All or nothing, in one atomic script: first every key is checked; if any is owned by someone else nothing is
 * written and the taken positions come back as {0, positions}; otherwise the free keys are set (NX, PX) and
 * {1, positions newly set} comes back. Keys the owner already has are left as they are.
 */
const CLAIM = `
local taken = {}
for i = 1, #KEYS do
  local owner = redis.call('GET', KEYS[i])
  if owner and owner ~= ARGV[1] then taken[#taken + 1] = i end
end
if #taken > 0 then return {0, taken} end
local claimed = {}
for i = 1, #KEYS do
  if redis.call('SET', KEYS[i], ARGV[1], 'NX', 'PX', ARGV[2]) then claimed[#claimed + 1] = i end
end
return {1, claimed}`;

/** Owner-checked delete: a key someone else claimed since is left alone. */
const RELEASE = `
local n = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('DEL', KEYS[i])
    n = n + 1
  end
end
return n`;

export function redisSeatGuard(redis: Pick<Redis, 'eval'>): SeatGuard {
  return {
    async claim(eventId, seatIds, owner, ttlMs) {
      if (!seatIds.length) return { taken: [], claimed: [] };
      const keys = seatIds.map((id) => seatKey(eventId, id));
      const [ok, positions] = (await redis.eval(
        CLAIM,
        keys.length,
        ...keys,
        owner,
        Math.max(1, Math.ceil(ttlMs)),
      )) as [number, number[]];
      const ids = positions.map((p) => seatIds[p - 1] as string);
      return ok === 1 ? { taken: [], claimed: ids } : { taken: ids, claimed: [] };
    },
    async release(eventId, seatIds, owner) {
      if (!seatIds.length) return;
      const keys = seatIds.map((id) => seatKey(eventId, id));
      await redis.eval(RELEASE, keys.length, ...keys, owner);
    },
  };
}
