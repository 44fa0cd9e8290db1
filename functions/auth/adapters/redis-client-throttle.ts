import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { ClientThrottle, ThrottledAction } from '../ports';

export interface ThrottleLimits {
  points: number;
  windowSeconds: number;
}

/**
 * Per-client-IP request budget for sign-in and sign-up (fixed windows in Redis, rate-limiter-flexible). It
 * bounds what one address can try across many accounts, which the per-account lockout cannot see. Addresses in
 * `exempt` are not counted (synthetic monitors, the test suite's own loopback address).
 */
export function redisClientThrottle(
  redis: Redis,
  limits: Record<ThrottledAction, ThrottleLimits>,
  exempt: ReadonlySet<string> = new Set(),
): ClientThrottle {
  const limiters = Object.fromEntries(
    Object.entries(limits).map(([action, l]) => [
      action,
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `auth:ip-throttle:${action}`,
        points: l.points,
        duration: l.windowSeconds,
      }),
    ]),
  ) as Record<ThrottledAction, RateLimiterRedis>;
  return {
    async consume(action, ip) {
      if (exempt.has(ip)) return { allowed: true };
      try {
        await limiters[action].consume(ip);
        return { allowed: true };
      } catch (err) {
        // A RateLimiterRes is the refusal; anything else is Redis failing and propagates as such.
        if (!(err instanceof RateLimiterRes)) throw err;
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
      }
    },
  };
}
