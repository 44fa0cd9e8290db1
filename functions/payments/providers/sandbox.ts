import { SANDBOX_TEST_CARDS } from '../../../shared/booking';
import { PaymentDeclinedError, ProviderRejectedError, ProviderTimeoutError } from '../errors';
import type { CancelResult, ChargeResult, PaymentProvider } from '../ports';

/**
 * The built-in sandbox provider for local use, in the manner of a PSP's test mode: the outcome is decided by
 * the test card in the paymentKey (`sandbox_<card>_<nonce>`, built by the sandbox payment form).
 *
 *   approve            4242424242424242  charged at once
 *   decline            4000000000000002  REJECT_CARD_PAYMENT, nothing charged
 *   timeout            4000000000000119  charged, but the answer never arrives in time (ProviderTimeoutError
 *                                        after `timeoutMs`): the caller must void it
 *   approveAfterDelay  4000000000000259  charged after `approveDelayMs` (slow but within the timeout)
 *
 * Charges are kept in a ledger (PostgreSQL table sandbox_charges) keyed by paymentKey, so a replay with the same
 * idempotency key returns the same charge, a second charge of a paymentKey is refused as Toss does
 * (ALREADY_PROCESSED_PAYMENT), cancels (void/refund) are observable, and `lookup` answers which order a
 * paymentKey was charged for, as Toss's payment lookup does.
 */

export interface SandboxCharge {
  paymentKey: string;
  idempotencyKey: string;
  orderId: string;
  amount: number;
  card: string;
  status: 'approved' | 'cancelled';
  createdAt: Date;
}

export interface SandboxLedger {
  /** Records a charge unless one exists for the paymentKey or the idempotency key; returns the stored one. */
  charge(
    charge: Omit<SandboxCharge, 'status' | 'createdAt'>,
  ): Promise<{ charge: SandboxCharge; created: boolean }>;
  /** approved → cancelled; reports what it found. */
  cancel(paymentKey: string, reason: string): Promise<'cancelled' | 'already' | 'not_found'>;
  /** The charge of a paymentKey, or null. */
  find(paymentKey: string): Promise<SandboxCharge | null>;
}

export interface SandboxOptions {
  ledger: SandboxLedger;
  timeoutMs: number;
  approveDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
}

const PAYMENT_KEY = /^sandbox_(\d{16})_([A-Za-z0-9-]{1,100})$/;

export function sandboxCardOf(paymentKey: string): string | null {
  return PAYMENT_KEY.exec(paymentKey)?.[1] ?? null;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function sandboxProvider(options: SandboxOptions): PaymentProvider {
  const sleep = options.sleep ?? defaultSleep;

  const result = (charge: SandboxCharge): ChargeResult => ({
    approved: true,
    providerRef: charge.paymentKey,
    approvedAt: charge.createdAt.toISOString(),
    details: { provider: 'sandbox', card: `${charge.card.slice(0, 4)}********${charge.card.slice(-4)}` },
  });

  return {
    name: 'sandbox',

    async confirm(input) {
      const card = sandboxCardOf(input.paymentKey);
      if (!card)
        throw new PaymentDeclinedError('INVALID_PAYMENT_KEY', 'The payment key is not a sandbox key.');
      if (card === SANDBOX_TEST_CARDS.decline) {
        throw new PaymentDeclinedError('REJECT_CARD_PAYMENT', 'The card was declined (sandbox test card).');
      }
      const known: string[] = Object.values(SANDBOX_TEST_CARDS);
      if (!known.includes(card)) {
        throw new PaymentDeclinedError('INVALID_CARD_NUMBER', 'Use one of the sandbox test cards.');
      }
      if (card === SANDBOX_TEST_CARDS.approveAfterDelay) await sleep(options.approveDelayMs);

      const { charge } = await options.ledger.charge({
        paymentKey: input.paymentKey,
        idempotencyKey: input.idempotencyKey,
        orderId: input.orderId,
        amount: input.amount,
        card,
      });
      if (charge.idempotencyKey !== input.idempotencyKey) {
        // Another request already captured this paymentKey: like Toss, refuse rather than charge again.
        throw new PaymentDeclinedError('ALREADY_PROCESSED_PAYMENT', 'This payment was already processed.');
      }
      if (charge.paymentKey !== input.paymentKey || charge.amount !== input.amount) {
        throw new ProviderRejectedError(
          'IDEMPOTENCY_KEY_REUSED',
          'The idempotency key was used for a different request.',
        );
      }
      if (card === SANDBOX_TEST_CARDS.timeout) {
        // The charge went through; the answer does not arrive before the client gives up.
        await sleep(options.timeoutMs);
        throw new ProviderTimeoutError('The sandbox provider did not answer in time (timeout test card).');
      }
      return result(charge);
    },

    async cancel(input): Promise<CancelResult> {
      const outcome = await options.ledger.cancel(input.paymentKey, input.reason);
      return { cancelled: outcome !== 'not_found', alreadyCancelled: outcome === 'already' };
    },

    async lookup(paymentKey) {
      const charge = await options.ledger.find(paymentKey);
      return charge ? { orderId: charge.orderId, status: charge.status } : null;
    },
  };
}

/** An in-memory ledger, for unit tests. */
export function memorySandboxLedger(now: () => Date = () => new Date()) {
  const charges = new Map<string, SandboxCharge>();
  const ledger: SandboxLedger = {
    async charge(c) {
      const existing =
        charges.get(c.paymentKey) ?? [...charges.values()].find((x) => x.idempotencyKey === c.idempotencyKey);
      if (existing) return { charge: existing, created: false };
      const charge: SandboxCharge = { ...c, status: 'approved', createdAt: now() };
      charges.set(c.paymentKey, charge);
      return { charge, created: true };
    },
    async cancel(paymentKey) {
      const charge = charges.get(paymentKey);
      if (!charge) return 'not_found';
      if (charge.status === 'cancelled') return 'already';
      charge.status = 'cancelled';
      return 'cancelled';
    },
    async find(paymentKey) {
      return charges.get(paymentKey) ?? null;
    },
  };
  return { ledger, charges };
}
