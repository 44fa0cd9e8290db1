import { describe, expect, it } from 'vitest';
import {
  clampQuantities,
  maxQuantity,
  setQuantity,
  toItems,
  totalPrice,
  totalQuantity,
} from './ga-quantities';

const types = [
  { id: 'day', available: 100, price: 99_000 },
  { id: 'vip', available: 2, price: 250_000 },
  { id: 'gone', available: 0, price: 10_000 },
];

describe('GA quantities', () => {
  it('bounds each type by availability, the per-line max and the per-user limit across types', () => {
    expect(maxQuantity('day', types, {}, 4)).toBe(4);
    expect(maxQuantity('day', types, {}, 50)).toBe(10);
    expect(maxQuantity('vip', types, {}, 4)).toBe(2);
    expect(maxQuantity('gone', types, {}, 4)).toBe(0);
    expect(maxQuantity('day', types, { vip: 2 }, 4)).toBe(2);
    expect(maxQuantity('nope', types, {}, 4)).toBe(0);
  });

  it('clamps what is set and drops zeros', () => {
    let q = setQuantity({}, 'vip', 5, types, 4);
    expect(q).toEqual({ vip: 2 });
    q = setQuantity(q, 'day', 3, types, 4);
    expect(q).toEqual({ vip: 2, day: 2 });
    q = setQuantity(q, 'vip', 0, types, 4);
    expect(q).toEqual({ day: 2 });
    expect(setQuantity(q, 'day', Number.NaN, types, 4)).toEqual({});
    expect(setQuantity(q, 'day', -3, types, 4)).toEqual({});
    expect(totalQuantity({ day: 2, vip: 1 })).toBe(3);
  });

  it('re-clamps when availability drops live, keeping the object when nothing changes', () => {
    const q = { day: 2, vip: 2 };
    expect(clampQuantities(q, types, 4)).toBe(q);
    const fewer = [{ ...types[0]!, available: 1 }, { ...types[1]!, available: 0 }, types[2]!];
    expect(clampQuantities(q, fewer, 4)).toEqual({ day: 1 });
    expect(clampQuantities({ removed: 1 }, types, 4)).toEqual({});
  });

  it('builds the request items and the total', () => {
    expect(toItems({ vip: 1, day: 2 }, types)).toEqual([
      { ticketTypeId: 'day', quantity: 2 },
      { ticketTypeId: 'vip', quantity: 1 },
    ]);
    expect(totalPrice({ vip: 1, day: 2 }, types)).toBe(448_000);
  });
});
