import { describe, expect, it } from 'vitest';
import { SANDBOX_TEST_CARDS } from '../../../shared/booking';
import { PaymentDeclinedError, ProviderRejectedError, ProviderTimeoutError } from '../errors';
import { memorySandboxLedger, sandboxCardOf, sandboxProvider } from './sandbox';

function setup() {
  const { ledger, charges } = memorySandboxLedger();
  const slept: number[] = [];
  const provider = sandboxProvider({
    ledger,
    timeoutMs: 2_000,
    approveDelayMs: 3_000,
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
  return { provider, charges, slept };
}

const key = (card: string, nonce = 'n1') => `sandbox_${card}_${nonce}`;
const confirmInput = (card: string, idempotencyKey = 'pay-1', nonce = 'n1') => ({
  paymentKey: key(card, nonce),
  orderId: 'order-1',
  amount: 150_000,
  idempotencyKey,
});

describe('sandbox provider', () => {
  it('approves the approve card and records one charge', async () => {
    const { provider, charges, slept } = setup();
    const result = await provider.confirm(confirmInput(SANDBOX_TEST_CARDS.approve));
    expect(result).toMatchObject({ approved: true, providerRef: key(SANDBOX_TEST_CARDS.approve) });
    expect(JSON.stringify(result.details)).not.toContain(SANDBOX_TEST_CARDS.approve);
    expect([...charges.values()]).toMatchObject([
      { status: 'approved', amount: 150_000, orderId: 'order-1' },
    ]);
    expect(slept).toEqual([]);
  });

  it('replays the same charge for the same idempotency key (one charge)', async () => {
    const { provider, charges } = setup();
    const first = await provider.confirm(confirmInput(SANDBOX_TEST_CARDS.approve));
    const again = await provider.confirm(confirmInput(SANDBOX_TEST_CARDS.approve));
    expect(again).toEqual(first);
    expect(charges.size).toBe(1);
  });

  it('refuses a second capture of the same paymentKey under another idempotency key', async () => {
    const { provider, charges } = setup();
    await provider.confirm(confirmInput(SANDBOX_TEST_CARDS.approve, 'pay-1'));
    const second = provider.confirm(confirmInput(SANDBOX_TEST_CARDS.approve, 'pay-2'));
    await expect(second).rejects.toBeInstanceOf(PaymentDeclinedError);
    await expect(second).rejects.toMatchObject({ code: 'ALREADY_PROCESSED_PAYMENT' });
    expect(charges.size).toBe(1);
  });

  it('refuses an idempotency key reused for another paymentKey', async () => {
    const { provider } = setup();
    await provider.confirm(confirmInput(SANDBOX_TEST_CARDS.approve, 'pay-1', 'a'));
    await expect(
      provider.confirm(confirmInput(SANDBOX_TEST_CARDS.approve, 'pay-1', 'b')),
    ).rejects.toBeInstanceOf(ProviderRejectedError);
  });

  it('declines the decline card without charging', async () => {
    const { provider, charges } = setup();
    const declined = provider.confirm(confirmInput(SANDBOX_TEST_CARDS.decline));
    await expect(declined).rejects.toBeInstanceOf(PaymentDeclinedError);
    await expect(declined).rejects.toMatchObject({ code: 'REJECT_CARD_PAYMENT' });
    expect(charges.size).toBe(0);
  });

  it('declines unknown cards and keys that are not sandbox keys', async () => {
    const { provider, charges } = setup();
    await expect(provider.confirm(confirmInput('1111222233334444'))).rejects.toMatchObject({
      code: 'INVALID_CARD_NUMBER',
    });
    await expect(
      provider.confirm({ ...confirmInput(SANDBOX_TEST_CARDS.approve), paymentKey: 'tgen_123' }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYMENT_KEY' });
    expect(charges.size).toBe(0);
  });

  it('timeout card: charges, keeps the caller waiting the configured time, then times out', async () => {
    const { provider, charges, slept } = setup();
    await expect(provider.confirm(confirmInput(SANDBOX_TEST_CARDS.timeout))).rejects.toBeInstanceOf(
      ProviderTimeoutError,
    );
    expect(slept).toEqual([2_000]);
    // The provider did charge: only a void by paymentKey makes the buyer whole.
    expect([...charges.values()]).toMatchObject([{ status: 'approved' }]);
    const voided = await provider.cancel({
      paymentKey: key(SANDBOX_TEST_CARDS.timeout),
      reason: 'timeout',
      idempotencyKey: 'void-1',
    });
    expect(voided).toEqual({ cancelled: true, alreadyCancelled: false });
    expect([...charges.values()]).toMatchObject([{ status: 'cancelled' }]);
  });

  it('approve-after-delay card: approves after the configured delay', async () => {
    const { provider, slept } = setup();
    await expect(provider.confirm(confirmInput(SANDBOX_TEST_CARDS.approveAfterDelay))).resolves.toMatchObject(
      {
        approved: true,
      },
    );
    expect(slept).toEqual([3_000]);
  });

  it('cancel tolerates nothing to cancel and a repeated cancel', async () => {
    const { provider } = setup();
    const cancel = { paymentKey: key(SANDBOX_TEST_CARDS.approve), reason: 'r', idempotencyKey: 'c' };
    expect(await provider.cancel(cancel)).toEqual({ cancelled: false, alreadyCancelled: false });
    await provider.confirm(confirmInput(SANDBOX_TEST_CARDS.approve));
    expect(await provider.cancel(cancel)).toEqual({ cancelled: true, alreadyCancelled: false });
    expect(await provider.cancel(cancel)).toEqual({ cancelled: true, alreadyCancelled: true });
  });

  it('looks a paymentKey up in its ledger: the order it was charged for, or null', async () => {
    const { provider } = setup();
    const paymentKey = key(SANDBOX_TEST_CARDS.approve);
    expect(await provider.lookup(paymentKey)).toBeNull();
    await provider.confirm(confirmInput(SANDBOX_TEST_CARDS.approve));
    expect(await provider.lookup(paymentKey)).toEqual({ orderId: 'order-1', status: 'approved' });
    await provider.cancel({ paymentKey, reason: 'r', idempotencyKey: 'c' });
    expect(await provider.lookup(paymentKey)).toEqual({ orderId: 'order-1', status: 'cancelled' });
  });

  it('reads the card from a paymentKey', () => {
    expect(sandboxCardOf('sandbox_4242424242424242_abc-1')).toBe('4242424242424242');
    expect(sandboxCardOf('sandbox_4242_abc')).toBeNull();
    expect(sandboxCardOf('sandbox_4242424242424242_')).toBeNull();
  });
});
