import type { SeatModel } from './seat-map-model';
import { type PendingKind, type SeatState, seatState } from './seat-state';
import type { Size, View } from './viewport';

/** Colours the canvas cannot take from CSS directly; read from custom properties on the canvas. */
export interface SeatPalette {
  taken: string;
  blocked: string;
  mine: string;
  mineRing: string;
  focus: string;
  hover: string;
  label: string;
}

export function readPalette(element: Element): SeatPalette {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    taken: read('--seat-taken', '#c5c9d3'),
    blocked: read('--seat-blocked', '#e3e5eb'),
    mine: read('--seat-mine', '#111827'),
    mineRing: read('--seat-mine-ring', '#ffffff'),
    focus: read('--color-focus', '#2563eb'),
    hover: read('--color-text', '#1b1d29'),
    label: read('--color-text-muted', '#5b6072'),
  };
}

export interface DrawInput {
  model: SeatModel;
  statuses: Uint8Array | null;
  mine: ReadonlySet<number>;
  pending: ReadonlyMap<number, PendingKind>;
  view: View;
  size: Size;
  dpr: number;
  palette: SeatPalette;
  hover: number;
  /** The keyboard cursor, drawn only while the canvas has focus. */
  focus: number;
  showFocus: boolean;
}

/** Fixed buckets after the tier buckets. */
const EXTRA: readonly SeatState[] = ['taken', 'blocked', 'removing', 'adding', 'mine'];

let scratch = new Int32Array(0);

/**
 * Draws every visible seat as a square, one path per colour (counting sort into buckets: no allocation per
 * frame beyond a reused index buffer), then the rings: mine, hover, keyboard focus. Seats outside the canvas
 * are culled. Squares never shrink below 1.5 device-independent pixels, so a zoomed-out 20,000-seat venue
 * still shows every seat.
 */
export function drawSeatMap(ctx: CanvasRenderingContext2D, input: DrawInput): void {
  const { model, statuses, mine, pending, view, size, dpr, palette } = input;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, size.width, size.height);

  const tierCount = model.tiers.length;
  const bucketCount = tierCount + EXTRA.length;
  if (scratch.length < model.count) scratch = new Int32Array(model.count);
  const bucketOf = scratch;
  const counts = new Int32Array(bucketCount + 1);
  const seat = Math.max(1.5, model.pitch * view.scale * 0.8);
  const half = seat / 2;
  const { scale, offsetX, offsetY } = view;

  for (let i = 0; i < model.count; i++) {
    const sx = (model.xs[i] ?? 0) * scale + offsetX;
    const sy = (model.ys[i] ?? 0) * scale + offsetY;
    if (sx < -seat || sy < -seat || sx > size.width + seat || sy > size.height + seat) {
      bucketOf[i] = -1;
      continue;
    }
    const state = seatState(i, statuses, mine, pending);
    const bucket =
      state === 'available' ? Math.min(model.tier[i] ?? 0, tierCount - 1) : tierCount + EXTRA.indexOf(state);
    bucketOf[i] = bucket;
    counts[bucket + 1] = (counts[bucket + 1] ?? 0) + 1;
  }

  for (let b = 0; b < bucketCount; b++) {
    if ((counts[b + 1] ?? 0) === 0) continue;
    const state = b >= tierCount ? EXTRA[b - tierCount] : 'available';
    ctx.globalAlpha = state === 'adding' || state === 'removing' ? 0.55 : 1;
    ctx.fillStyle =
      state === 'available'
        ? (model.tiers[b]?.color ?? palette.taken)
        : state === 'taken'
          ? palette.taken
          : state === 'blocked'
            ? palette.blocked
            : palette.mine;
    ctx.beginPath();
    for (let i = 0; i < model.count; i++) {
      if (bucketOf[i] !== b) continue;
      const sx = (model.xs[i] ?? 0) * scale + offsetX;
      const sy = (model.ys[i] ?? 0) * scale + offsetY;
      ctx.rect(sx - half, sy - half, seat, seat);
    }
    ctx.fill();
  }
  ctx.globalAlpha = 1;

  // Mine: a light inner ring, so "mine" is not told by colour alone once seats are big enough to show it.
  if (seat >= 7 && mine.size > 0) {
    ctx.strokeStyle = palette.mineRing;
    ctx.lineWidth = Math.max(1, seat * 0.12);
    for (const i of mine) {
      const sx = (model.xs[i] ?? 0) * scale + offsetX;
      const sy = (model.ys[i] ?? 0) * scale + offsetY;
      const inset = seat * 0.25;
      ctx.strokeRect(sx - half + inset, sy - half + inset, seat - inset * 2, seat - inset * 2);
    }
  }

  drawSectionLabels(ctx, input, half);

  const ring = (index: number, color: string, width: number, pad: number) => {
    if (index < 0 || index >= model.count) return;
    const sx = (model.xs[index] ?? 0) * scale + offsetX;
    const sy = (model.ys[index] ?? 0) * scale + offsetY;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.strokeRect(sx - half - pad, sy - half - pad, seat + pad * 2, seat + pad * 2);
  };
  ring(input.hover, palette.hover, 1.5, 1.5);
  if (input.showFocus) ring(input.focus, palette.focus, 2.5, 3);
}

function drawSectionLabels(ctx: CanvasRenderingContext2D, input: DrawInput, half: number): void {
  const { model, view, palette } = input;
  ctx.fillStyle = palette.label;
  ctx.font = '600 12px system-ui, sans-serif';
  ctx.textBaseline = 'bottom';
  for (const [s, bounds] of model.sectionBounds.entries()) {
    const name = model.sections[s]?.name;
    if (!bounds || !name) continue;
    const left = bounds.minX * view.scale + view.offsetX - half;
    const right = bounds.maxX * view.scale + view.offsetX + half;
    const top = bounds.minY * view.scale + view.offsetY - half - 3;
    if (right - left < ctx.measureText(name).width + 8) continue;
    ctx.fillText(name, left, top);
  }
}
