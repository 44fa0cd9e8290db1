import type { Bounds } from './seat-map-model';

/**
 * The canvas view: screen = world · scale + offset (CSS pixels). Pure functions, so zoom-at-cursor, fitting
 * and panning limits are tested without a canvas.
 */
export interface View {
  scale: number;
  offsetX: number;
  offsetY: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface ZoomLimits {
  min: number;
  max: number;
}

/** Fits the bounds (plus half a seat pitch around them) into the canvas, centred. */
export function fitView(bounds: Bounds, size: Size, pitch: number, padding = 16): View {
  const worldW = bounds.maxX - bounds.minX + pitch;
  const worldH = bounds.maxY - bounds.minY + pitch;
  const availableW = Math.max(1, size.width - padding * 2);
  const availableH = Math.max(1, size.height - padding * 2);
  const scale = Math.min(availableW / Math.max(worldW, 1e-6), availableH / Math.max(worldH, 1e-6));
  const cx = (bounds.minX + bounds.maxX) / 2;
  const cy = (bounds.minY + bounds.maxY) / 2;
  return { scale, offsetX: size.width / 2 - cx * scale, offsetY: size.height / 2 - cy * scale };
}

/** From the fitted scale down to half of it, up to ~56 px per seat (or 8× the fit, whichever is larger). */
export function zoomLimits(fit: View, pitch: number): ZoomLimits {
  return { min: fit.scale / 2, max: Math.max(fit.scale * 8, 56 / Math.max(pitch, 1e-6)) };
}

export function toWorld(view: View, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - view.offsetX) / view.scale, y: (sy - view.offsetY) / view.scale };
}

export function toScreen(view: View, x: number, y: number): { x: number; y: number } {
  return { x: x * view.scale + view.offsetX, y: y * view.scale + view.offsetY };
}

/** Zooms by `factor` keeping the world point under screen point (sx, sy) where it is. */
export function zoomAt(view: View, factor: number, sx: number, sy: number, limits: ZoomLimits): View {
  const scale = Math.min(limits.max, Math.max(limits.min, view.scale * factor));
  const world = toWorld(view, sx, sy);
  return { scale, offsetX: sx - world.x * scale, offsetY: sy - world.y * scale };
}

/**
 * Keeps part of the map on screen: the bounds may not leave the canvas by more than `size - margin` on any
 * side, so a wild drag cannot lose the map.
 */
export function clampPan(view: View, bounds: Bounds, size: Size, margin = 48): View {
  const left = bounds.minX * view.scale + view.offsetX;
  const right = bounds.maxX * view.scale + view.offsetX;
  const top = bounds.minY * view.scale + view.offsetY;
  const bottom = bounds.maxY * view.scale + view.offsetY;
  let { offsetX, offsetY } = view;
  if (right < margin) offsetX += margin - right;
  if (left > size.width - margin) offsetX -= left - (size.width - margin);
  if (bottom < margin) offsetY += margin - bottom;
  if (top > size.height - margin) offsetY -= top - (size.height - margin);
  return offsetX === view.offsetX && offsetY === view.offsetY ? view : { ...view, offsetX, offsetY };
}

/** Pans the least needed for world point (x, y) to sit at least `margin` px inside the canvas. */
export function panIntoView(view: View, x: number, y: number, size: Size, margin = 40): View {
  const p = toScreen(view, x, y);
  let dx = 0;
  let dy = 0;
  if (p.x < margin) dx = margin - p.x;
  else if (p.x > size.width - margin) dx = size.width - margin - p.x;
  if (p.y < margin) dy = margin - p.y;
  else if (p.y > size.height - margin) dy = size.height - margin - p.y;
  return dx === 0 && dy === 0 ? view : { ...view, offsetX: view.offsetX + dx, offsetY: view.offsetY + dy };
}

export interface Point {
  x: number;
  y: number;
}

/**
 * One step of a two-finger pinch: zoom by the change of the fingers' distance about their midpoint, and pan by
 * the midpoint's travel, so the map point under the fingers stays under them (within the zoom limits).
 */
export function pinchStep(view: View, from: [Point, Point], to: [Point, Point], limits: ZoomLimits): View {
  const distance = ([a, b]: [Point, Point]) => Math.hypot(a.x - b.x, a.y - b.y);
  const middle = ([a, b]: [Point, Point]) => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
  const before = distance(from);
  const factor = before > 0 ? distance(to) / before : 1;
  const m0 = middle(from);
  const m1 = middle(to);
  const zoomed = zoomAt(view, factor, m0.x, m0.y, limits);
  return { ...zoomed, offsetX: zoomed.offsetX + (m1.x - m0.x), offsetY: zoomed.offsetY + (m1.y - m0.y) };
}
