import { describe, expect, it } from 'vitest';
import {
  failureReason,
  nextPollDelay,
  PAYMENT_POLL_INTERVAL_MS,
  PAYMENT_POLL_TIMEOUT_MS,
  paymentOutcome,
} from './payment-outcome';

describe('payment outcome', () => {
  it('is approved only once the reservation is confirmed', () => {
    expect(paymentOutcome({ status: 'approved', reservationStatus: 'confirmed' })).toBe('approved');
    expect(paymentOutcome({ status: 'approved', reservationStatus: 'pending_payment' })).toBe('pending');
    expect(paymentOutcome({ status: 'approved', reservationStatus: 'expired' })).toBe('pending');
    expect(paymentOutcome({ status: 'in_progress', reservationStatus: 'pending_payment' })).toBe('pending');
    expect(paymentOutcome({ status: 'ready', reservationStatus: 'pending_payment' })).toBe('pending');
    for (const status of ['failed', 'cancelled', 'refunded'] as const) {
      expect(paymentOutcome({ status, reservationStatus: 'cancelled' })).toBe('failed');
    }
  });

  it('polls every second until final, for at most a minute', () => {
    const pending = { status: 'in_progress', reservationStatus: 'pending_payment' } as const;
    expect(nextPollDelay(undefined, 0, 0)).toBe(PAYMENT_POLL_INTERVAL_MS);
    expect(nextPollDelay(pending, 0, 30_000)).toBe(PAYMENT_POLL_INTERVAL_MS);
    expect(nextPollDelay(pending, 0, PAYMENT_POLL_TIMEOUT_MS)).toBe(false);
    expect(nextPollDelay({ status: 'approved', reservationStatus: 'confirmed' }, 0, 1_000)).toBe(false);
  });

  it('explains failures by code', () => {
    expect(failureReason({ status: 'failed', failureCode: 'DECLINED' })).toBe('declined');
    expect(failureReason({ status: 'failed', failureCode: 'REJECT_CARD_COMPANY' })).toBe('declined');
    expect(failureReason({ status: 'cancelled', failureCode: 'TIMEOUT' })).toBe('timeout');
    expect(failureReason({ status: 'refunded', failureCode: 'RESERVATION_EXPIRED' })).toBe('expired');
    expect(failureReason({ status: 'refunded', failureCode: null })).toBe('refunded');
    expect(failureReason({ status: 'cancelled', failureCode: null })).toBe('cancelled');
    expect(failureReason({ status: 'failed', failureCode: 'SOMETHING' })).toBe('other');
  });
});
