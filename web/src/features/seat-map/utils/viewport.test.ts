import { describe, expect, it } from 'vitest';
import { clampPan, fitView, panIntoView, pinchStep, toScreen, toWorld, zoomAt, zoomLimits } from './viewport';

const bounds = { minX: 0, minY: 0, maxX: 90, maxY: 20 };
const size = { width: 1000, height: 500 };

describe('viewport', () => {
  it('fits the map, centred', () => {
    const view = fitView(bounds, size, 10, 0);
    expect(view.scale).toBe(10);
    const centre = toScreen(view, 45, 10);
    expect(centre).toEqual({ x: 500, y: 250 });
  });

  it('zooms about the cursor: the point under it stays under it', () => {
    const view = fitView(bounds, size, 10);
    const limits = zoomLimits(view, 10);
    const before = toWorld(view, 700, 300);
    const zoomed = zoomAt(view, 2, 700, 300, limits);
    expect(zoomed.scale).toBeCloseTo(view.scale * 2);
    const after = toWorld(zoomed, 700, 300);
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
  });

  it('pinches: fingers spreading zoom in about their midpoint, which follows them across the screen', () => {
    // Prepare: two fingers 100 px apart around (400, 200), over some map point.
    const view = fitView(bounds, size, 10);
    const limits = zoomLimits(view, 10);
    const under = toWorld(view, 400, 200);
    // Act: they spread to 200 px apart while their midpoint moves to (450, 240).
    const next = pinchStep(
      view,
      [
        { x: 350, y: 200 },
        { x: 450, y: 200 },
      ],
      [
        { x: 350, y: 240 },
        { x: 550, y: 240 },
      ],
      limits,
    );
    // Assess: twice the scale, and the same map point is now under the new midpoint.
    expect(next.scale).toBeCloseTo(view.scale * 2);
    const after = toWorld(next, 450, 240);
    expect(after.x).toBeCloseTo(under.x);
    expect(after.y).toBeCloseTo(under.y);
    // Fingers that do not move leave the view as it was.
    const still = pinchStep(
      view,
      [
        { x: 1, y: 1 },
        { x: 9, y: 1 },
      ],
      [
        { x: 1, y: 1 },
        { x: 9, y: 1 },
      ],
      limits,
    );
    expect(still.scale).toBeCloseTo(view.scale);
    expect(still.offsetX).toBeCloseTo(view.offsetX);
  });

  it('clamps zoom to its limits', () => {
    const view = fitView(bounds, size, 10);
    const limits = zoomLimits(view, 10);
    expect(zoomAt(view, 1e6, 0, 0, limits).scale).toBe(limits.max);
    expect(zoomAt(view, 1e-6, 0, 0, limits).scale).toBe(limits.min);
  });

  it('keeps part of the map on screen after a wild pan', () => {
    const view = { scale: 10, offsetX: -5_000, offsetY: 9_000 };
    const clamped = clampPan(view, bounds, size);
    const topLeft = toScreen(clamped, bounds.minX, bounds.minY);
    const bottomRight = toScreen(clamped, bounds.maxX, bounds.maxY);
    expect(bottomRight.x).toBeGreaterThanOrEqual(48);
    expect(topLeft.y).toBeLessThanOrEqual(size.height - 48);
  });

  it('pans the focused seat into view, and only when needed', () => {
    const view = { scale: 10, offsetX: 0, offsetY: 0 };
    expect(panIntoView(view, 50, 20, size)).toBe(view);
    const moved = panIntoView(view, 200, 20, size);
    expect(toScreen(moved, 200, 20).x).toBe(size.width - 40);
  });
});
