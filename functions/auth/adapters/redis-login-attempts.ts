import type { Redis } from 'ioredis';
import type { LoginAttempts } from '../ports';

/**
 * Failure counter per account in a 15-minute window, and a lock key once the limit is reached. The
 * counter and its expiry are set in one Lua call so concurrent failures on many Lambdas count exactly.
 */
const RECORD_FAILURE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if n >= tonumber(ARGV[2]) then
  if redis.call('SET', KEYS[2], '1', 'EX', ARGV[3], 'NX') then return {n, 1} end
end
return {n, 0}`;

export function redisLoginAttempts(
  redis: Redis,
  opts: { maxFailures: number; windowSeconds: number; lockSeconds: number },
): LoginAttempts {
  const failKey = (email: string) => `auth:login-failures:${email}`;
  const lockKey = (email: string) => `auth:login-lock:${email}`;
  return {
    async lockedFor(email) {
      const ttl = await redis.ttl(lockKey(email));
      return Math.max(ttl, 0);
    },
    async recordFailure(email) {
      const [failures, locked] = (await redis.eval(
        RECORD_FAILURE,
        2,
        failKey(email),
        lockKey(email),
        opts.windowSeconds,
        opts.maxFailures,
        opts.lockSeconds,
      )) as [number, number];
      if (locked) await redis.del(failKey(email)); // the lock now carries the penalty; a fresh window after it
      return { failures, locked: locked === 1 };
    },
    async reset(email) {
      await redis.del(failKey(email));
    },
  };
}
