import {
  InjectedFaultError,
  PaymentAlreadyConfirmedError,
  PaymentDeclinedError,
  PaymentKeyMismatchError,
  ProviderRejectedError,
  ProviderTimeoutError,
} from '../errors';
import type {
  Failure,
  PaymentEvents,
  PaymentProvider,
  PaymentRecord,
  PaymentRepository,
  ProviderName,
} from '../ports';

/**
 * The payment saga's steps (infra/workflows/definitions/payment-saga.asl.json runs them through one Lambda,
 * functions/payments/saga.ts):
 *
 *   Charge → ConfirmReservation → Publish → Approved
 *   Charge declined                        → MarkFailed → NotCharged
 *   Charge timed out / failed after retries → VoidCharge → MarkFailed → NotCharged
 *   ConfirmReservation failed (late payment, fault) → Refund → MarkRefunded → Refunded
 *
 *   VoidCharge / Refund with a paymentKey the provider files under another order → MarkFailed, nothing cancelled
 *
 * Every step may run more than once (Lambda retries, the local executor resuming after a restart): provider
 * calls carry idempotency keys derived from the payment id, database steps are conditional updates.
 */

export const SAGA_STEPS = [
  'charge',
  'confirmReservation',
  'publishConfirmed',
  'voidCharge',
  'markFailed',
  'refund',
  'markRefunded',
] as const;
export type SagaStep = (typeof SAGA_STEPS)[number];

export interface SagaDeps {
  payments: PaymentRepository;
  providerFor(name: ProviderName): Promise<PaymentProvider>;
  events: PaymentEvents;
  /** Test switches on (local stack only): the `testFault` input is honoured. */
  testSwitches: boolean;
  /** Test switches only: takes every client of the database pool; the returned function gives them back. */
  exhaustPool?: () => Promise<() => void>;
}

/** Payments whose confirmation already met the `pool-exhausted` fault (once each, so the retry succeeds). */
const poolExhaustedOnce = new Set<string>();

export interface StepInput {
  paymentId: string;
  testFault?: string | null;
  /** What a Catch put at `$.error`: the error name and its cause. */
  error?: { Error?: string; Cause?: string } | null;
}

async function loadPayment(deps: SagaDeps, paymentId: string) {
  const payment = await deps.payments.findPayment(paymentId);
  if (!payment) throw new ProviderRejectedError('PAYMENT_NOT_FOUND', `payment ${paymentId} does not exist`);
  return payment;
}

/**
 * Before a void or refund: asks the provider whose payment the key is. Another order's → PaymentKeyMismatchError
 * (cancelling would void or refund that order's payment); unknown to the provider → false (nothing to cancel).
 */
async function ownsPaymentKey(
  provider: PaymentProvider,
  payment: PaymentRecord,
  paymentKey: string,
): Promise<boolean> {
  const found = await provider.lookup(paymentKey);
  if (!found) return false;
  if (found.orderId !== payment.orderId) {
    throw new PaymentKeyMismatchError(
      `payment ${payment.id}: the provider files this paymentKey under another order; nothing was cancelled`,
    );
  }
  return true;
}

/** What the buyer is told when the charge did not go through (the provider's own words win when it declined). */
export function failureOf(errorName: string | undefined): Failure {
  switch (errorName) {
    case 'PaymentDeclinedError':
      return { code: 'DECLINED', message: 'The payment was declined.' };
    case 'ProviderTimeoutError':
      return {
        code: 'PROVIDER_TIMEOUT',
        message: 'The payment provider did not answer in time; any charge was cancelled.',
      };
    case 'PaymentKeyMismatchError':
      return {
        code: 'PAYMENT_KEY_MISMATCH',
        message: 'The payment key does not belong to this order; nothing was charged for it.',
      };
    case 'TransientError':
      return {
        code: 'PROVIDER_UNAVAILABLE',
        message: 'The payment provider is unavailable; any charge was cancelled. Please try again later.',
      };
    default:
      return {
        code: 'PAYMENT_FAILED',
        message: 'The payment could not be completed; any charge was cancelled.',
      };
  }
}

