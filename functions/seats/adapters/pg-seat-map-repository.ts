import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { compactUuid } from '../../../shared/booking';
import { sharedStatuses } from '../../shared/inventory/seat-statuses';
import type { SeatMapLayout, SeatMapRepository } from '../ports';

/**
 * The seat map from PostgreSQL. Seats are read in storage order — the order of the seats' unique key
 * (event_id, section_id, row_label, seat_number), which its index yields without a sort — and the layout keeps
 * the permutation to map order (section sort, row, number). Statuses are kept per event in-process and
 * brought up to date by reading only the seats whose status changed since the last read (incrementalStatuses).
 */

/** Legend colours by tier order (most expensive first): fixed, so a tier keeps its colour across requests. */
export const TIER_PALETTE = [
  '#c9a227',
  '#d1495b',
  '#2e86ab',
  '#66a182',
  '#8e6c8a',
  '#edae49',
  '#00798c',
  '#a4508b',
] as const;

// The same order as tiketi_seat_statuses' full read: the layout and the statuses line up by position.
const STORAGE_ORDER = 's.section_id, s.row_label, s.seat_number';

export function pgSeatMapRepository(pool: Pool): SeatMapRepository {
  return {
    async layout(eventId) {
      const event = await pool.query('SELECT 1 FROM events WHERE id = $1 AND status <> $2', [
        eventId,
        'draft',
      ]);
      if (!event.rowCount) return null;
      const [tiers, sections, seats] = await Promise.all([
        pool.query<{ tier: string; price: number }>(
          'SELECT tier, price FROM price_tiers WHERE event_id = $1 ORDER BY price DESC, tier',
          [eventId],
        ),
        pool.query<{ id: string; name: string }>(
          'SELECT id, name FROM seat_sections WHERE event_id = $1 ORDER BY sort, name, id',
          [eventId],
        ),
        pool.query<{
          id: string;
          section_id: string;
          row_label: string;
          seat_number: number;
          x: number;
          y: number;
          tier: string;
        }>(
          `SELECT s.id, s.section_id, s.row_label, s.seat_number, s.x, s.y, s.tier
           FROM seats s WHERE s.event_id = $1 ORDER BY ${STORAGE_ORDER}`,
          [eventId],
        ),
      ]);
      const sectionIndex = new Map(sections.rows.map((s, i) => [s.id, i]));
      const tierIndex = new Map(tiers.rows.map((t, i) => [t.tier, i]));
      const storage = seats.rows;
      // Stable sort by section rank keeps storage order (row, number) within a section.
      const order = storage.map((_, i) => i);
      order.sort(
        (a, b) =>
          (sectionIndex.get(storage[a]!.section_id) ?? 0) - (sectionIndex.get(storage[b]!.section_id) ?? 0),
      );
      const identity = order.every((v, i) => v === i);

      const n = storage.length;
      const ids: string[] = new Array(n);
      const section: number[] = new Array(n);
      const row: string[] = new Array(n);
      const number: number[] = new Array(n);
      const x: number[] = new Array(n);
      const y: number[] = new Array(n);
      const tier: number[] = new Array(n);
      let width = 0;
      let height = 0;
      for (let i = 0; i < n; i++) {
        const s = storage[order[i]!]!;
        ids[i] = compactUuid(s.id);
        section[i] = sectionIndex.get(s.section_id) ?? 0;
        row[i] = s.row_label;
        number[i] = s.seat_number;
        x[i] = Math.round(s.x);
        y[i] = Math.round(s.y);
        tier[i] = tierIndex.get(s.tier) ?? 0;
        if (x[i]! > width) width = x[i]!;
        if (y[i]! > height) height = y[i]!;
      }
      const map: SeatMapLayout['map'] = {
        eventId,
        width,
        height,
        tiers: tiers.rows.map((t, i) => ({
          name: t.tier,
          price: t.price,
          color: TIER_PALETTE[i % TIER_PALETTE.length]!,
        })),
        sections: sections.rows.map((s) => ({ id: s.id, name: s.name })),
        seats: { count: n, ids: ids.join(''), section, row, number, x, y, tier },
      };
      const version = createHash('sha1').update(JSON.stringify(map)).digest('base64url').slice(0, 12);
      return { eventId, version, map, storageIndex: identity ? null : Uint32Array.from(order) };
    },

    statuses: sharedStatuses(pool),
  };
}
