import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
} from 'cockatiel';
import { CircuitOpenError, isProviderUnavailable } from '../errors';
import type { PaymentProvider } from '../ports';

/**
 * A circuit breaker for provider calls (cockatiel), one per provider per Lambda instance: its memory is the point.
 * Closed: calls pass; after `failureThreshold` consecutive failures that mean "provider unavailable" (transient
 * errors, timeouts) it opens and calls fail fast with CircuitOpenError, a TransientError, so the saga retries later
 * with backoff instead of piling requests on a provider that is down. After `cooldownMs` one trial call is let
 * through (half-open): success closes the breaker, a failure opens it again; while the trial is in flight other
 * calls fail fast too (cockatiel would queue them behind it). Answers that are not failures (a decline, a refused
 * cancel) prove the provider is up and count as successes.
 */

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
}

export function providerBreaker(options: BreakerOptions): CircuitBreakerPolicy {
  return circuitBreaker(handleAll, {
    halfOpenAfter: options.cooldownMs,
    breaker: new ConsecutiveBreaker(options.failureThreshold),
  });
}

type Outcome<T> = { ok: T } | { answer: unknown };

/** Runs `call` through the breaker; only provider-unavailable failures reach it as failures. */
export async function throughBreaker<T>(
  name: string,
  breaker: CircuitBreakerPolicy,
  call: () => Promise<T>,
): Promise<T> {
  const open = () => new CircuitOpenError(`${name} is unavailable (circuit open); try again later`);
  if (breaker.state === CircuitState.HalfOpen) throw open();
  let outcome: Outcome<T>;
  try {
    outcome = await breaker.execute(async (): Promise<Outcome<T>> => {
      try {
        return { ok: await call() };
      } catch (error) {
        if (isProviderUnavailable(error)) throw error;
        return { answer: error };
      }
    });
  } catch (error) {
    if (error instanceof BrokenCircuitError) throw open();
    throw error;
  }
  if ('answer' in outcome) throw outcome.answer;
  return outcome.ok;
}

/** The provider with every call behind one breaker (a provider that cannot confirm usually cannot cancel either). */
export function withCircuitBreaker(
  provider: PaymentProvider,
  breaker: CircuitBreakerPolicy,
): PaymentProvider {
  const name = `payment provider ${provider.name}`;
  return {
    name: provider.name,
    confirm: (input) => throughBreaker(name, breaker, () => provider.confirm(input)),
    cancel: (input) => throughBreaker(name, breaker, () => provider.cancel(input)),
    lookup: (paymentKey) => throughBreaker(name, breaker, () => provider.lookup(paymentKey)),
  };
}
