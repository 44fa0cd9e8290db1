import { describe, expect, it } from 'vitest';
import { TransientError } from '../shared/errors';
import { createCircuitBreaker, withCircuitBreaker } from './circuit-breaker';
import { CircuitOpenError, PaymentDeclinedError, ProviderTimeoutError } from './errors';
import type { PaymentProvider } from './ports';

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const fail = (error: unknown) => () => Promise.reject(error);
const ok = () => Promise.resolve('ok');

describe('circuit breaker', () => {
  it('opens after N consecutive transient failures and then fails fast without calling', async () => {
    const c = clock();
    const breaker = createCircuitBreaker('toss', { failureThreshold: 3, cooldownMs: 1_000, now: c.now });
    for (let i = 0; i < 3; i++) {
      await expect(breaker.run(fail(new TransientError('503')))).rejects.toBeInstanceOf(TransientError);
    }
    expect(breaker.state).toBe('open');
    let called = false;
    const fastFail = breaker.run(async () => {
      called = true;
      return 'x';
    });
    await expect(fastFail).rejects.toBeInstanceOf(CircuitOpenError);
    // Fail-fast is transient: the saga's Retry on TransientError applies to it.
    await expect(fastFail).rejects.toBeInstanceOf(TransientError);
    expect(called).toBe(false);
  });

  it('counts timeouts as failures, and a success in between resets the count', async () => {
    const breaker = createCircuitBreaker('toss', { failureThreshold: 2, cooldownMs: 1_000 });
    await expect(breaker.run(fail(new ProviderTimeoutError('slow')))).rejects.toThrow('slow');
    await expect(breaker.run(ok)).resolves.toBe('ok');
    await expect(breaker.run(fail(new ProviderTimeoutError('slow')))).rejects.toThrow('slow');
    expect(breaker.state).toBe('closed');
    await expect(breaker.run(fail(new ProviderTimeoutError('slow')))).rejects.toThrow('slow');
    expect(breaker.state).toBe('open');
  });

  it('treats declines as a healthy provider: they never open it', async () => {
    const breaker = createCircuitBreaker('toss', { failureThreshold: 1, cooldownMs: 1_000 });
    for (let i = 0; i < 5; i++) {
      await expect(breaker.run(fail(new PaymentDeclinedError('REJECT', 'no')))).rejects.toBeInstanceOf(
        PaymentDeclinedError,
      );
    }
    expect(breaker.state).toBe('closed');
  });

  it('half-opens after the cool-down with a single trial: success closes it', async () => {
    const c = clock();
    const breaker = createCircuitBreaker('toss', { failureThreshold: 1, cooldownMs: 1_000, now: c.now });
    await expect(breaker.run(fail(new TransientError('down')))).rejects.toThrow('down');
    c.advance(999);
    expect(breaker.state).toBe('open');
    c.advance(1);
    expect(breaker.state).toBe('half-open');

    let release!: (v: string) => void;
    const trial = breaker.run(() => new Promise<string>((r) => (release = r)));
    // While the trial is in flight everyone else still fails fast.
    await expect(breaker.run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    release('recovered');
    await expect(trial).resolves.toBe('recovered');
    expect(breaker.state).toBe('closed');
    await expect(breaker.run(ok)).resolves.toBe('ok');
  });

  it('a failed trial opens it again for another cool-down', async () => {
    const c = clock();
    const breaker = createCircuitBreaker('toss', { failureThreshold: 2, cooldownMs: 500, now: c.now });
    await expect(breaker.run(fail(new TransientError('a')))).rejects.toThrow();
    await expect(breaker.run(fail(new TransientError('b')))).rejects.toThrow();
    c.advance(500);
    await expect(breaker.run(fail(new TransientError('still down')))).rejects.toThrow('still down');
    expect(breaker.state).toBe('open');
    c.advance(499);
    await expect(breaker.run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    c.advance(1);
    await expect(breaker.run(ok)).resolves.toBe('ok');
  });

  it('wraps both provider calls', async () => {
    let calls = 0;
    const provider: PaymentProvider = {
      name: 'toss',
      confirm: async () => {
        calls++;
        throw new TransientError('down');
      },
      cancel: async () => {
        calls++;
        return { cancelled: true, alreadyCancelled: false };
      },
    };
    const guarded = withCircuitBreaker(
      provider,
      createCircuitBreaker('toss', { failureThreshold: 1, cooldownMs: 60_000 }),
    );
    const input = { paymentKey: 'k', orderId: 'o', amount: 1, idempotencyKey: 'i' };
    await expect(guarded.confirm(input)).rejects.toThrow('down');
    await expect(
      guarded.cancel({ paymentKey: 'k', reason: 'r', idempotencyKey: 'i' }),
    ).rejects.toBeInstanceOf(CircuitOpenError);
    expect(calls).toBe(1);
    expect(guarded.name).toBe('toss');
  });
});
