import type { Redis } from 'ioredis';
import type { FrameLimiter, FrameLimits } from '../ports';

/**
 * A token bucket per connection in Redis (every frame of a connection may reach a different Lambda instance):
 * `capacity` frames of burst, refilled at `refillPerSecond`. A frame that finds the bucket empty is a strike;
 * `strikesToClose` consecutive strikes is sustained abuse. Redis' own clock, so instances agree.
 */
const TAKE = `
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'strikes')
local tokens = tonumber(b[1]) or cap
local at = tonumber(b[2]) or now
local strikes = tonumber(b[3]) or 0
tokens = math.min(cap, tokens + math.max(0, now - at) * rate / 1000)
local verdict = 0
if tokens >= 1 then
  tokens = tokens - 1
  strikes = 0
else
  strikes = strikes + 1
  verdict = 1
  if strikes >= tonumber(ARGV[3]) then verdict = 2 end
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now, 'strikes', strikes)
redis.call('EXPIRE', KEYS[1], ARGV[4])
return verdict`;

const VERDICTS = ['allow', 'refuse', 'close'] as const;

export function redisFrameLimiter(redis: Redis, limits: FrameLimits): FrameLimiter {
  // Long enough for the bucket to refill completely; an idle connection's bucket then simply expires.
  const ttlSeconds = Math.ceil(limits.capacity / limits.refillPerSecond) + 60;
  return {
    async take(connectionId) {
      const verdict = (await redis.eval(
        TAKE,
        1,
        `rt:frames:${connectionId}`,
        limits.capacity,
        limits.refillPerSecond,
        limits.strikesToClose,
        ttlSeconds,
      )) as number;
      return VERDICTS[verdict] ?? 'close';
    },
  };
}
