import { CircuitOpenError, isTransient } from './errors';
import type { PaymentProvider } from './ports';

/**
 * A small circuit breaker for provider calls, one per provider per Lambda instance. Closed: calls pass; after
 * `failureThreshold` consecutive transient failures (timeouts, 5xx, unreachable) it opens and calls fail fast
 * with CircuitOpenError, a TransientError, so the saga retries later with backoff instead of piling requests
 * on a provider that is down. After `cooldownMs` one trial call is let through (half-open): success closes the
 * breaker, a transient failure opens it again. Answers that are not transient failures (a decline, a refused
 * cancel) prove the provider is up and count as successes.
 *
 * Written here rather than taken from a library: it is ~50 lines, needs no timers (state is derived from the
 * clock on each call), and its behaviour is pinned by circuit-breaker.test.ts.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  now?: () => number;
  /** Which errors count as failures (default: transient ones). */
  isFailure?: (error: unknown) => boolean;
}

export interface CircuitBreaker {
  readonly state: BreakerState;
  run<T>(call: () => Promise<T>): Promise<T>;
}

export function createCircuitBreaker(name: string, options: BreakerOptions): CircuitBreaker {
  const now = options.now ?? Date.now;
  const isFailure = options.isFailure ?? isTransient;
  let failures = 0;
  let openedAt: number | null = null;
  let trialInFlight = false;

  const stateNow = (): BreakerState => {
    if (openedAt === null) return 'closed';
    return now() - openedAt >= options.cooldownMs ? 'half-open' : 'open';
  };

  return {
    get state() {
      return stateNow();
    },
    async run(call) {
      const state = stateNow();
      // Half-open admits exactly one trial; everyone else keeps failing fast until it reports back.
      if (state === 'open' || (state === 'half-open' && trialInFlight)) {
        throw new CircuitOpenError(`${name} is unavailable (circuit open); try again later`);
      }
      const trial = state === 'half-open';
      if (trial) trialInFlight = true;
      try {
        const result = await call();
        failures = 0;
        openedAt = null;
        return result;
      } catch (error) {
        if (isFailure(error)) {
          failures += 1;
          if (trial || failures >= options.failureThreshold) openedAt = now();
        } else {
          failures = 0;
          openedAt = null;
        }
        throw error;
      } finally {
        if (trial) trialInFlight = false;
      }
    },
  };
}

/** The provider with both calls behind one breaker (a provider that cannot confirm usually cannot cancel either). */
export function withCircuitBreaker(provider: PaymentProvider, breaker: CircuitBreaker): PaymentProvider {
  return {
    name: provider.name,
    confirm: (input) => breaker.run(() => provider.confirm(input)),
    cancel: (input) => breaker.run(() => provider.cancel(input)),
  };
}
