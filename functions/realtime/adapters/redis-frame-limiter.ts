import type { Redis } from 'ioredis';
import type { FrameLimiter } from '../ports';
import { WS_LIMITS } from '../use-cases/limits';

/**
 * The frame bucket in Redis: API Gateway hands a connection's frames to any instance of the function, so the
 * count must be shared. One script call per frame: refill by elapsed time, take a token or count a refusal in a
 * fixed refusal window. The key lives a minute past the last frame.
 */
const SCRIPT = `
local now = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'refused', 'since')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
local refused = tonumber(b[3]) or 0
local since = tonumber(b[4]) or now
if now > at then tokens = math.min(burst, tokens + (now - at) * rate / 1000) end
if now - since > window then refused = 0; since = now end
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 else refused = refused + 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', math.max(now, at), 'refused', refused, 'since', since)
redis.call('PEXPIRE', KEYS[1], 60000)
if allowed == 1 then return {1, 0} end
return {0, refused}
`;

type WithFrameCommand = Redis & {
  tiketiTakeFrame(
    key: string,
    now: number,
    burst: number,
    rate: number,
    window: number,
  ): Promise<[number, number]>;
};

export const frameKey = (connectionId: string) => `rt:frames:${connectionId}`;

export function redisFrameLimiter(redis: Redis): FrameLimiter {
  const r = redis as WithFrameCommand;
  if (!('tiketiTakeFrame' in r)) redis.defineCommand('tiketiTakeFrame', { numberOfKeys: 1, lua: SCRIPT });
  return {
    async take(connectionId, now) {
      const [allowed, refused] = await r.tiketiTakeFrame(
        frameKey(connectionId),
        now,
        WS_LIMITS.frameBurst,
        WS_LIMITS.framesPerSecond,
        WS_LIMITS.refusalWindowMs,
      );
      return { allowed: allowed === 1, refused };
    },
  };
}
