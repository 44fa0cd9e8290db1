import type { PaymentStatusResult } from '../../../lib/contract';

/** Poll `payments.status` this often, for at most this long, after a confirm. */
export const PAYMENT_POLL_INTERVAL_MS = 1_000;
export const PAYMENT_POLL_TIMEOUT_MS = 60_000;

export type PaymentOutcome = 'pending' | 'approved' | 'failed';

/**
 * Where a payment stands for the buyer. Approved means paid *and* the reservation confirmed (a charge that
 * lands on an expired reservation is refunded, so it is not a success yet); failed, cancelled and refunded
 * are final failures; everything else is still in progress.
 */
export function paymentOutcome(
  status: Pick<PaymentStatusResult, 'status' | 'reservationStatus'>,
): PaymentOutcome {
  switch (status.status) {
    case 'approved':
      return status.reservationStatus === 'confirmed' ? 'approved' : 'pending';
    case 'failed':
    case 'cancelled':
    case 'refunded':
      return 'failed';
    default:
      return 'pending';
  }
}

/** The next poll delay, or false to stop (a final outcome, or the time limit reached). */
export function nextPollDelay(
  status: Pick<PaymentStatusResult, 'status' | 'reservationStatus'> | undefined,
  startedAt: number,
  now: number,
): number | false {
  if (status && paymentOutcome(status) !== 'pending') return false;
  return now - startedAt >= PAYMENT_POLL_TIMEOUT_MS ? false : PAYMENT_POLL_INTERVAL_MS;
}

export type FailureReason = 'declined' | 'timeout' | 'expired' | 'cancelled' | 'refunded' | 'other';

/** Why a payment failed, from the status' failureCode (provider codes or ours) and status. */
export function failureReason(status: Pick<PaymentStatusResult, 'status' | 'failureCode'>): FailureReason {
  const code = (status.failureCode ?? '').toUpperCase();
  if (code.includes('EXPIRED')) return 'expired';
  if (code.includes('TIMEOUT') || code.includes('TIMED_OUT')) return 'timeout';
  if (code.includes('DECLINE') || code.includes('REJECT') || code.includes('INVALID_CARD')) return 'declined';
  if (status.status === 'refunded') return 'refunded';
  if (status.status === 'cancelled') return 'cancelled';
  return 'other';
}
