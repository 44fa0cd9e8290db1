import { afterAll, describe, expect, inject, it } from 'vitest';
import { incrementalStatuses } from '../../functions/shared/inventory/seat-statuses';
import { createDb } from '../support/db';
import { createSeatedEvent, retireEvents } from '../support/fixtures';

/**
 * The seat map's incremental status reads against real PostgreSQL: after the first read each one takes only the
 * seats changed since, yet never misses a change — including one made by a transaction that was still running
 * during the previous read and committed after it.
 */
const stack = inject('stack');
const db = createDb(stack.databaseUrl);
const created: string[] = [];
afterAll(async () => {
  await retireEvents(db, created);
  await db.end();
});

async function event(seats = 20) {
  const e = await createSeatedEvent(db, { seats, perRow: 10 });
  created.push(e.eventId);
  return e;
}

/** The truth: every seat's code, read in full, in storage order. */
async function truth(eventId: string): Promise<string> {
  const { rows } = await db.query<{ codes: string }>(
    `SELECT string_agg(CASE status WHEN 'available' THEN 'a' WHEN 'held' THEN 'h' WHEN 'reserved' THEN 'r'
                                   WHEN 'sold' THEN 's' WHEN 'blocked' THEN 'b' END, ''
                       ORDER BY section_id, row_label, seat_number) AS codes
       FROM seats WHERE event_id = $1`,
    [eventId],
  );
  return rows[0]!.codes;
}

const block = (client: { query: typeof db.query }, seatId: string) =>
  client.query(`UPDATE seats SET status = 'blocked' WHERE id = $1`, [seatId]);

describe('incremental seat statuses', () => {
  it('reads every seat first, then follows changes', async () => {
    // Prepare
    const { eventId, seatIds } = await event();
    const statuses = incrementalStatuses(db);
    // Act + Assess
    expect(await statuses(eventId)).toBe('a'.repeat(20));
    await block(db, seatIds[3]!);
    await block(db, seatIds[17]!);
    const after = await statuses(eventId);
    expect(after).toBe(await truth(eventId));
    expect(after!.split('b')).toHaveLength(3);
    await db.query(`UPDATE seats SET status = 'available' WHERE id = $1`, [seatIds[3]]);
    expect(await statuses(eventId)).toBe(await truth(eventId));
  });

  it('never misses a change committed after the read that ran while it was in flight', async () => {
    // Prepare: A changes seat 0 and stays open; B changes seat 1 (a later transaction id) and commits.
    const { eventId, seatIds } = await event();
    const statuses = incrementalStatuses(db);
    await statuses(eventId);
    const a = await db.connect();
    try {
      await a.query('BEGIN');
      await block(a, seatIds[0]!);
      await block(db, seatIds[1]!);
      const duringA = await statuses(eventId);
      const xids = await db.query<{ id: string; status_xid: string }>(
        'SELECT id, status_xid::text FROM seats WHERE id = ANY($1::uuid[])',
        [[seatIds[0], seatIds[1]]],
      );
      await a.query('COMMIT');

      // Act
      const afterA = await statuses(eventId);

      // Assess: the read during A saw B but not A; the next one sees A.
      const t = await truth(eventId);
      expect(duringA).not.toBe(t);
      expect(afterA).toBe(t);
      // A "highest id seen" watermark would have missed A: its id is below B's, which that read already saw.
      const xidOf = (id: string) => BigInt(xids.rows.find((r) => r.id === id)!.status_xid);
      expect(xidOf(seatIds[0]!)).toBeLessThan(xidOf(seatIds[1]!));
      const naive = await db.query('SELECT 1 FROM seats WHERE event_id = $1 AND status_xid > $2::xid8', [
        eventId,
        String(xidOf(seatIds[1]!)),
      ]);
      expect(naive.rowCount).toBe(0);
    } finally {
      a.release();
    }
  });

  it('matches the full read under concurrent writers', async () => {
    // Prepare
    const { eventId, seatIds } = await event(200);
    const statuses = incrementalStatuses(db);
    await statuses(eventId);
    const flips = Array.from({ length: 120 }, (_, i) => seatIds[(i * 37) % seatIds.length]!);
    // Act: writers flip seats while reads run.
    let reads = 0;
    const writer = (async () => {
      for (const id of flips) {
        await db.query(
          `UPDATE seats SET status = CASE status WHEN 'blocked' THEN 'available' ELSE 'blocked' END WHERE id = $1`,
          [id],
        );
      }
    })();
    let writing = true;
    writer.finally(() => {
      writing = false;
    });
    while (writing) {
      await statuses(eventId);
      reads++;
    }
    await writer;
    // Assess
    expect(reads).toBeGreaterThan(1);
    expect(await statuses(eventId)).toBe(await truth(eventId));
  });

  it('re-reads in full when a seat is added, and answers null for a draft or missing event', async () => {
    // Prepare
    const { eventId } = await event();
    const statuses = incrementalStatuses(db);
    await statuses(eventId);
    // Act
    await db.query(
      `INSERT INTO seats (event_id, section_id, row_label, seat_number, label, x, y, tier)
       SELECT event_id, section_id, 'R999', 1, 'A R999-1', 0, 990, tier FROM seats WHERE event_id = $1 LIMIT 1`,
      [eventId],
    );
    // Assess
    const grown = await statuses(eventId);
    expect(grown).toHaveLength(21);
    expect(grown).toBe(await truth(eventId));
    await db.query(`UPDATE events SET status = 'draft' WHERE id = $1`, [eventId]);
    expect(await statuses(eventId)).toBeNull();
    expect(await statuses('00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});
