import {
  compactUuid,
  expandUuid,
  SEAT_ID_CHARS,
  SEAT_STATUS_CODES,
  type SeatMap,
  type SeatStatus,
} from '../../../lib/contract';
import { buildGrid, nearestSeat, type SpatialGrid } from './spatial-grid';

/**
 * The seat map decoded once into typed arrays (coordinates, tier, status codes) plus a spatial grid, so the
 * canvas can draw and hit-test 20,000 seats without allocating per frame. Ids stay in their compact
 * base64url form (one string slice per seat) and are expanded only for the seats a request names.
 */

/** Numeric seat statuses (index into SEAT_STATUS_ORDER). */
export const SEAT_STATUS_ORDER = [
  'available',
  'held',
  'reserved',
  'sold',
  'blocked',
] as const satisfies readonly SeatStatus[];
export const AVAILABLE = 0;
export const HELD = 1;

const CODE_TO_STATUS = new Map<string, number>(
  SEAT_STATUS_ORDER.map((status, index) => [SEAT_STATUS_CODES[status], index]),
);

export function statusIndex(status: SeatStatus): number {
  return SEAT_STATUS_ORDER.indexOf(status);
}

export function statusName(index: number): SeatStatus {
  return SEAT_STATUS_ORDER[index] ?? 'blocked';
}

/** One SEAT_STATUS_CODES character per seat → status indices (unknown codes read as blocked). */
export function decodeStatusCodes(codes: string, count: number): Uint8Array {
  const statuses = new Uint8Array(count);
  const blocked = statusIndex('blocked');
  for (let i = 0; i < count; i++) statuses[i] = CODE_TO_STATUS.get(codes[i] ?? '') ?? blocked;
  return statuses;
}

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface SeatModel {
  readonly eventId: string;
  readonly count: number;
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly tier: Uint16Array;
  readonly section: Uint16Array;
  /** The snapshot's statuses (SEAT_STATUS_ORDER indices); live changes are kept elsewhere. */
  readonly status: Uint8Array;
  readonly rows: readonly string[];
  readonly numbers: readonly number[];
  readonly tiers: SeatMap['tiers'];
  readonly sections: SeatMap['sections'];
  /** Per section: the bounding box of its seats (for labels), null for an empty section. */
  readonly sectionBounds: readonly (Bounds | null)[];
  readonly bounds: Bounds;
  /** The typical distance between neighbouring seats (world units): seat size and hit radius derive from it. */
  readonly pitch: number;
  readonly grid: SpatialGrid;
  readonly readAt: string;
  readonly compactIds: string;
  readonly indexByCompactId: ReadonlyMap<string, number>;
}

/** Median nearest-neighbour distance over a sample of seats; 1 for maps with fewer than two seats. */
function estimatePitch(xs: Float64Array, ys: Float64Array, count: number, bounds: Bounds): number {
  if (count < 2) return 1;
  const area = Math.max(1, (bounds.maxX - bounds.minX) * (bounds.maxY - bounds.minY));
  const guess = Math.max(Math.sqrt(area / count), 1e-6);
  const grid = buildGrid({ xs, ys, count }, guess);
  const step = Math.max(1, Math.floor(count / 400));
  const distances: number[] = [];
  for (let i = 0; i < count; i += step) {
    let radius = guess;
    let found = -1;
    // Widen the search until a neighbour turns up (sparse maps, isolated seats).
    for (let tries = 0; tries < 12 && found === -1; tries++, radius *= 2) {
      found = nearestSeat(grid, { xs, ys, count }, xs[i] ?? 0, ys[i] ?? 0, radius, i);
    }
    if (found === -1) continue;
    const d = Math.hypot((xs[found] ?? 0) - (xs[i] ?? 0), (ys[found] ?? 0) - (ys[i] ?? 0));
    if (d > 0) distances.push(d);
  }
  if (distances.length === 0) return guess;
  distances.sort((a, b) => a - b);
  return distances[Math.floor(distances.length / 2)] ?? guess;
}

