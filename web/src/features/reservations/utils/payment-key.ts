import { SANDBOX_TEST_CARDS } from '../../../lib/contract';

/**
 * The sandbox payment form's card handling. The sandbox provider reads the card from the paymentKey
 * `sandbox_<card digits>_<nonce>` (like a PSP's test mode decides by card number); no card data ever leaves
 * the browser in any other form.
 */

export type TestCard = keyof typeof SANDBOX_TEST_CARDS;

/** Quick-fill buttons, in display order. */
export const TEST_CARDS = (Object.keys(SANDBOX_TEST_CARDS) as TestCard[]).map((id) => ({
  id,
  number: SANDBOX_TEST_CARDS[id],
}));

export const CARD_MIN_DIGITS = 12;
export const CARD_MAX_DIGITS = 19;

export function cardDigits(input: string): string {
  return input.replace(/\D/g, '').slice(0, CARD_MAX_DIGITS);
}

/** `4242 4242 4242 4242`: groups of four for display. */
export function formatCardNumber(input: string): string {
  return cardDigits(input).replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** Luhn checksum: catches a mistyped digit before the provider does. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length > 0 && sum % 10 === 0;
}

export type CardProblem = 'required' | 'length' | 'checksum';

export function cardProblem(input: string): CardProblem | null {
  const digits = cardDigits(input);
  if (digits.length === 0) return 'required';
  if (digits.length < CARD_MIN_DIGITS) return 'length';
  return luhnValid(digits) ? null : 'checksum';
}

const NONCE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 16 random alphanumerics: one per payment attempt, so a new attempt is a new key at the provider. */
export function paymentNonce(random: (bytes: Uint8Array) => void = (b) => crypto.getRandomValues(b)): string {
  const bytes = new Uint8Array(16);
  random(bytes);
  return [...bytes].map((b) => NONCE_CHARS[b % NONCE_CHARS.length]).join('');
}

/** `sandbox_4242424242424242_Xy12…`. */
export function buildPaymentKey(cardNumber: string, nonce: string = paymentNonce()): string {
  return `sandbox_${cardDigits(cardNumber)}_${nonce}`;
}
