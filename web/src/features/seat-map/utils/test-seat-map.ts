import { compactUuid, type SeatMap } from '../../../lib/contract';

/** Test helper (not bundled: only tests import it): a seat map of `rows` × `perRow` seats, like the fixtures. */

export const TEST_EVENT_ID = '0b8f2c9e-4a51-4f6e-9d3b-2f7f1d1a0a01';

/** A deterministic, valid UUID v4 for seat i. */
export function testSeatId(i: number): string {
  const hex = (i + 1).toString(16).padStart(12, '0');
  return `5eaf0000-0000-4000-8000-${hex}`;
}

export function testSeatMap(options: { rows?: number; perRow?: number; spacing?: number } = {}): SeatMap {
  const rows = options.rows ?? 3;
  const perRow = options.perRow ?? 10;
  const spacing = options.spacing ?? 10;
  const count = rows * perRow;
  const seats: SeatMap['seats'] = {
    count,
    ids: '',
    section: [],
    row: [],
    number: [],
    x: [],
    y: [],
    tier: [],
    status: '',
  };
  let ids = '';
  let status = '';
  for (let i = 0; i < count; i++) {
    const r = Math.floor(i / perRow);
    const n = i % perRow;
    ids += compactUuid(testSeatId(i));
    seats.section.push(0);
    seats.row.push(`R${String(r + 1).padStart(3, '0')}`);
    seats.number.push(n + 1);
    seats.x.push(n * spacing);
    seats.y.push(r * spacing);
    seats.tier.push(r === 0 ? 0 : r === 1 ? 1 : 2);
    status += 'a';
  }
  return {
    eventId: TEST_EVENT_ID,
    width: (perRow - 1) * spacing,
    height: (rows - 1) * spacing,
    tiers: [
      { name: 'VIP', price: 150_000, color: '#7c3aed' },
      { name: 'R', price: 110_000, color: '#2563eb' },
      { name: 'S', price: 80_000, color: '#059669' },
    ],
    sections: [{ id: '6c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f', name: 'A' }],
    seats: { ...seats, ids, status },
    readAt: '2026-03-01T10:00:00.000Z',
  };
}
