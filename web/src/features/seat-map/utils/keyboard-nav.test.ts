import { describe, expect, it } from 'vitest';
import { neighbourInDirection } from './keyboard-nav';
import { decodeSeatMap } from './seat-map-model';
import { testSeatMap } from './test-seat-map';

const grid = decodeSeatMap(testSeatMap({ rows: 3, perRow: 10, spacing: 10 }));

/** A hand-made layout: `points([[x, y], …])`. */
function points(coords: [number, number][]) {
  return { xs: coords.map((c) => c[0]), ys: coords.map((c) => c[1]), count: coords.length };
}

describe('neighbourInDirection', () => {
  it('moves seat to seat along a row and between rows', () => {
    expect(neighbourInDirection(grid, 0, 'right')).toBe(1);
    expect(neighbourInDirection(grid, 1, 'left')).toBe(0);
    expect(neighbourInDirection(grid, 3, 'down')).toBe(13);
    expect(neighbourInDirection(grid, 13, 'up')).toBe(3);
  });

  it('stays put at the edges', () => {
    expect(neighbourInDirection(grid, 9, 'right')).toBe(9);
    expect(neighbourInDirection(grid, 0, 'up')).toBe(0);
    expect(neighbourInDirection(grid, 29, 'down')).toBe(29);
  });

  it('prefers the same row over a closer diagonal seat', () => {
    // From (0,0): (12,0) straight ahead vs (6,5) nearer but sideways.
    const layout = points([
      [0, 0],
      [12, 0],
      [6, 5],
    ]);
    expect(neighbourInDirection(layout, 0, 'right')).toBe(1);
  });

  it('reaches an offset row when the cone is empty', () => {
    // Down from (0,0): the only seat below is far to the side (outside the 45° cone).
    const layout = points([
      [0, 0],
      [30, 10],
      [-40, 0],
    ]);
    expect(neighbourInDirection(layout, 0, 'down')).toBe(1);
  });

  it('starts at the first seat from nowhere, and handles empty maps', () => {
    expect(neighbourInDirection(grid, -1, 'right')).toBe(0);
    expect(neighbourInDirection(points([]), -1, 'right')).toBe(-1);
  });
});
