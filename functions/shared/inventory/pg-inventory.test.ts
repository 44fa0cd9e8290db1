import { describe, expect, it } from 'vitest';
import { countSeats } from './pg-inventory';

describe('countSeats', () => {
  it('counts every status; blocked seats are outside the total, reserved ones count as sold', () => {
    // Prepare: 2 available, 1 held, 1 reserved, 2 sold, 1 blocked
    const codes = 'aahrssb';
    // Act
    const counts = countSeats(codes);
    // Assess
    expect(counts).toEqual({ total: 6, available: 2, held: 1, sold: 3 });
  });

  it('answers zeros for a missing event', () => {
    expect(countSeats(null)).toEqual({ total: 0, available: 0, held: 0, sold: 0 });
  });
});
