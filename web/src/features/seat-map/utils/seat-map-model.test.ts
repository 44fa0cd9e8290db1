import { describe, expect, it } from 'vitest';
import { seatIdAt } from '../../../lib/contract';
import {
  decodeSeatMap,
  SeatMapDecodeError,
  seatAt,
  seatIdOf,
  seatIndexOf,
  seatLabel,
  seatTier,
  statusName,
} from './seat-map-model';
import { forEachInRect } from './spatial-grid';
import { TEST_EVENT_ID, testSeatId, testSeatMap } from './test-seat-map';

describe('decodeSeatMap', () => {
  it('decodes the columnar map: ids, labels, tiers, statuses, bounds', () => {
    const map = testSeatMap({ rows: 3, perRow: 10 });
    map.seats.status = `hs${'a'.repeat(27)}b`;
    const model = decodeSeatMap(map);
    expect(model.count).toBe(30);
    expect(model.eventId).toBe(TEST_EVENT_ID);
    expect(seatIdOf(model, 0)).toBe(testSeatId(0));
    expect(seatIdOf(model, 29)).toBe(seatIdAt(map, 29));
    expect(seatIndexOf(model, testSeatId(17))).toBe(17);
    expect(seatIndexOf(model, testSeatId(17).toUpperCase())).toBe(17);
    expect(seatIndexOf(model, testSeatId(99))).toBe(-1);
    expect(seatIndexOf(model, 'not-a-uuid')).toBe(-1);
    expect(seatLabel(model, 12)).toBe('A R002-3');
    expect(seatTier(model, 0)?.name).toBe('VIP');
    expect(seatTier(model, 25)?.price).toBe(80_000);
    expect([0, 1, 2, 29].map((i) => statusName(model.status[i] ?? -1))).toEqual([
      'held',
      'sold',
      'available',
      'blocked',
    ]);
    expect(model.bounds).toEqual({ minX: 0, minY: 0, maxX: 90, maxY: 20 });
    expect(model.sectionBounds[0]).toEqual({ minX: 0, minY: 0, maxX: 90, maxY: 20 });
  });

  it('estimates the seat pitch whatever the coordinate unit', () => {
    expect(decodeSeatMap(testSeatMap({ spacing: 10 })).pitch).toBe(10);
    expect(decodeSeatMap(testSeatMap({ spacing: 1 })).pitch).toBe(1);
    expect(decodeSeatMap(testSeatMap({ rows: 1, perRow: 1 })).pitch).toBe(1);
  });

  it('refuses a map whose columns disagree', () => {
    const map = testSeatMap();
    map.seats.x.pop();
    expect(() => decodeSeatMap(map)).toThrow(SeatMapDecodeError);
    const ids = testSeatMap();
    ids.seats.ids = ids.seats.ids.slice(1);
    expect(() => decodeSeatMap(ids)).toThrow(SeatMapDecodeError);
  });

  it('decodes a 20,000-seat venue quickly', () => {
    const map = testSeatMap({ rows: 200, perRow: 100, spacing: 1 });
    const started = performance.now();
    const model = decodeSeatMap(map);
    const elapsed = performance.now() - started;
    expect(model.count).toBe(20_000);
    expect(seatIndexOf(model, testSeatId(19_999))).toBe(19_999);
    expect(elapsed).toBeLessThan(1_000);
  });
});

describe('hit testing', () => {
  const model = decodeSeatMap(testSeatMap({ rows: 3, perRow: 10, spacing: 10 }));

  it('finds the seat under a point, within ~0.6 pitch', () => {
    expect(seatAt(model, 0, 0)).toBe(0);
    expect(seatAt(model, 31, 12)).toBe(13);
    expect(seatAt(model, 94, 24)).toBe(29);
    expect(seatAt(model, 5.5, 0)).toBe(1);
  });

  it('misses between rows of a sparse map and outside it', () => {
    const sparse = decodeSeatMap(testSeatMap({ rows: 2, perRow: 2, spacing: 10 }));
    expect(seatAt(sparse, -7, -7)).toBe(-1);
    expect(seatAt(sparse, 200, 5)).toBe(-1);
    expect(seatAt(model, 5, 5)).toBe(-1); // the aisle between four seats
    expect(seatAt(model, 5, 0)).toBe(0); // equidistant: the lower index wins, deterministically
  });

  it('lists the seats of a rectangle through the grid', () => {
    const found: number[] = [];
    forEachInRect(model.grid, 0, 0, 15, 5, (i) => found.push(i));
    const exact = found
      .filter((i) => (model.xs[i] ?? 0) <= 15 && (model.ys[i] ?? 0) <= 5)
      .sort((a, b) => a - b);
    expect(exact).toEqual([0, 1]);
  });

  it('hit-tests every seat of a 20,000-seat map to itself', () => {
    const big = decodeSeatMap(testSeatMap({ rows: 200, perRow: 100, spacing: 1 }));
    for (let i = 0; i < big.count; i += 97) {
      expect(seatAt(big, (big.xs[i] ?? 0) + 0.3, (big.ys[i] ?? 0) - 0.3)).toBe(i);
    }
  });
});
