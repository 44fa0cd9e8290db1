import { describe, expect, it } from 'vitest';
import { ApiError, type ApiErrorCode } from './api/api-error';
import { ERROR_CODES } from './contract';
import { errorMessage, messageForCode, unavailableSeatIds } from './error-message';
import { createTranslator } from './i18n';

const ko = createTranslator('ko');
const en = createTranslator('en');
const error = (code: ApiErrorCode, details?: unknown) =>
  new ApiError({ status: code === 'NETWORK_ERROR' ? 0 : 409, code, message: 'server text', details });

const BOOKING_CODES = [
  'SEAT_UNAVAILABLE',
  'LIMIT_EXCEEDED',
  'HOLD_EXPIRED',
  'SOLD_OUT',
  'EVENT_NOT_ON_SALE',
  'RESERVATION_NOT_PENDING',
  'CANCELLATION_CLOSED',
  'IDEMPOTENCY_KEY_REUSED',
  'PAYMENT_NOT_CONFIRMABLE',
  'DEPENDENCY_UNAVAILABLE',
  'ADMISSION_REQUIRED',
] as const;

describe('errorMessage', () => {
  it('gives every server code a localized message, never the server’s own text', () => {
    for (const code of Object.keys(ERROR_CODES) as ApiErrorCode[]) {
      for (const t of [ko, en]) {
        const text = errorMessage(error(code))(t);
        expect({ code, text }).not.toEqual({ code, text: '' });
        expect(text).not.toContain('server text');
        expect(text).not.toMatch(/^[a-z]+(\.[a-zA-Z]+)+$/); // not a raw message key
      }
    }
  });

  it('gives each booking code its own message (not the generic fallback)', () => {
    const generic = errorMessage(new Error('boom'))(ko);
    const texts = BOOKING_CODES.map((code) => errorMessage(error(code))(ko));
    for (const text of texts) expect(text).not.toBe(generic);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('says how many seats were taken, and the limit', () => {
    const taken = error('SEAT_UNAVAILABLE', { seatIds: ['a', 'b'] });
    expect(unavailableSeatIds(taken)).toEqual(['a', 'b']);
    expect(errorMessage(taken)(ko)).toContain('2석');
    expect(errorMessage(taken)(en)).toContain('2 of the seats');
    expect(errorMessage(error('LIMIT_EXCEEDED', { limit: 4 }))(ko)).toContain('최대 4매');
    expect(errorMessage(error('LIMIT_EXCEEDED'), { maxSeats: 6 })(en)).toContain('up to 6');
    expect(errorMessage(error('LIMIT_EXCEEDED'))(en)).toBe(en('error.limitExceededNoMax'));
    expect(messageForCode('LIMIT_EXCEEDED', { maxSeats: 2 })(ko)).toBe(ko('error.limitExceeded', { max: 2 }));
  });

  it('covers client-side failures', () => {
    expect(errorMessage(error('NETWORK_ERROR'))(ko)).toBe(ko('error.network'));
    expect(errorMessage(new TypeError('x'))(en)).toBe(en('error.unexpected'));
    expect(unavailableSeatIds(new Error('x'))).toEqual([]);
  });
});
