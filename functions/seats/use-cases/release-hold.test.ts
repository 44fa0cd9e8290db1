import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SeatChange } from '../../../shared/ws';
import type { ReleaseRepository, ReleaseResult } from '../ports';
import { type ReleaseDeps, releaseHold, toWorkflowOutput } from './release-hold';
import { sweepExpired } from './sweep-expired';

/** The timer's step and the backstop sweep with in-memory ports. No network. */

const EVENT = randomUUID();
const USER = randomUUID();

function fakes(
  results: Record<string, ReleaseResult>,
  overdue: { holdId: string; eventId: string }[][] = [],
) {
  const released: string[][] = [];
  const published: SeatChange[][] = [];
  const ticketUpdates: string[] = [];
  const asked: { holdId: string; skipLocked?: boolean }[] = [];
  const releases: ReleaseRepository = {
    async release(input) {
      asked.push({ holdId: input.holdId, skipLocked: input.skipLocked });
      const r = results[input.holdId];
      if (!r) throw new Error('boom');
      return r;
    },
    overdue: async () => overdue.shift() ?? [],
  };
  const deps: ReleaseDeps = {
    releases,
    guard: {
      claim: async () => ({ taken: [], claimed: [] }),
      release: async (_e, ids) => {
        released.push([...ids]);
      },
    },
    events: {
      seatsChanged: async (_e, changes) => {
        published.push(changes);
      },
      ticketTypesChanged: async (e) => {
        ticketUpdates.push(e);
      },
    },
    logger: { warn: () => {}, error: () => {} } as never,
  };
  return { deps, released, published, ticketUpdates, asked };
}

const expired = (seatIds: string[], ticketTypes = false): ReleaseResult => ({
  done: true,
  action: seatIds.length ? 'hold-expired' : 'reservation-expired',
  eventId: EVENT,
  userId: USER,
  seatIds,
  ticketTypes,
});

describe('releaseHold', () => {
  it('gives back the guard keys and broadcasts what it released', async () => {
    const hold = randomUUID();
    const s = randomUUID();
    const f = fakes({ [hold]: expired([s]) });
    const out = toWorkflowOutput(await releaseHold(f.deps, { holdId: hold, eventId: EVENT }));
    expect(out).toEqual({ done: true, action: 'hold-expired', seatIds: [s] });
    expect(f.released).toEqual([[s]]);
    expect(f.published).toEqual([[{ id: s, status: 'available' }]]);
    expect(f.ticketUpdates).toEqual([]);
  });

  it('publishes availability when general-admission tickets came back', async () => {
    const hold = randomUUID();
    const f = fakes({ [hold]: expired([], true) });
    await releaseHold(f.deps, { holdId: hold, eventId: EVENT });
    expect(f.ticketUpdates).toEqual([EVENT]);
  });

  it('does nothing visible when nothing was due, and tells the workflow when to look again', async () => {
    const hold = randomUUID();
    const nextAt = new Date('2026-11-21T10:05:00.000Z');
    const f = fakes({ [hold]: { done: false, nextAt, eventId: EVENT } });
    const out = toWorkflowOutput(await releaseHold(f.deps, { holdId: hold, eventId: EVENT }));
    expect(out).toEqual({ done: false, nextAt: '2026-11-21T10:05:00.000Z' });
    expect(f.published).toEqual([]);
    expect(f.released).toEqual([]);
  });
});

describe('sweepExpired', () => {
  it('releases overdue holds with SKIP LOCKED, counts, and survives one failing hold', async () => {
    const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const f = fakes(
      {
        [a]: expired([randomUUID()]),
        [b]: { done: false, skipped: true, eventId: EVENT },
        [d]: { done: true, action: 'none', eventId: EVENT, userId: null, seatIds: [], ticketTypes: false },
      },
      [[a, b, c, d].map((holdId) => ({ holdId, eventId: EVENT }))],
    );
    const totals = await sweepExpired(f.deps, { batch: 200 });
    expect(totals).toEqual({ checked: 4, released: 1, skipped: 1 });
    expect(f.asked.every((x) => x.skipLocked)).toBe(true);
  });

  it('goes on with full batches and stops when a batch makes no progress', async () => {
    const locked = { holdId: randomUUID(), eventId: EVENT };
    const f = fakes({ [locked.holdId]: { done: false, skipped: true, eventId: EVENT } }, [
      [locked, locked],
      [locked, locked],
      [locked, locked],
    ]);
    const totals = await sweepExpired(f.deps, { batch: 2 });
    expect(totals.checked).toBe(2); // first batch: nothing released → stop, no spinning
  });
});
