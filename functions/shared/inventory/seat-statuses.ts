import type { Pool } from 'pg';
import { SEAT_STATUS_CODES } from '../../../shared/booking';

/**
 * The incremental seat-status reader (one per pool): the seat map, the availability counts of every publisher
 * and the waiting room's stock probe read statuses through it, re-reading only what changed since the last
 * snapshot (docs/decisions.md, "Seat statuses are read incrementally").
 */

const perPool = new WeakMap<object, (eventId: string) => Promise<string | null>>();

/** One incremental status reader per pool, shared by the seat map and the availability counts. */
export function sharedStatuses(pool: Pick<Pool, 'query'>): (eventId: string) => Promise<string | null> {
  let reader = perPool.get(pool);
  if (!reader) {
    reader = incrementalStatuses(pool);
    perPool.set(pool, reader);
  }
  return reader;
}

/** Status reads per event kept in-process; a full re-read at least this often also catches removed seats. */
const FULL_READ_EVERY_MS = 60_000;
const MAX_EVENTS = 20;
const UUID_LENGTH = 36;
const CODE_OF = new Map(
  Object.entries(SEAT_STATUS_CODES).map(([status, code]) => [status, code.charCodeAt(0)]),
);

/** `<uuid><status>,` per seat → [id, status code]. An unknown status is a schema change this code predates. */
function parseSeats(text: string): [string, number][] {
  const out: [string, number][] = [];
  for (let at = 0; at < text.length; ) {
    const end = text.indexOf(',', at);
    const status = text.slice(at + UUID_LENGTH, end);
    const code = CODE_OF.get(status);
    if (code === undefined) throw new Error(`unknown seat status "${status}"`);
    out.push([text.slice(at, at + UUID_LENGTH), code]);
    at = end + 1;
  }
  return out;
}

interface EventStatuses {
  /** Storage position of each seat id. */
  position: Map<string, number>;
  codes: Buffer;
  text: string;
  /** xmin of the snapshot of the last read: every change it could not see was made by a transaction >= it. */
  xmin: string;
  fullAt: number;
}

/**
 * The status codes of an event's seats in storage order, from one read that started after the call. The
 * first read (and one a minute) takes every seat; the others take only the seats whose status a transaction
 * with id >= the previous snapshot's xmin changed (`seats.status_xid`, stamped by a trigger). A transaction
 * that was still running at the previous read has such an id, so a change that committed late is never missed
 * — which a "highest id seen" watermark would miss. A read costs O(changes), not O(seats).
 * Reads of one event are serialised, so states apply in order.
 */
export function incrementalStatuses(
  pool: Pick<Pool, 'query'>,
  now: () => number = Date.now,
): (eventId: string) => Promise<string | null> {
  const states = new Map<string, EventStatuses>();
  const tails = new Map<string, Promise<unknown>>();

  /** One call of tiketi_seat_statuses (migration 1732000000900): all seats when `since` is null. */
  const readSeats = async (eventId: string, since: string | null) => {
    const { rows } = await pool.query<{ xmin: string | null; seats: string | null }>(
      'SELECT xmin, seats FROM tiketi_seat_statuses($1, $2::xid8)',
      [eventId, since],
    );
    const row = rows[0];
    return row?.xmin ? { xmin: row.xmin, seats: parseSeats(row.seats ?? '') } : null;
  };

  const full = async (eventId: string): Promise<EventStatuses | null> => {
    const got = await readSeats(eventId, null);
    if (!got) return null;
    const n = got.seats.length;
    const position = new Map<string, number>();
    const codes = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      const [id, code] = got.seats[i]!;
      position.set(id, i);
      codes[i] = code;
    }
    return { position, codes, text: codes.toString('latin1'), xmin: got.xmin, fullAt: now() };
  };

  const delta = async (eventId: string, state: EventStatuses): Promise<EventStatuses | null> => {
    const got = await readSeats(eventId, state.xmin);
    if (!got) return null;
    let changed = false;
    for (const [id, code] of got.seats) {
      const i = state.position.get(id);
      if (i === undefined) return full(eventId); // a seat added since the last full read
      if (state.codes[i] !== code) {
        state.codes[i] = code;
        changed = true;
      }
    }
    if (changed) state.text = state.codes.toString('latin1');
    state.xmin = got.xmin;
    return state;
  };

  const read = async (eventId: string): Promise<string | null> => {
    const known = states.get(eventId);
    // A failed read may have applied part of a delta: forget the event, the next read is a full one.
    states.delete(eventId);
    const next =
      known && now() - known.fullAt < FULL_READ_EVERY_MS ? await delta(eventId, known) : await full(eventId);
    if (!next) return null;
    while (states.size >= MAX_EVENTS) states.delete(states.keys().next().value as string);
    states.set(eventId, next);
    return next.text;
  };

  return (eventId) => {
    const run = (tails.get(eventId) ?? Promise.resolve()).then(
      () => read(eventId),
      () => read(eventId),
    );
    tails.set(eventId, run);
    const clear = () => {
      if (tails.get(eventId) === run) tails.delete(eventId);
    };
    run.then(clear, clear);
    return run;
  };
}
