import {
  type KeyboardEvent,
  type PointerEvent,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { formatPrice } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { drawSeatMap, readPalette } from '../utils/draw-seat-map';
import { ARROW_KEYS, neighbourInDirection } from '../utils/keyboard-nav';
import type { LiveSeatStore } from '../utils/live-seat-store';
import { type SeatModel, seatAt, seatIdOf, seatLabel, seatTier } from '../utils/seat-map-model';
import { type PendingKind, type SeatState, seatState } from '../utils/seat-state';
import {
  clampPan,
  fitView,
  type Point,
  panIntoView,
  pinchStep,
  type Size,
  toScreen,
  toWorld,
  type View,
  zoomAt,
  zoomLimits,
} from '../utils/viewport';

interface SeatMapCanvasProps {
  model: SeatModel;
  store: LiveSeatStore;
  /** The store's version: a change redraws. */
  version: number;
  mine: ReadonlySet<number>;
  pending: ReadonlyMap<number, PendingKind>;
  onToggle: (index: number) => void;
}

/** Pointer travel (CSS px) below which a press is a click, not a drag. */
const DRAG_THRESHOLD = 4;
const BUTTON_ZOOM = 1.5;

const STATE_KEYS = {
  available: 'seatMap.state.available',
  taken: 'seatMap.state.taken',
  blocked: 'seatMap.state.blocked',
  mine: 'seatMap.state.mine',
  adding: 'seatMap.state.adding',
  removing: 'seatMap.state.removing',
} as const satisfies Record<SeatState, string>;

interface Drag {
  pointerId: number;
  startX: number;
  startY: number;
  lastX: number;
  lastY: number;
  moved: boolean;
}

/**
 * The seat map on a `<canvas>`: every seat drawn each frame something changes (requestAnimationFrame, at the
 * device pixel ratio), zoom with the wheel, the buttons or a two-finger pinch, pan by dragging, click to select (hit test through
 * the spatial grid). Keyboard: the map is one focusable widget (role `application`); arrow keys move a cursor
 * to the nearest seat in that direction, Enter or Space toggles it, + / − / 0 zoom; a polite live region reads the focused seat's label,
 * price and status (and reads it again when that status changes live).
 */
export function SeatMapCanvas({ model, store, version, mine, pending, onToggle }: SeatMapCanvasProps) {
  const { t, intlLocale } = useI18n();
  const instructionsId = useId();
  /** The focusable, pointer-driven surface; the canvas inside it only paints (hidden from assistive tech). */
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState<Size | null>(null);
  const [dpr, setDpr] = useState(() => (typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1));
  /** The user's pan/zoom; null = fitted to the canvas (follows resizes). */
  const [userView, setUserView] = useState<View | null>(null);
  const [hover, setHover] = useState(-1);
  const [focusIndex, setFocusIndex] = useState(-1);
  const [hasFocus, setHasFocus] = useState(false);
  const [keyboardMode, setKeyboardMode] = useState(false);
  const [dragging, setDragging] = useState(false);
  const drag = useRef<Drag | null>(null);
  /** Fingers (or pens) on the surface, for pinch zoom: two at once zoom and pan, and never click. */
  const touches = useRef(new Map<number, Point>());

  const fit = useMemo(() => (size ? fitView(model.bounds, size, model.pitch) : null), [model, size]);
  const limits = useMemo(() => (fit ? zoomLimits(fit, model.pitch) : null), [fit, model.pitch]);
  const view = userView ?? fit;
  const latest = useRef({ fit, limits, size });
  latest.current = { fit, limits, size };

  /** Updates the view from the latest one (several pointer or wheel events may arrive between renders). */
  const updateView = (change: (current: View) => View) =>
    setUserView((current) => {
      const base = current ?? latest.current.fit;
      return base ? change(base) : current;
    });

  useLayoutEffect(() => {
    const element = wrapRef.current;
    if (!element) return;
    const measure = () => {
      const rect = element.getBoundingClientRect();
      setSize((current) =>
        current && current.width === rect.width && current.height === rect.height
          ? current
          : { width: rect.width, height: rect.height },
      );
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Moving the window to a screen with another pixel ratio (or browser zoom) re-renders at the new ratio.
  useEffect(() => {
    const media = window.matchMedia(`(resolution: ${dpr}dppx)`);
    const onChange = () => setDpr(window.devicePixelRatio || 1);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, [dpr]);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const surface = wrapRef.current;
    if (!surface) return;
    const onWheel = (event: WheelEvent) => {
      const zoom = latest.current.limits;
      if (!zoom) return;
      event.preventDefault();
      const rect = surface.getBoundingClientRect();
      const delta = event.deltaY * (event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? 400 : 1);
      const factor = Math.exp(-delta * 0.0015);
      const x = event.clientX - rect.left;
      const y = event.clientY - rect.top;
      setUserView((current) => {
        const base = current ?? latest.current.fit;
        return base ? zoomAt(base, factor, x, y, zoom) : current;
      });
      setHover(-1);
    };
    surface.addEventListener('wheel', onWheel, { passive: false });
    return () => surface.removeEventListener('wheel', onWheel);
  }, []);

  /** The cursor's ring shows for keyboard users (focus by Tab, or any key), not after a mouse click. */
  const showFocus = hasFocus && focusIndex >= 0;
  const showFocusRing = showFocus && keyboardMode;

  // Draw on the next animation frame whenever anything visible changed; changes within a frame coalesce.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !size || !view) return;
    const frame = requestAnimationFrame(() => {
      const width = Math.max(1, Math.round(size.width * dpr));
      const height = Math.max(1, Math.round(size.height * dpr));
      if (canvas.width !== width) canvas.width = width;
      if (canvas.height !== height) canvas.height = height;
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      drawSeatMap(ctx, {
        model,
        // Read at draw time; `version` (a dependency) changes whenever they do.
        statuses: version >= 0 ? store.getStatuses() : null,
        mine,
        pending,
        view,
        size,
        dpr,
        palette: readPalette(canvas),
        hover,
        focus: focusIndex,
        showFocus: showFocusRing,
      });
    });
    return () => cancelAnimationFrame(frame);
  }, [model, store, version, mine, pending, view, size, dpr, hover, focusIndex, showFocusRing]);

  const local = (event: PointerEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };
  const hitTest = (x: number, y: number) => {
    if (!view) return -1;
    const world = toWorld(view, x, y);
    return seatAt(model, world.x, world.y);
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    const p = local(event);
    event.currentTarget.setPointerCapture?.(event.pointerId);
    touches.current.set(event.pointerId, p);
    if (touches.current.size > 1) {
      // A second finger: the gesture is a pinch from now until every finger has lifted.
      drag.current = null;
      setDragging(true);
      setHover(-1);
      return;
    }
    drag.current = {
      pointerId: event.pointerId,
      startX: p.x,
      startY: p.y,
      lastX: p.x,
      lastY: p.y,
      moved: false,
    };
    setKeyboardMode(false);
  };

  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const p = local(event);
    const fingers = touches.current;
    if (fingers.size > 1 && fingers.has(event.pointerId)) {
      const [a, b] = [...fingers.keys()];
      const from: [Point, Point] = [fingers.get(a!)!, fingers.get(b!)!];
      fingers.set(event.pointerId, p);
      const to: [Point, Point] = [fingers.get(a!)!, fingers.get(b!)!];
      if (limits && size) updateView((v) => clampPan(pinchStep(v, from, to, limits), model.bounds, size));
      return;
    }
    if (fingers.has(event.pointerId)) fingers.set(event.pointerId, p);
    const current = drag.current;
    if (current && current.pointerId === event.pointerId) {
      if (!current.moved && Math.hypot(p.x - current.startX, p.y - current.startY) > DRAG_THRESHOLD) {
        current.moved = true;
        setDragging(true);
        setHover(-1);
      }
      if (current.moved && size) {
        const dx = p.x - current.lastX;
        const dy = p.y - current.lastY;
        updateView((v) =>
          clampPan({ ...v, offsetX: v.offsetX + dx, offsetY: v.offsetY + dy }, model.bounds, size),
        );
      }
      current.lastX = p.x;
      current.lastY = p.y;
      return;
    }
    const index = hitTest(p.x, p.y);
    if (index !== hover) setHover(index);
  };

  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    touches.current.delete(event.pointerId);
    if (!touches.current.size && !drag.current) setDragging(false);
    const current = drag.current;
    if (!current || current.pointerId !== event.pointerId) return;
    drag.current = null;
    setDragging(false);
    if (current.moved) return;
    const p = local(event);
    const index = hitTest(p.x, p.y);
    if (index === -1) return;
    setFocusIndex(index);
    onToggle(index);
  };

  const zoomBy = (factor: number) => {
    if (!limits || !size) return;
    updateView((v) => zoomAt(v, factor, size.width / 2, size.height / 2, limits));
  };

  const moveFocus = (index: number) => {
    if (index < 0 || index >= model.count || !size) return;
    setFocusIndex(index);
    const x = model.xs[index] ?? 0;
    const y = model.ys[index] ?? 0;
    // Only leave the fitted view when the seat is actually off screen.
    if (view && panIntoView(view, x, y, size) !== view) updateView((v) => panIntoView(v, x, y, size));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const direction = ARROW_KEYS[event.key];
    let handled = true;
    if (direction) moveFocus(neighbourInDirection(model, focusIndex, direction));
    else if (event.key === 'Home') moveFocus(0);
    else if (event.key === 'End') moveFocus(model.count - 1);
    else if (event.key === 'Enter' || event.key === ' ') {
      if (focusIndex >= 0) onToggle(focusIndex);
    } else if (event.key === '+' || event.key === '=') zoomBy(BUTTON_ZOOM);
    else if (event.key === '-' || event.key === '_') zoomBy(1 / BUTTON_ZOOM);
    else if (event.key === '0') setUserView(null);
    else if (event.key === 'Escape') setHover(-1);
    else handled = false;
    if (handled) {
      event.preventDefault();
      setKeyboardMode(true);
      // The keyboard cursor's tooltip replaces the pointer's (which the view may have moved away from).
      setHover(-1);
    }
  };

  const statuses = store.getStatuses();
  const describe = (index: number) => {
    const tier = seatTier(model, index);
    const state = seatState(index, statuses, mine, pending);
    return {
      id: seatIdOf(model, index),
      label: seatLabel(model, index),
      tier: tier?.name ?? '',
      price: tier ? formatPrice(tier.price, intlLocale) : '',
      state,
      stateText: t(STATE_KEYS[state]),
    };
  };

  const focused = showFocus ? describe(focusIndex) : null;
  const tooltipIndex = hover >= 0 ? hover : showFocusRing ? focusIndex : -1;
  const tooltip = tooltipIndex >= 0 && view && size ? describe(tooltipIndex) : null;
  const tooltipAt =
    tooltip && view ? toScreen(view, model.xs[tooltipIndex] ?? 0, model.ys[tooltipIndex] ?? 0) : null;
  const zoomPercent = view && fit ? Math.round((view.scale / fit.scale) * 100) : 100;
  const cursor = dragging ? 'grabbing' : hover >= 0 ? 'pointer' : 'grab';

  return (
    <div className="seat-map">
      <div className="seat-map__toolbar">
        <fieldset className="seat-map__zoom">
          <legend className="visually-hidden">{t('seatMap.zoom')}</legend>
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={() => zoomBy(1 / BUTTON_ZOOM)}
            aria-label={t('seatMap.zoomOut')}
            disabled={!view || !limits || view.scale <= limits.min + 1e-9}
          >
            −
          </button>
          <output className="seat-map__zoom-level" aria-live="off">
            {zoomPercent}%
          </output>
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={() => zoomBy(BUTTON_ZOOM)}
            aria-label={t('seatMap.zoomIn')}
            disabled={!view || !limits || view.scale >= limits.max - 1e-9}
          >
            +
          </button>
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => setUserView(null)}
            disabled={userView === null}
          >
            {t('seatMap.zoomReset')}
          </button>
        </fieldset>
        <p id={instructionsId} className="muted small seat-map__help">
          {t('seatMap.instructions')}
        </p>
      </div>
      <div
        ref={wrapRef}
        className="seat-map__viewport"
        style={{ cursor }}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: an `application` is a focusable widget with its own keys
        tabIndex={0}
        role="application"
        aria-roledescription={t('seatMap.roleDescription')}
        aria-label={t('seatMap.label', { count: model.count })}
        aria-describedby={instructionsId}
        data-testid="seat-map-canvas"
        data-scale={view?.scale}
        data-offset-x={view?.offsetX}
        data-offset-y={view?.offsetY}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={(event) => {
          touches.current.delete(event.pointerId);
          drag.current = null;
          setDragging(false);
        }}
        onPointerLeave={() => setHover(-1)}
        onKeyDown={onKeyDown}
        onFocus={(event) => {
          if (event.target !== event.currentTarget) return;
          setHasFocus(true);
          setKeyboardMode(event.currentTarget.matches(':focus-visible'));
          if (focusIndex < 0 && model.count > 0) setFocusIndex(0);
        }}
        onBlur={() => setHasFocus(false)}
      >
        <canvas ref={canvasRef} className="seat-map__canvas" />
        {tooltip && tooltipAt && size ? (
          <div
            className={`seat-map__tooltip seat-map__tooltip--${tooltip.state}`}
            aria-hidden="true"
            style={{
              left: Math.min(Math.max(tooltipAt.x, 90), size.width - 90),
              top: tooltipAt.y,
            }}
            data-below={tooltipAt.y < 80 ? 'true' : undefined}
          >
            <strong>{tooltip.label}</strong>
            <span>
              {tooltip.tier} · {tooltip.price}
            </span>
            <span>{tooltip.stateText}</span>
          </div>
        ) : null}
      </div>
      {/* What the keyboard cursor is on, for screen readers (and tests): re-read when it changes live. */}
      <p
        className="visually-hidden"
        aria-live="polite"
        aria-atomic="true"
        data-testid="seat-map-focus"
        data-seat-id={focused?.id}
        data-seat-state={focused?.state}
      >
        {focused
          ? t('seatMap.focusAnnouncement', {
              label: focused.label,
              tier: focused.tier,
              price: focused.price,
              state: focused.stateText,
            })
          : ''}
      </p>
    </div>
  );
}