export class SeatMapDecodeError extends Error {
  override readonly name = 'SeatMapDecodeError';
}

export function decodeSeatMap(map: SeatMap): SeatModel {
  const { seats } = map;
  const count = seats.count;
  const columns = [seats.section, seats.row, seats.number, seats.x, seats.y, seats.tier];
  if (
    columns.some((column) => column.length !== count) ||
    seats.status.length !== count ||
    seats.ids.length !== count * SEAT_ID_CHARS
  ) {
    throw new SeatMapDecodeError('Seat map columns do not have one entry per seat');
  }
  const xs = Float64Array.from(seats.x);
  const ys = Float64Array.from(seats.y);
  const tier = Uint16Array.from(seats.tier);
  const section = Uint16Array.from(seats.section);
  const status = decodeStatusCodes(seats.status, count);
  const bounds: Bounds = count
    ? { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity }
    : { minX: 0, minY: 0, maxX: map.width, maxY: map.height };
  const sectionBounds: (Bounds | null)[] = map.sections.map(() => null);
  const indexByCompactId = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const x = xs[i] ?? 0;
    const y = ys[i] ?? 0;
    if (x < bounds.minX) bounds.minX = x;
    if (x > bounds.maxX) bounds.maxX = x;
    if (y < bounds.minY) bounds.minY = y;
    if (y > bounds.maxY) bounds.maxY = y;
    const s = section[i] ?? 0;
    const sb = sectionBounds[s];
    if (sb) {
      sb.minX = Math.min(sb.minX, x);
      sb.maxX = Math.max(sb.maxX, x);
      sb.minY = Math.min(sb.minY, y);
      sb.maxY = Math.max(sb.maxY, y);
    } else if (s < sectionBounds.length) {
      sectionBounds[s] = { minX: x, maxX: x, minY: y, maxY: y };
    }
    indexByCompactId.set(seats.ids.slice(i * SEAT_ID_CHARS, (i + 1) * SEAT_ID_CHARS), i);
  }
  const pitch = estimatePitch(xs, ys, count, bounds);
  return {
    eventId: map.eventId,
    count,
    xs,
    ys,
    tier,
    section,
    status,
    rows: seats.row,
    numbers: seats.number,
    tiers: map.tiers,
    sections: map.sections,
    sectionBounds,
    bounds,
    pitch,
    grid: buildGrid({ xs, ys, count }, pitch * 2),
    readAt: map.readAt,
    compactIds: seats.ids,
    indexByCompactId,
  };
}

/** Seat i's UUID. */
export function seatIdOf(model: SeatModel, index: number): string {
  return expandUuid(model.compactIds.slice(index * SEAT_ID_CHARS, (index + 1) * SEAT_ID_CHARS));
}

/** The index of a seat by UUID, or -1 when this map has no such seat. */
export function seatIndexOf(model: SeatModel, seatId: string): number {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(seatId)) return -1;
  return model.indexByCompactId.get(compactUuid(seatId.toLowerCase())) ?? -1;
}

/** `A R001-1`: section name, row and number (the contract's label). */
export function seatLabel(model: SeatModel, index: number): string {
  const section = model.sections[model.section[index] ?? 0]?.name ?? '';
  const label = `${model.rows[index] ?? ''}-${model.numbers[index] ?? ''}`;
  return section ? `${section} ${label}` : label;
}

export function seatTier(model: SeatModel, index: number): SeatMap['tiers'][number] | undefined {
  return model.tiers[model.tier[index] ?? 0];
}

/** Hit test: the seat under world point (x, y), or -1. Seats are drawn ~0.8 pitch wide; this is generous. */
export function seatAt(model: SeatModel, x: number, y: number): number {
  return nearestSeat(model.grid, model, x, y, model.pitch * 0.6);
}
