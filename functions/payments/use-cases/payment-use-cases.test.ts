import { describe, expect, it, vi } from 'vitest';
import { NotFoundError, TransientError } from '../../shared/errors';
import {
  InjectedFaultError,
  PaymentAlreadyConfirmedError,
  PaymentKeyInUseError,
  PaymentKeyMismatchError,
} from '../errors';
import type { InventoryChange, PaymentRecord, PaymentRepository, SagaInput } from '../ports';
import { memorySandboxLedger, sandboxProvider } from '../providers/sandbox';
import { confirmPayment } from './confirm-payment';
import { orderNameOf } from './prepare-payment';
import { failureOf, type SagaDeps, steps } from './saga-steps';

/** Use-case rules that the integration tests cannot provoke (a failing StartExecution, switches off). */

const payment = (over: Partial<PaymentRecord> = {}): PaymentRecord => ({
  id: '00000000-0000-4000-8000-000000000001',
  reservationId: '00000000-0000-4000-8000-000000000002',
  userId: 'u1',
  provider: 'sandbox',
  orderId: 'order-1',
  amount: 1000,
  status: 'ready',
  paymentKey: null,
  idempotencyKey: 'k',
  failureCode: null,
  failureMessage: null,
  ...over,
});

function fakeRepo(record: PaymentRecord) {
  const calls: string[] = [];
  const repo = {
    async findPayment(id: string) {
      return id === record.id ? { ...record } : null;
    },
    async startConfirm(_id: string, userId: string, key: string) {
      calls.push('startConfirm');
      if (record.status !== 'ready' || userId !== record.userId) return false;
      Object.assign(record, { status: 'in_progress', paymentKey: key });
      return true;
    },
    async revertConfirm(_id: string, key: string) {
      calls.push('revertConfirm');
      if (record.status === 'in_progress' && record.paymentKey === key) {
        Object.assign(record, { status: 'ready', paymentKey: null });
      }
    },
    async setExecutionArn() {
      calls.push('setExecutionArn');
    },
    async statusOf(id: string) {
      return {
        paymentId: id,
        reservationId: record.reservationId,
        status: record.status,
        reservationStatus: 'pending_payment' as const,
        amount: record.amount,
        failureCode: null,
        failureMessage: null,
        updatedAt: new Date(0).toISOString(),
      };
    },
    async confirmReservation(_id: string, beforeConfirm?: () => void): Promise<InventoryChange> {
      beforeConfirm?.();
      calls.push('confirmReservation');
      return { eventId: 'e', seats: [], ticketTypes: false };
    },
  };
  return { repo: repo as unknown as PaymentRepository, calls, record };
}

const logger = { warn: () => {} };

