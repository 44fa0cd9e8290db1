import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { type SeatChange, type ServerMessage, WS_MAX_FRAME_BYTES } from '../../../shared/ws';
import type { PublishResult } from './broadcaster';
import {
  type CoalesceBuffer,
  chunkSeats,
  createSeatChangePublisher,
  MAX_SEATS_PER_MESSAGE,
  mergeSeatChanges,
} from './seat-changes';

/**
 * The coalescing protocol with an in-memory buffer that has the Redis scripts' semantics (append + SET NX,
 * drain + compare-and-delete, each atomic). Redis itself is exercised by the integration suite.
 */

const EVENT = '5e1f0000-0000-4000-8000-000000000001';

function memoryBuffer(): CoalesceBuffer & { lists: Map<string, string[]>; locks: Map<string, string> } {
  const lists = new Map<string, string[]>();
  const locks = new Map<string, string>();
  return {
    lists,
    locks,
    async append(eventId, items, token) {
      lists.set(eventId, [...(lists.get(eventId) ?? []), ...items]);
      if (locks.has(eventId)) return false;
      locks.set(eventId, token);
      return true;
    },
    async drain(eventId, token) {
      const items = lists.get(eventId) ?? [];
      lists.delete(eventId);
      if (locks.get(eventId) === token) locks.delete(eventId);
      return items;
    },
  };
}

function recorder() {
  const published: { topic: string; message: ServerMessage }[] = [];
  const ok: PublishResult = { delivered: 2, gone: 0, failed: 0, shards: 1, dispatched: 0 };
  return {
    published,
    broadcaster: {
      publish: vi.fn(async (topic: string, message: ServerMessage) => {
        published.push({ topic, message });
        return ok;
      }),
    },
  };
}

/** A sleep the test releases by hand: the window stays open until `open.release()`. */
function manualWindow() {
  let release!: () => void;
  const closed = new Promise<void>((r) => {
    release = r;
  });
  return { sleep: vi.fn(() => closed), release };
}

const seat = (status: SeatChange['status'], id = randomUUID()): SeatChange => ({ id, status });
const seatsOf = (messages: { message: ServerMessage }[]) =>
  messages.flatMap(({ message }) =>
    message.type === 'seat-locked' || message.type === 'seat-released' ? message.data.seats : [],
  );

describe('publishSeatChanges', () => {
  it('turns a burst from many callers into one seat-locked and one seat-released message', async () => {
    const buffer = memoryBuffer();
    const { published, broadcaster } = recorder();
    const window = manualWindow();
    const publisher = createSeatChangePublisher({ buffer, broadcaster, sleep: window.sleep });

    const changes = Array.from({ length: 20 }, (_, i) => seat(i % 2 ? 'available' : 'held'));
    const calls = changes.map((c) => publisher.publishSeatChanges(EVENT, [c]));
    await new Promise((r) => setTimeout(r, 0));
    window.release();
    const results = await Promise.all(calls);

    expect(results.filter((r) => r.flushed)).toHaveLength(1);
    expect(window.sleep).toHaveBeenCalledTimes(1);
    expect(window.sleep).toHaveBeenCalledWith(100);
    expect(published.map((p) => [p.topic, p.message.type])).toEqual([
      [`event:${EVENT}`, 'seat-locked'],
      [`event:${EVENT}`, 'seat-released'],
    ]);
    expect(
      seatsOf(published)
        .map((s) => s.id)
        .sort(),
    ).toEqual(changes.map((c) => c.id).sort());
    // The window is closed again: the next change opens a new one.
    expect(buffer.locks.size).toBe(0);
    expect(buffer.lists.size).toBe(0);
  });

  it('changes arriving after the drain open the next window instead of being lost', async () => {
    const buffer = memoryBuffer();
    const { published, broadcaster } = recorder();
    const publisher = createSeatChangePublisher({ buffer, broadcaster, sleep: async () => {} });
    const first = await publisher.publishSeatChanges(EVENT, [seat('held')]);
    const second = await publisher.publishSeatChanges(EVENT, [seat('sold')]);
    expect([first.flushed, second.flushed]).toEqual([true, true]);
    expect(seatsOf(published)).toHaveLength(2);
  });

  it('sends each seat once, with its last state of the window', async () => {
    const id = randomUUID();
    const messages = mergeSeatChanges(EVENT, [
      { id, status: 'held', userId: randomUUID() },
      seat('sold'),
      { id, status: 'available' },
    ]);
    expect(messages.map((m) => m.type)).toEqual(['seat-locked', 'seat-released']);
    expect(messages[1]).toEqual({
      type: 'seat-released',
      data: { eventId: EVENT, seats: [{ id, status: 'available' }] },
    });
  });

  it('splits large batches so every frame stays under 128 KB', () => {
    const seats = Array.from({ length: 1200 }, () => ({ ...seat('held'), userId: randomUUID() }));
    const messages = chunkSeats('seat-locked', EVENT, seats);
    expect(messages.map((m) => (m.type === 'seat-locked' ? m.data.seats.length : 0))).toEqual([
      MAX_SEATS_PER_MESSAGE,
      MAX_SEATS_PER_MESSAGE,
      200,
    ]);
    for (const m of messages) expect(Buffer.byteLength(JSON.stringify(m))).toBeLessThan(WS_MAX_FRAME_BYTES);
    // Even an over-large chunk size is halved until each frame fits.
    for (const m of chunkSeats('seat-locked', EVENT, seats, 5000)) {
      expect(Buffer.byteLength(JSON.stringify(m))).toBeLessThan(WS_MAX_FRAME_BYTES);
    }
  });

  it('publishes directly when the coalescing buffer is unavailable', async () => {
    const { published, broadcaster } = recorder();
    const buffer: CoalesceBuffer = {
      append: async () => {
        throw new Error('Redis down');
      },
      drain: async () => [],
    };
    const logger = { debug: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const publisher = createSeatChangePublisher({
      buffer,
      broadcaster,
      logger: logger as never,
      sleep: async () => {},
    });
    const result = await publisher.publishSeatChanges(EVENT, [seat('held'), seat('available')]);
    expect(result).toMatchObject({ flushed: true, messages: 2, seats: 2 });
    expect(published).toHaveLength(2);
    expect(logger.warn).toHaveBeenCalled();
  });

  it('does nothing for an empty list', async () => {
    const { broadcaster } = recorder();
    const publisher = createSeatChangePublisher({ buffer: memoryBuffer(), broadcaster });
    expect(await publisher.publishSeatChanges(EVENT, [])).toMatchObject({ flushed: false, messages: 0 });
    expect(broadcaster.publish).not.toHaveBeenCalled();
  });
});