export const steps: Record<SagaStep, (deps: SagaDeps, input: StepInput) => Promise<unknown>> = {
  async charge(deps, { paymentId, testFault }) {
    const payment = await deps.payments.beginCharge(paymentId);
    if (!payment) throw new ProviderRejectedError('PAYMENT_NOT_FOUND', `payment ${paymentId} does not exist`);
    if (payment.status === 'approved') return { alreadyApproved: true };
    if (payment.status !== 'in_progress' || !payment.paymentKey) {
      throw new ProviderRejectedError('NOT_CHARGEABLE', `payment is ${payment.status}`);
    }
    const provider = await deps.providerFor(payment.provider);
    if (deps.testSwitches && testFault === 'charge-timeout') {
      throw new ProviderTimeoutError('test fault: the answer to the charge was lost');
    }
    try {
      const result = await provider.confirm({
        paymentKey: payment.paymentKey,
        orderId: payment.orderId,
        amount: payment.amount,
        idempotencyKey: payment.idempotencyKey,
      });
      await deps.payments.recordCharge(paymentId, result);
      return { providerRef: result.providerRef, approvedAt: result.approvedAt };
    } catch (error) {
      if (error instanceof PaymentDeclinedError) {
        await deps.payments.recordDecline(paymentId, { code: error.code, message: error.message });
      }
      throw error;
    }
  },

  async confirmReservation(deps, { paymentId, testFault }) {
    const fault =
      deps.testSwitches && testFault === 'after-charge'
        ? () => {
            throw new InjectedFaultError('test fault: failure after the charge, before confirmation');
          }
        : undefined;
    const confirm = async () => {
      const change = await deps.payments.confirmReservation(paymentId, fault);
      return { eventId: change.eventId, seatsSold: change.seats.length };
    };
    const exhaust = deps.testSwitches && testFault === 'pool-exhausted' ? deps.exhaustPool : undefined;
    if (!exhaust || poolExhaustedOnce.has(paymentId)) return confirm();
    poolExhaustedOnce.add(paymentId);
    const giveBack = await exhaust();
    try {
      return await confirm();
    } finally {
      giveBack();
    }
  },

  async publishConfirmed(deps, { paymentId }) {
    const change = await deps.payments.soldInventory(paymentId);
    if (change) await deps.events.inventoryChanged(change);
    return { published: change !== null };
  },

  async voidCharge(deps, { paymentId }) {
    const payment = await loadPayment(deps, paymentId);
    if (payment.status === 'approved') {
      throw new PaymentAlreadyConfirmedError('an approved payment is refunded, never voided');
    }
    if (!payment.paymentKey) return { cancelled: false };
    const provider = await deps.providerFor(payment.provider);
    if (!(await ownsPaymentKey(provider, payment, payment.paymentKey))) return { cancelled: false };
    // Whatever the charge did (timed out, failed after retries), cancel by paymentKey; nothing to cancel is fine.
    return provider.cancel({
      paymentKey: payment.paymentKey,
      reason: 'Payment confirmation did not complete',
      idempotencyKey: `void-${payment.id}`,
    });
  },

  async markFailed(deps, { paymentId, error }) {
    const change = await deps.payments.settleFailed(paymentId, failureOf(error?.Error));
    if (change) await deps.events.inventoryChanged(change);
    return { released: change?.seats.length ?? 0 };
  },

  async refund(deps, { paymentId }) {
    const payment = await loadPayment(deps, paymentId);
    if (payment.status === 'approved') {
      // The confirmation did commit (its answer was lost): the buyer has their tickets, keep the money.
      throw new PaymentAlreadyConfirmedError('the reservation was confirmed; nothing to refund');
    }
    if (payment.status === 'refunded' || !payment.paymentKey) return { cancelled: false };
    const provider = await deps.providerFor(payment.provider);
    if (!(await ownsPaymentKey(provider, payment, payment.paymentKey))) return { cancelled: false };
    return provider.cancel({
      paymentKey: payment.paymentKey,
      reason: 'The reservation could not be confirmed',
      idempotencyKey: `refund-${payment.id}`,
    });
  },

  async markRefunded(deps, { paymentId }) {
    const change = await deps.payments.settleRefunded(paymentId, {
      code: 'CONFIRMATION_FAILED',
      message: 'The reservation could not be confirmed; the payment was refunded.',
    });
    if (change) await deps.events.inventoryChanged(change);
    return { released: change?.seats.length ?? 0 };
  },
};
