import type { Points } from './spatial-grid';

export type Direction = 'up' | 'down' | 'left' | 'right';

export const ARROW_KEYS: Readonly<Record<string, Direction>> = {
  ArrowUp: 'up',
  ArrowDown: 'down',
  ArrowLeft: 'left',
  ArrowRight: 'right',
};

/** How much sideways drift costs against forward distance: keeps Right in the same row when there is one. */
const SIDEWAYS_WEIGHT = 2;

/**
 * The seat an arrow key moves the focus cursor to: among seats ahead in that direction, the nearest, with
 * sideways drift weighted (score = ahead + 2·|sideways|). Seats within the 45° cone are preferred; when the
 * cone is empty (end of a row whose neighbour row is offset) any seat in the half-plane ahead will do.
 * Returns `from` when nothing lies that way. Screen coordinates: y grows downwards. A linear scan: 20,000
 * seats take well under a millisecond, once per key press.
 */
export function neighbourInDirection(points: Points, from: number, direction: Direction): number {
  const { xs, ys, count } = points;
  if (from < 0 || from >= count) return count > 0 ? 0 : -1;
  const x0 = xs[from] ?? 0;
  const y0 = ys[from] ?? 0;
  let bestCone = -1;
  let bestConeScore = Number.POSITIVE_INFINITY;
  let bestAny = -1;
  let bestAnyScore = Number.POSITIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    if (i === from) continue;
    const dx = (xs[i] ?? 0) - x0;
    const dy = (ys[i] ?? 0) - y0;
    let ahead: number;
    let sideways: number;
    switch (direction) {
      case 'right':
        ahead = dx;
        sideways = dy;
        break;
      case 'left':
        ahead = -dx;
        sideways = dy;
        break;
      case 'down':
        ahead = dy;
        sideways = dx;
        break;
      case 'up':
        ahead = -dy;
        sideways = dx;
        break;
    }
    if (ahead <= 0) continue;
    const side = Math.abs(sideways);
    const score = ahead + SIDEWAYS_WEIGHT * side;
    if (side <= ahead) {
      if (score < bestConeScore) {
        bestConeScore = score;
        bestCone = i;
      }
    } else if (score < bestAnyScore) {
      bestAnyScore = score;
      bestAny = i;
    }
  }
  if (bestCone !== -1) return bestCone;
  return bestAny !== -1 ? bestAny : from;
}
