import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SeatMap, SeatStatusView } from '../../../shared/booking';
import type { SeatMapLayout, SeatMapRepository } from '../ports';
import { createSeatMapReader, matches } from './get-seat-map';

/** The seat map reader: cached layouts (TTL, bound), live statuses, map order, ETags. No network. */

function layoutOf(eventId: string, count: number, storageIndex: number[] | null = null): SeatMapLayout {
  return {
    eventId,
    version: `v${count}`,
    storageIndex: storageIndex ? Uint32Array.from(storageIndex) : null,
    map: {
      eventId,
      width: 10,
      height: 10,
      tiers: [],
      sections: [],
      seats: {
        count,
        ids: '',
        section: Array(count).fill(0),
        row: Array(count).fill('A'),
        number: Array.from({ length: count }, (_, i) => i + 1),
        x: Array(count).fill(0),
        y: Array(count).fill(0),
        tier: Array(count).fill(0),
      },
    },
  };
}

function fakeRepo(initial: Record<string, { layout: SeatMapLayout | null; status: string | null }>) {
  const state = { ...initial };
  const calls = { layout: 0, statuses: 0 };
  const repo: SeatMapRepository = {
    async layout(id) {
      calls.layout++;
      return state[id]?.layout ?? null;
    },
    async statuses(id) {
      calls.statuses++;
      return state[id]?.status ?? null;
    },
  };
  return { repo, state, calls };
}

describe('seat map reader', () => {
  it('caches the layout for its TTL but reads statuses every time', async () => {
    const id = randomUUID();
    const f = fakeRepo({ [id]: { layout: layoutOf(id, 3), status: 'aaa' } });
    let now = 1_000_000;
    const reader = createSeatMapReader({ repo: f.repo, now: () => now, ttlMs: 60_000 });
    const first = await reader.read(id);
    f.state[id]!.status = 'aha';
    const second = await reader.read(id);
    expect(f.calls).toEqual({ layout: 1, statuses: 2 });
    expect(!second.notModified && (second.map as SeatMap).seats.status).toBe('aha');
    expect(second.etag).not.toBe(first.etag);
    now += 60_001;
    await reader.read(id);
    expect(f.calls.layout).toBe(2);
  });

  it('answers 304 when If-None-Match matches, including weak and listed tags', async () => {
    const id = randomUUID();
    const reader = createSeatMapReader({
      repo: fakeRepo({ [id]: { layout: layoutOf(id, 2), status: 'ab' } }).repo,
    });
    const { etag } = await reader.read(id);
    expect((await reader.read(id, { ifNoneMatch: etag })).notModified).toBe(true);
    expect((await reader.read(id, { ifNoneMatch: `"x", W/${etag}` })).notModified).toBe(true);
    expect((await reader.read(id, { ifNoneMatch: '"other"' })).notModified).toBe(false);
    // The status view has its own tag: a full-map tag never validates it.
    expect((await reader.read(id, { view: 'status', ifNoneMatch: etag })).notModified).toBe(false);
  });

  it('puts statuses read in storage order into map order', async () => {
    const id = randomUUID();
    // Map seat 0 is stored at position 2, seat 1 at 0, seat 2 at 1.
    const reader = createSeatMapReader({
      repo: fakeRepo({ [id]: { layout: layoutOf(id, 3, [2, 0, 1]), status: 'ahs' } }).repo,
    });
    const full = await reader.read(id);
    expect(!full.notModified && (full.map as SeatMap).seats.status).toBe('sah');
    const view = await reader.read(id, { view: 'status' });
    expect(!view.notModified && view.map).toMatchObject({
      eventId: id,
      count: 3,
      status: 'sah',
    } satisfies Partial<SeatStatusView>);
  });

  it('rebuilds the layout when the number of seats changed, and 404s unknown events', async () => {
    const id = randomUUID();
    const f = fakeRepo({ [id]: { layout: layoutOf(id, 2), status: 'aa' } });
    const reader = createSeatMapReader({ repo: f.repo });
    await reader.read(id);
    f.state[id] = { layout: layoutOf(id, 3), status: 'aaa' };
    const after = await reader.read(id);
    expect(!after.notModified && (after.map as SeatMap).seats.count).toBe(3);
    await expect(reader.read(randomUUID())).rejects.toMatchObject({ code: 'EVENT_NOT_FOUND' });
  });

  it('keeps at most maxEvents layouts', async () => {
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const f = fakeRepo(Object.fromEntries(ids.map((id) => [id, { layout: layoutOf(id, 1), status: 'a' }])));
    const reader = createSeatMapReader({ repo: f.repo, maxEvents: 3 });
    for (const id of ids) await reader.read(id);
    expect(reader.cachedEvents).toBe(3);
    await reader.read(ids[4]!); // still cached
    expect(f.calls.layout).toBe(5);
    await reader.read(ids[0]!); // evicted earlier
    expect(f.calls.layout).toBe(6);
  });

  it('matches If-None-Match per RFC 9110', () => {
    expect(matches('*', '"a"')).toBe(true);
    expect(matches('W/"a"', '"a"')).toBe(true);
    expect(matches('"b", "a"', '"a"')).toBe(true);
    expect(matches('"b"', '"a"')).toBe(false);
  });
});
