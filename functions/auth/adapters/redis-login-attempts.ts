import type { Redis } from 'ioredis';
import type { LoginAttempts } from '../ports';

/**
 * Failed-login bookkeeping per account, in Redis so every Lambda instance shares it. An attempt is counted
 * BEFORE its password is checked, in the same Lua call that checks the lock: 40 concurrent guesses get attempt
 * numbers 1…40 and only the first `maxFailures` are let through to bcrypt. A success resets the count.
 *
 *   fail key: attempts admitted in the window (expires `windowSeconds` after the first)
 *   lock key: set when the last allowed attempt fails; refuses everything for `lockSeconds`
 */
const ADMIT = `
local locked = redis.call('TTL', KEYS[2])
if locked > 0 then return {0, locked} end
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if n > tonumber(ARGV[2]) then return {0, math.max(redis.call('TTL', KEYS[1]), 1)} end
return {1, n}`;

export function redisLoginAttempts(
  redis: Redis,
  opts: { maxFailures: number; windowSeconds: number; lockSeconds: number },
): LoginAttempts {
  const failKey = (email: string) => `auth:login-failures:${email}`;
  const lockKey = (email: string) => `auth:login-lock:${email}`;
  return {
    maxFailures: opts.maxFailures,
    async admit(email) {
      const [admitted, value] = (await redis.eval(
        ADMIT,
        2,
        failKey(email),
        lockKey(email),
        opts.windowSeconds,
        opts.maxFailures,
      )) as [number, number];
      return admitted === 1
        ? { admitted: true, attempt: value }
        : { admitted: false, retryAfterSeconds: value };
    },
    async lockedFor(email) {
      return Math.max(await redis.ttl(lockKey(email)), 0);
    },
    async failed(email, attempt) {
      if (attempt < opts.maxFailures) return false;
      // The lock now carries the penalty; the window starts afresh after it.
      await redis.multi().set(lockKey(email), '1', 'EX', opts.lockSeconds, 'NX').del(failKey(email)).exec();
      return true;
    },
    async reset(email) {
      await redis.del(failKey(email), lockKey(email));
    },
  };
}
