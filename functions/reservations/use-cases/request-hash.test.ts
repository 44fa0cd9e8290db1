import { describe, expect, it } from 'vitest';
import { canonicalRequest, requestHash } from './request-hash';

const E = '6f1d2c3b-0000-4000-8000-000000000001';
const A = '0a000000-0000-4000-8000-00000000000a';
const B = '0b000000-0000-4000-8000-00000000000b';

describe('reservation request hash', () => {
  it('ignores the order of seats and items and the case of ids', () => {
    expect(requestHash({ eventId: E, seatIds: [B, A] })).toBe(
      requestHash({ eventId: E.toUpperCase(), seatIds: [A, B.toUpperCase()] }),
    );
    expect(
      requestHash({
        eventId: E,
        items: [
          { ticketTypeId: B, quantity: 1 },
          { ticketTypeId: A, quantity: 2 },
        ],
      }),
    ).toBe(
      requestHash({
        eventId: E,
        items: [
          { ticketTypeId: A, quantity: 2 },
          { ticketTypeId: B, quantity: 1 },
        ],
      }),
    );
    expect(canonicalRequest({ eventId: E, seatIds: [B, A] })).toBe(
      `{"eventId":"${E}","seatIds":["${A}","${B}"]}`,
    );
  });

  it('differs for any change that matters', () => {
    const base = requestHash({ eventId: E, items: [{ ticketTypeId: A, quantity: 1 }] });
    expect(requestHash({ eventId: E, items: [{ ticketTypeId: A, quantity: 2 }] })).not.toBe(base);
    expect(requestHash({ eventId: E, items: [{ ticketTypeId: B, quantity: 1 }] })).not.toBe(base);
    expect(requestHash({ eventId: E, seatIds: [A] })).not.toBe(base);
    expect(requestHash({ eventId: E, seatIds: [A] })).not.toBe(requestHash({ eventId: E, seatIds: [A, B] }));
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });
});
