import { describe, expect, it } from 'vitest';
import { BOOKING_LIMITS, SANDBOX_TEST_CARDS } from '../../../lib/contract';
import {
  buildPaymentKey,
  cardDigits,
  cardProblem,
  formatCardNumber,
  luhnValid,
  paymentNonce,
  TEST_CARDS,
} from './payment-key';

describe('sandbox payment key', () => {
  it('is sandbox_<card digits>_<nonce>', () => {
    expect(buildPaymentKey('4242 4242 4242 4242', 'abc123XYZ')).toBe('sandbox_4242424242424242_abc123XYZ');
    const key = buildPaymentKey(SANDBOX_TEST_CARDS.decline);
    expect(key).toMatch(/^sandbox_4000000000000002_[A-Za-z0-9]{16}$/);
    expect(key.length).toBeLessThanOrEqual(BOOKING_LIMITS.paymentKeyMax);
  });

  it('uses a fresh nonce per attempt', () => {
    expect(paymentNonce()).not.toBe(paymentNonce());
    expect(paymentNonce((bytes) => bytes.fill(0))).toBe('A'.repeat(16));
  });

  it('lists every documented test card, and each passes the form’s own check', () => {
    expect(TEST_CARDS.map((card) => card.id)).toEqual(['approve', 'decline', 'timeout', 'approveAfterDelay']);
    for (const card of TEST_CARDS) expect(cardProblem(card.number)).toBeNull();
  });

  it('cleans and formats what is typed', () => {
    expect(cardDigits('4242-4242 4242x4242')).toBe('4242424242424242');
    expect(cardDigits('1'.repeat(30))).toHaveLength(19);
    expect(formatCardNumber('4242424242424242')).toBe('4242 4242 4242 4242');
    expect(formatCardNumber('42424')).toBe('4242 4');
  });

  it('validates length and checksum', () => {
    expect(cardProblem('')).toBe('required');
    expect(cardProblem('4242 4242')).toBe('length');
    expect(cardProblem('4242 4242 4242 4241')).toBe('checksum');
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
  });
});