describe('confirmPayment', () => {
  it('a StartExecution that fails for good puts the payment back to ready and answers 503', async () => {
    const { repo, calls, record } = fakeRepo(payment());
    const saga = {
      start: async (_: SagaInput): Promise<{ executionArn: string }> => {
        throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      },
    };
    const attempt = confirmPayment(
      { payments: repo, saga, logger },
      { paymentId: record.id, userId: 'u1', paymentKey: 'sandbox_4242424242424242_a', testFault: null },
    );
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
    await expect(attempt).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    expect(calls).toEqual(['startConfirm', 'revertConfirm']);
    expect(record).toMatchObject({ status: 'ready', paymentKey: null });
  });

  it('starts the saga once; a repeat with the same key reports status, another key is a conflict', async () => {
    const { repo, record } = fakeRepo(payment());
    const started: SagaInput[] = [];
    const saga = {
      start: async (input: SagaInput) => {
        started.push(input);
        return { executionArn: 'arn' };
      },
    };
    const input = { paymentId: record.id, userId: 'u1', paymentKey: 'key-1', testFault: null };
    await expect(confirmPayment({ payments: repo, saga, logger }, input)).resolves.toMatchObject({
      status: 'in_progress',
    });
    await expect(confirmPayment({ payments: repo, saga, logger }, input)).resolves.toMatchObject({
      status: 'in_progress',
    });
    expect(started).toEqual([{ paymentId: record.id, testFault: null }]);
    await expect(
      confirmPayment({ payments: repo, saga, logger }, { ...input, paymentKey: 'key-2' }),
    ).rejects.toMatchObject({ code: 'PAYMENT_NOT_CONFIRMABLE' });
    await expect(
      confirmPayment({ payments: repo, saga, logger }, { ...input, userId: 'someone-else' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(started).toHaveLength(1);
  });

  it('refuses a paymentKey that already confirms another payment with 409, starting nothing', async () => {
    const { repo, record } = fakeRepo(payment());
    repo.startConfirm = async () => {
      throw new PaymentKeyInUseError('taken');
    };
    const start = vi.fn(async (_: SagaInput) => ({ executionArn: 'arn' }));
    const attempt = confirmPayment(
      { payments: repo, saga: { start }, logger },
      { paymentId: record.id, userId: 'u1', paymentKey: 'someone-elses-key', testFault: null },
    );
    await expect(attempt).rejects.toMatchObject({ code: 'PAYMENT_NOT_CONFIRMABLE' });
    expect(start).not.toHaveBeenCalled();
  });
});

describe('saga steps', () => {
  const deps = (repo: PaymentRepository, testSwitches: boolean): SagaDeps => ({
    payments: repo,
    providerFor: async () => {
      throw new Error('no provider in this test');
    },
    events: { inventoryChanged: async () => {} },
    testSwitches,
  });

  it('ignores the test fault unless test switches are on', async () => {
    const off = fakeRepo(payment({ status: 'in_progress' }));
    await steps.confirmReservation(deps(off.repo, false), {
      paymentId: off.record.id,
      testFault: 'after-charge',
    });
    expect(off.calls).toEqual(['confirmReservation']);

    const on = fakeRepo(payment({ status: 'in_progress' }));
    await expect(
      steps.confirmReservation(deps(on.repo, true), { paymentId: on.record.id, testFault: 'after-charge' }),
    ).rejects.toBeInstanceOf(InjectedFaultError);
    expect(on.calls).toEqual([]);
  });

  it('never refunds or voids an approved payment', async () => {
    const { repo, record } = fakeRepo(payment({ status: 'approved', paymentKey: 'k' }));
    await expect(steps.refund(deps(repo, false), { paymentId: record.id })).rejects.toBeInstanceOf(
      PaymentAlreadyConfirmedError,
    );
    await expect(steps.voidCharge(deps(repo, false), { paymentId: record.id })).rejects.toBeInstanceOf(
      PaymentAlreadyConfirmedError,
    );
  });

  describe("void and refund verify with the provider that the paymentKey is this order's", () => {
    const theirs = 'sandbox_4242424242424242_theirs';
    /** A sandbox provider whose ledger holds someone else's charge (order-A) under `theirs`. */
    async function withForeignCharge(status: PaymentRecord['status']) {
      const { ledger, charges } = memorySandboxLedger();
      const provider = sandboxProvider({ ledger, timeoutMs: 0, approveDelayMs: 0 });
      await provider.confirm({
        paymentKey: theirs,
        orderId: 'order-A',
        amount: 1000,
        idempotencyKey: 'pay-A',
      });
      const mine = fakeRepo(payment({ status, paymentKey: theirs, orderId: 'order-B' }));
      const sagaDeps: SagaDeps = { ...deps(mine.repo, false), providerFor: async () => provider };
      return { sagaDeps, charges, record: mine.record };
    }

    it.each(['voidCharge', 'refund'] as const)(
      "%s with another order's key cancels nothing",
      async (step) => {
        const { sagaDeps, charges, record } = await withForeignCharge('in_progress');
        await expect(steps[step](sagaDeps, { paymentId: record.id })).rejects.toBeInstanceOf(
          PaymentKeyMismatchError,
        );
        expect(charges.get(theirs)?.status).toBe('approved');
      },
    );

    it.each(['voidCharge', 'refund'] as const)('%s with its own key cancels it', async (step) => {
      const { ledger, charges } = memorySandboxLedger();
      const provider = sandboxProvider({ ledger, timeoutMs: 0, approveDelayMs: 0 });
      const { repo, record } = fakeRepo(payment({ status: 'in_progress', paymentKey: theirs }));
      await provider.confirm({
        paymentKey: theirs,
        orderId: record.orderId,
        amount: 1000,
        idempotencyKey: 'k',
      });
      const result = await steps[step](
        { ...deps(repo, false), providerFor: async () => provider },
        {
          paymentId: record.id,
        },
      );
      expect(result).toEqual({ cancelled: true, alreadyCancelled: false });
      expect(charges.get(theirs)?.status).toBe('cancelled');
    });

    it('a key the provider does not know: nothing to cancel, and cancel is not called', async () => {
      const { ledger } = memorySandboxLedger();
      const provider = sandboxProvider({ ledger, timeoutMs: 0, approveDelayMs: 0 });
      const cancel = vi.spyOn(provider, 'cancel');
      const { repo, record } = fakeRepo(payment({ status: 'in_progress', paymentKey: 'sandbox_x_unknown' }));
      const result = await steps.voidCharge(
        { ...deps(repo, false), providerFor: async () => provider },
        {
          paymentId: record.id,
        },
      );
      expect(result).toEqual({ cancelled: false });
      expect(cancel).not.toHaveBeenCalled();
    });
  });

  it('names the failure after the error the Catch recorded', () => {
    expect(failureOf('PaymentKeyMismatchError').code).toBe('PAYMENT_KEY_MISMATCH');
    expect(failureOf('ProviderTimeoutError').code).toBe('PROVIDER_TIMEOUT');
    expect(failureOf('PaymentDeclinedError').code).toBe('DECLINED');
    expect(failureOf('TransientError').code).toBe('PROVIDER_UNAVAILABLE');
    expect(failureOf(undefined).code).toBe('PAYMENT_FAILED');
  });
});

describe('order name', () => {
  it("fits Toss's 100-character limit and counts tickets", () => {
    expect(orderNameOf({ eventTitle: 'Jazz Night', itemCount: 1 })).toBe('Jazz Night (1 ticket)');
    const long = orderNameOf({ eventTitle: 'x'.repeat(300), itemCount: 4 });
    expect(long).toHaveLength(100);
    expect(long.endsWith('… (4 tickets)')).toBe(true);
  });
});
