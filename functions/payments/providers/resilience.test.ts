import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TransientError } from '../../shared/errors';
import { CircuitOpenError, PaymentDeclinedError, ProviderTimeoutError } from '../errors';
import type { PaymentProvider } from '../ports';
import { providerBreaker, throughBreaker, withCircuitBreaker } from './resilience';

/** The provider breaker wired from cockatiel: which failures count, fail-fast, half-open trial. No network. */

const fail = (error: unknown) => () => Promise.reject(error);
const ok = () => Promise.resolve('ok');

beforeEach(() => {
  // cockatiel reads Date.now() for the cool-down; only the clock is faked.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(1_000_000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('provider circuit breaker (cockatiel)', () => {
  it('opens after N consecutive transient failures and then fails fast without calling', async () => {
    const breaker = providerBreaker({ failureThreshold: 3, cooldownMs: 1_000 });
    const run = <T>(call: () => Promise<T>) => throughBreaker('toss', breaker, call);
    for (let i = 0; i < 3; i++) {
      await expect(run(fail(new TransientError('503')))).rejects.toThrow('503');
    }
    const call = vi.fn(ok);
    const fastFail = run(call);
    await expect(fastFail).rejects.toBeInstanceOf(CircuitOpenError);
    // Fail-fast is transient: the saga's Retry on TransientError applies to it.
    await expect(fastFail).rejects.toBeInstanceOf(TransientError);
    expect(call).not.toHaveBeenCalled();
  });

  it('counts timeouts and raw network errors as failures; a success in between resets the count', async () => {
    const breaker = providerBreaker({ failureThreshold: 2, cooldownMs: 1_000 });
    const run = <T>(call: () => Promise<T>) => throughBreaker('toss', breaker, call);
    await expect(run(fail(new ProviderTimeoutError('slow')))).rejects.toThrow('slow');
    await expect(run(ok)).resolves.toBe('ok');
    await expect(run(fail(new ProviderTimeoutError('slow')))).rejects.toThrow('slow');
    await expect(run(ok)).resolves.toBe('ok');
    await expect(run(fail(Object.assign(new Error('reset'), { code: 'ECONNRESET' })))).rejects.toThrow(
      'reset',
    );
    await expect(run(fail(new ProviderTimeoutError('slow')))).rejects.toThrow('slow');
    await expect(run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('treats declines as a healthy provider: they never open it and reset the count', async () => {
    const breaker = providerBreaker({ failureThreshold: 2, cooldownMs: 1_000 });
    const run = <T>(call: () => Promise<T>) => throughBreaker('toss', breaker, call);
    const declined = new PaymentDeclinedError('REJECT', 'no');
    for (let i = 0; i < 5; i++) await expect(run(fail(declined))).rejects.toBe(declined);
    await expect(run(fail(new TransientError('down')))).rejects.toThrow('down');
    await expect(run(fail(declined))).rejects.toBe(declined);
    await expect(run(fail(new TransientError('down')))).rejects.toThrow('down');
    await expect(run(ok)).resolves.toBe('ok');
  });

  it('half-opens after the cool-down with a single trial: others fail fast meanwhile, success closes it', async () => {
    const breaker = providerBreaker({ failureThreshold: 1, cooldownMs: 1_000 });
    const run = <T>(call: () => Promise<T>) => throughBreaker('toss', breaker, call);
    await expect(run(fail(new TransientError('down')))).rejects.toThrow('down');
    vi.advanceTimersByTime(999);
    await expect(run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    vi.advanceTimersByTime(1);

    let release!: (v: string) => void;
    const trial = run(() => new Promise<string>((r) => (release = r)));
    await expect(run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    release('recovered');
    await expect(trial).resolves.toBe('recovered');
    await expect(run(ok)).resolves.toBe('ok');
  });

  it('a failed trial opens it again for another cool-down', async () => {
    const breaker = providerBreaker({ failureThreshold: 2, cooldownMs: 500 });
    const run = <T>(call: () => Promise<T>) => throughBreaker('toss', breaker, call);
    await expect(run(fail(new TransientError('a')))).rejects.toThrow('a');
    await expect(run(fail(new TransientError('b')))).rejects.toThrow('b');
    vi.advanceTimersByTime(500);
    await expect(run(fail(new TransientError('still down')))).rejects.toThrow('still down');
    vi.advanceTimersByTime(499);
    await expect(run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    vi.advanceTimersByTime(1);
    await expect(run(ok)).resolves.toBe('ok');
  });

  it('wraps every provider call in the same breaker', async () => {
    const calls: string[] = [];
    const provider: PaymentProvider = {
      name: 'toss',
      confirm: async () => {
        calls.push('confirm');
        throw new TransientError('down');
      },
      cancel: async () => {
        calls.push('cancel');
        return { cancelled: true, alreadyCancelled: false };
      },
      lookup: async () => {
        calls.push('lookup');
        return null;
      },
    };
    const guarded = withCircuitBreaker(
      provider,
      providerBreaker({ failureThreshold: 1, cooldownMs: 60_000 }),
    );
    await expect(
      guarded.confirm({ paymentKey: 'k', orderId: 'o', amount: 1, idempotencyKey: 'i' }),
    ).rejects.toThrow('down');
    await expect(
      guarded.cancel({ paymentKey: 'k', reason: 'r', idempotencyKey: 'i' }),
    ).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(guarded.lookup('k')).rejects.toBeInstanceOf(CircuitOpenError);
    expect(calls).toEqual(['confirm']);
    expect(guarded.name).toBe('toss');
  });
});
