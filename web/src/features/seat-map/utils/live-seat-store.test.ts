import { describe, expect, it, vi } from 'vitest';
import type { SeatChangesData } from '../../../lib/contract';
import { applySeatChanges, availableByTier, LiveSeatStore } from './live-seat-store';
import { decodeSeatMap, statusName } from './seat-map-model';
import { TEST_EVENT_ID, testSeatId, testSeatMap } from './test-seat-map';

const OTHER_EVENT = '5d2c6a1f-7e34-4b8a-8c9d-1e2f3a4b5c6d';
const USER = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

const locked = (seats: number[], status: 'held' | 'sold' = 'held', eventId = TEST_EVENT_ID) => ({
  type: 'seat-locked' as const,
  data: {
    eventId,
    seats: seats.map((i) => ({ id: testSeatId(i), status, userId: USER })),
  } as SeatChangesData,
});
const released = (seats: number[]) => ({
  type: 'seat-released' as const,
  data: {
    eventId: TEST_EVENT_ID,
    seats: seats.map((i) => ({ id: testSeatId(i), status: 'available' as const })),
  },
});

const statusOf = (store: LiveSeatStore, i: number) => statusName(store.getStatuses()?.[i] ?? -1);

describe('applySeatChanges', () => {
  it('applies locks and releases in order and reports what changed', () => {
    const model = decodeSeatMap(testSeatMap());
    const statuses = model.status.slice();
    const changed = applySeatChanges(model, statuses, [locked([1, 2]), released([1]), locked([3], 'sold')]);
    expect(changed).toEqual([1, 2, 1, 3]);
    expect([1, 2, 3].map((i) => statusName(statuses[i] ?? -1))).toEqual(['available', 'held', 'sold']);
  });

  it('ignores other events and unknown seats, and repeats harmlessly', () => {
    const model = decodeSeatMap(testSeatMap());
    const statuses = model.status.slice();
    expect(applySeatChanges(model, statuses, [locked([1], 'held', OTHER_EVENT), locked([500])])).toEqual([]);
    applySeatChanges(model, statuses, [locked([4])]);
    expect(applySeatChanges(model, statuses, [locked([4])])).toEqual([]);
  });

  it('counts available seats per tier', () => {
    const model = decodeSeatMap(testSeatMap());
    const statuses = model.status.slice();
    applySeatChanges(model, statuses, [locked([0, 1, 25])]);
    expect(availableByTier(model, statuses)).toEqual([8, 10, 9]);
  });
});

describe('LiveSeatStore', () => {
  it('buffers messages while the map loads, then applies them in order over the snapshot', () => {
    const store = new LiveSeatStore();
    store.beginLoad();
    expect(store.apply(locked([1]))).toEqual([]);
    store.apply(locked([2]));
    store.apply(released([1]));
    store.apply(locked([5], 'sold'));
    expect(store.getStatuses()).toBeNull();

    const map = testSeatMap();
    map.seats.status = `a${'h'.repeat(1)}${'a'.repeat(28)}`; // the snapshot already shows seat 1 held
    store.setSnapshot(decodeSeatMap(map));
    expect([1, 2, 5, 6].map((i) => statusOf(store, i))).toEqual(['available', 'held', 'sold', 'available']);
    expect(store.isLoading()).toBe(false);
  });

  it('applies live messages at once after loading, notifying subscribers', () => {
    const store = new LiveSeatStore();
    store.setSnapshot(decodeSeatMap(testSeatMap()));
    const listener = vi.fn();
    store.subscribe(listener);
    const version = store.getVersion();
    expect(store.apply(locked([7]))).toEqual([7]);
    expect(statusOf(store, 7)).toBe('held');
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getVersion()).toBe(version + 1);
    store.apply(locked([7]));
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('stays live during a reload and replays what arrived since it began', () => {
    const store = new LiveSeatStore();
    store.setSnapshot(decodeSeatMap(testSeatMap()));
    store.beginLoad();
    store.apply(locked([3]));
    expect(statusOf(store, 3)).toBe('held'); // the old snapshot keeps updating
    // The new snapshot was read before the lock: the replay brings it back.
    store.setSnapshot(decodeSeatMap(testSeatMap()));
    expect(statusOf(store, 3)).toBe('held');
    // A message from before the reload began is not replayed over a newer snapshot.
    store.beginLoad();
    store.setSnapshot(decodeSeatMap(testSeatMap()));
    expect(statusOf(store, 3)).toBe('available');
  });

  it('records statuses learned from the client’s own calls', () => {
    const store = new LiveSeatStore();
    store.setSnapshot(decodeSeatMap(testSeatMap()));
    store.setLocal([2, 4, 999], 1);
    expect([2, 4].map((i) => statusOf(store, i))).toEqual(['held', 'held']);
  });
});

describe('status re-read after a realtime gap', () => {
  it('replaces the statuses of the current layout and replays what arrived meanwhile', () => {
    const store = new LiveSeatStore();
    store.setSnapshot(decodeSeatMap(testSeatMap()));
    store.beginLoad();
    store.apply(locked([2]));
    const fresh = { eventId: TEST_EVENT_ID, count: 30, status: `s${'a'.repeat(29)}` };
    expect(store.setStatusSnapshot(fresh)).toBe(true);
    expect([0, 1, 2].map((i) => statusOf(store, i))).toEqual(['sold', 'available', 'held']);
    expect(store.isLoading()).toBe(false);
  });

  it('refuses statuses that do not fit the map (the caller re-reads it in full)', () => {
    const store = new LiveSeatStore();
    expect(store.setStatusSnapshot({ eventId: TEST_EVENT_ID, count: 30, status: 'a'.repeat(30) })).toBe(
      false,
    );
    store.setSnapshot(decodeSeatMap(testSeatMap()));
    expect(store.setStatusSnapshot({ eventId: TEST_EVENT_ID, count: 31, status: 'a'.repeat(31) })).toBe(
      false,
    );
    expect(store.setStatusSnapshot({ eventId: OTHER_EVENT, count: 30, status: 'a'.repeat(30) })).toBe(false);
  });
});
