import type { Logger } from '@aws-lambda-powertools/logger';
import { ConflictError, NotFoundError, TransientError } from '../../shared/errors';
import { isProviderUnavailable, ProviderRejectedError } from '../errors';
import type { PaymentEvents, PaymentProvider, PaymentRepository, ProviderName } from '../ports';

/** Wired by payments/deps.ts (refundDeps); other contexts reach this through payments/public.ts. */
export interface RefundReservationDeps {
  payments: Pick<PaymentRepository, 'confirmedReservationOf' | 'refundConfirmed'>;
  /** The provider the payment was made with. */
  providerFor: (name: ProviderName) => Promise<PaymentProvider>;
  events: PaymentEvents;
  logger: Pick<Logger, 'warn'>;
}

export interface RefundReservationInput {
  reservationId: string;
  userId: string;
  /** Why (sent to the provider as the cancel reason, kept on the payment). */
  reason: string;
}

/**
 * Cancels a confirmed reservation for its owner: the provider refunds the approved payment first (idempotency
 * key `refund-<paymentId>`, so a retried cancel never refunds twice), then one transaction moves payment →
 * refunded, reservation → refunded, its seats sold → available and GA quantities back, and the change is
 * broadcast. Money first: if the provider refuses or is down nothing changes here and the caller can retry;
 * the reverse order could free seats whose buyer was never refunded.
 *
 * Throws NotFoundError (missing or another user's), ConflictError RESERVATION_NOT_PENDING (not confirmed),
 * ConflictError CONFLICT (the provider refused the refund), TransientError (provider unavailable: 503).
 */
export async function refundReservation(
  deps: RefundReservationDeps,
  input: RefundReservationInput,
): Promise<void> {
  const { payments, logger } = deps;
  const found = await payments.confirmedReservationOf(input.reservationId, input.userId);
  if (!found) throw new NotFoundError('NOT_FOUND', 'Reservation not found');
  if (found.status !== 'confirmed') {
    throw new ConflictError('RESERVATION_NOT_PENDING', 'Only a confirmed reservation can be refunded');
  }
  const payment = found.payment;
  if (payment?.paymentKey) {
    const provider = await deps.providerFor(payment.provider);
    try {
      await provider.cancel({
        paymentKey: payment.paymentKey,
        reason: input.reason,
        idempotencyKey: `refund-${payment.id}`,
      });
    } catch (error) {
      if (isProviderUnavailable(error)) {
        throw new TransientError('The payment provider is unavailable; try again shortly', { cause: error });
      }
      if (error instanceof ProviderRejectedError) {
        logger.warn('refund refused by the provider', { paymentId: payment.id, code: error.code });
        throw new ConflictError('CONFLICT', 'The payment provider refused the refund', { code: error.code });
      }
      throw error;
    }
  }
  const change = await payments.refundConfirmed(input.reservationId, payment?.id ?? null, input.reason);
  if (change) await deps.events.inventoryChanged(change);
}
