import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTossFake, type TossFake } from '../../../test/support/toss-fake';
import { TransientError } from '../../shared/errors';
import { PaymentDeclinedError, ProviderRejectedError, ProviderTimeoutError } from '../errors';
import { tossProvider } from './toss';

/** The Toss adapter against a loopback fake of Toss's REST contract (test/support/toss-fake.ts). */

let fake: TossFake;
beforeAll(async () => {
  fake = await startTossFake('test_sk_unit');
});
afterAll(() => fake.stop());

let n = 0;
const unique = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${++n}`;
const provider = (timeoutMs = 2_000) =>
  tossProvider({ baseUrl: `${fake.url}/`, secretKey: fake.secretKey, timeoutMs });
const confirmInput = (paymentKey: string, amount = 55_000) => ({
  paymentKey,
  orderId: `order-${paymentKey}`,
  amount,
  idempotencyKey: `idem-${paymentKey}`,
});

describe('Toss Payments adapter', () => {
  it('confirms with Basic auth (secret key + colon), the idempotency key and the documented body', async () => {
    const key = unique('pk');
    const result = await provider().confirm(confirmInput(key));
    expect(result).toMatchObject({ approved: true, providerRef: key, details: { provider: 'toss' } });
    const request = fake.requests.findLast((r) => r.path === '/v1/payments/confirm')!;
    expect(request.authorization).toBe(`Basic ${Buffer.from('test_sk_unit:').toString('base64')}`);
    expect(request.idempotencyKey).toBe(`idem-${key}`);
    expect(request.body).toEqual({ paymentKey: key, orderId: `order-${key}`, amount: 55_000 });
    expect(fake.payments.get(key)?.status).toBe('DONE');
  });

  it('a repeated confirm with the same idempotency key is answered from the first (one charge)', async () => {
    const key = unique('pk');
    const p = provider();
    const first = await p.confirm(confirmInput(key));
    const second = await p.confirm(confirmInput(key));
    expect(second).toEqual(first);
    expect([...fake.payments.keys()].filter((k) => k === key)).toHaveLength(1);
  });

  it('maps a card rejection to PaymentDeclinedError with the provider code and message', async () => {
    const key = unique('pk');
    fake.on(key, {
      kind: 'decline',
      code: 'REJECT_CARD_PAYMENT',
      message: '한도초과 혹은 잔액부족으로 결제에 실패했습니다.',
    });
    const declined = provider().confirm(confirmInput(key));
    await expect(declined).rejects.toBeInstanceOf(PaymentDeclinedError);
    await expect(declined).rejects.toMatchObject({ code: 'REJECT_CARD_PAYMENT' });
    expect(fake.payments.has(key)).toBe(false);
  });

  it('maps a wrong secret key to a decline (nothing charged), not a retry', async () => {
    const wrong = tossProvider({ baseUrl: fake.url, secretKey: 'test_sk_wrong', timeoutMs: 2_000 });
    await expect(wrong.confirm(confirmInput(unique('pk')))).rejects.toMatchObject({
      name: 'PaymentDeclinedError',
      code: 'UNAUTHORIZED_KEY',
    });
  });

  it('maps 5xx and temporary codes to TransientError, and a retry with the same key then succeeds', async () => {
    const key = unique('pk');
    fake.on(
      key,
      { kind: 'error', status: 500, code: 'FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING' },
      { times: 1 },
    );
    const p = provider();
    await expect(p.confirm(confirmInput(key))).rejects.toBeInstanceOf(TransientError);
    await expect(p.confirm(confirmInput(key))).resolves.toMatchObject({ approved: true });

    const other = unique('pk');
    fake.on(other, { kind: 'error', status: 400, code: 'PROVIDER_ERROR' }, { times: 1 });
    await expect(p.confirm(confirmInput(other))).rejects.toBeInstanceOf(TransientError);
  });

  it('times out on a provider that does not answer in time (the charge may have happened)', async () => {
    const key = unique('pk');
    fake.on(key, { kind: 'hang', ms: 1_000 });
    const started = Date.now();
    await expect(provider(150).confirm(confirmInput(key))).rejects.toBeInstanceOf(ProviderTimeoutError);
    expect(Date.now() - started).toBeLessThan(900);
    expect(fake.payments.get(key)?.status).toBe('DONE');
    // The compensation: void by paymentKey.
    await expect(
      provider().cancel({ paymentKey: key, reason: 'confirm timed out', idempotencyKey: `void-${key}` }),
    ).resolves.toEqual({ cancelled: true, alreadyCancelled: false });
    expect(fake.payments.get(key)?.status).toBe('CANCELED');
  });

  it('treats an unreachable provider as transient', async () => {
    const down = tossProvider({ baseUrl: 'http://127.0.0.1:9', secretKey: 'x', timeoutMs: 1_000 });
    await expect(down.confirm(confirmInput(unique('pk')))).rejects.toBeInstanceOf(TransientError);
  });

  it('refuses a confirm answered with a status other than DONE or another amount', async () => {
    const key = unique('pk');
    fake.on(key, { kind: 'status', paymentStatus: 'WAITING_FOR_DEPOSIT' });
    await expect(provider().confirm(confirmInput(key))).rejects.toBeInstanceOf(ProviderRejectedError);
  });

  it('cancels with cancelReason and tolerates already-cancelled and nothing-to-cancel', async () => {
    const key = unique('pk');
    const p = provider();
    await p.confirm(confirmInput(key));
    const cancel = { paymentKey: key, reason: 'customer cancelled', idempotencyKey: `refund-${key}` };
    await expect(p.cancel(cancel)).resolves.toEqual({ cancelled: true, alreadyCancelled: false });
    const request = fake.requests.findLast((r) => r.path === `/v1/payments/${key}/cancel`)!;
    expect(request.body).toEqual({ cancelReason: 'customer cancelled' });
    expect(request.idempotencyKey).toBe(`refund-${key}`);
    // Same idempotency key: replayed, not cancelled twice.
    await expect(p.cancel(cancel)).resolves.toEqual({ cancelled: true, alreadyCancelled: false });
    expect(fake.payments.get(key)?.cancels).toHaveLength(1);
    // A new key on a cancelled payment: Toss says ALREADY_CANCELED_PAYMENT.
    await expect(p.cancel({ ...cancel, idempotencyKey: 'another' })).resolves.toEqual({
      cancelled: true,
      alreadyCancelled: true,
    });
    await expect(
      p.cancel({ paymentKey: unique('never'), reason: 'void', idempotencyKey: unique('k') }),
    ).resolves.toEqual({ cancelled: false, alreadyCancelled: false });
  });

  it('maps refused cancels to ProviderRejectedError and failing ones to TransientError', async () => {
    const key = unique('pk');
    const p = provider();
    await p.confirm(confirmInput(key));
    fake.onCancel(key, { kind: 'error', status: 403, code: 'NOT_CANCELABLE_PAYMENT' }, { times: 1 });
    await expect(
      p.cancel({ paymentKey: key, reason: 'r', idempotencyKey: unique('k') }),
    ).rejects.toMatchObject({
      name: 'ProviderRejectedError',
      code: 'NOT_CANCELABLE_PAYMENT',
    });
    fake.onCancel(
      key,
      { kind: 'error', status: 503, code: 'FAILED_INTERNAL_SYSTEM_PROCESSING' },
      { times: 1 },
    );
    await expect(
      p.cancel({ paymentKey: key, reason: 'r', idempotencyKey: unique('k') }),
    ).rejects.toBeInstanceOf(TransientError);
    await expect(
      p.cancel({ paymentKey: key, reason: 'r', idempotencyKey: unique('k') }),
    ).resolves.toMatchObject({
      cancelled: true,
    });
  });

  it('escapes the paymentKey in the cancel path', async () => {
    const key = `${unique('pk')}/../confirm`;
    await provider().cancel({ paymentKey: key, reason: 'r', idempotencyKey: unique('k') });
    expect(fake.requests.at(-1)?.path).toBe(`/v1/payments/${encodeURIComponent(key)}/cancel`);
  });

  it('looks a payment up by paymentKey (GET, Basic auth, no idempotency key): its orderId and status', async () => {
    const key = unique('pk');
    const p = provider();
    await p.confirm(confirmInput(key));

    const found = await p.lookup(key);

    expect(found).toEqual({ orderId: `order-${key}`, status: 'DONE' });
    const request = fake.requests.at(-1)!;
    expect(request).toMatchObject({ method: 'GET', path: `/v1/payments/${key}`, idempotencyKey: undefined });
    expect(request.authorization).toBe(`Basic ${Buffer.from('test_sk_unit:').toString('base64')}`);
    await p.cancel({ paymentKey: key, reason: 'r', idempotencyKey: unique('k') });
    expect(await p.lookup(key)).toEqual({ orderId: `order-${key}`, status: 'CANCELED' });
  });

  it('lookup: an unknown paymentKey is null, 5xx is transient, another refusal is ProviderRejectedError', async () => {
    const p = provider();
    expect(await p.lookup(unique('never-confirmed'))).toBeNull();
    const key = unique('pk');
    await p.confirm(confirmInput(key));
    fake.onLookup(
      key,
      { kind: 'error', status: 500, code: 'FAILED_INTERNAL_SYSTEM_PROCESSING' },
      { times: 1 },
    );
    await expect(p.lookup(key)).rejects.toBeInstanceOf(TransientError);
    fake.onLookup(key, { kind: 'error', status: 403, code: 'FORBIDDEN_REQUEST' }, { times: 1 });
    await expect(p.lookup(key)).rejects.toMatchObject({
      name: 'ProviderRejectedError',
      code: 'FORBIDDEN_REQUEST',
    });
    await expect(p.lookup(key)).resolves.toMatchObject({ orderId: `order-${key}` });
  });
});
