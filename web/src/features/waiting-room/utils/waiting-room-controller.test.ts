import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAdmissionStore } from '../../../lib/admission';
import { ApiError } from '../../../lib/api';
import type { QueueRoom, QueueTicket } from '../../../lib/contract';
import { RealtimeClient } from '../../../lib/realtime';
import type { SocketLike } from '../../../lib/realtime/realtime-client';
import type { QueueApi } from '../api/queue-api';
import { WaitingRoomController } from './waiting-room-controller';

const EVENT = '0b8f2c9e-4a51-4f6e-9d3b-2f7f1d1a0a01';
const OTHER_EVENT = '5d2c6a1f-7e34-4b8a-8c9d-1e2f3a4b5c6d';
const T0 = Date.parse('2026-03-14T10:00:00Z');

/** A WebSocket double for the real RealtimeClient: records frames; the test opens, pushes and drops. */
class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  readonly sent: string[] = [];

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {}

  open(): void {
    this.onopen?.(new Event('open'));
  }

  push(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) } as MessageEvent);
  }

  drop(): void {
    this.onclose?.({ code: 1006, reason: '', wasClean: false } as CloseEvent);
  }

  get frames(): Record<string, unknown>[] {
    return this.sent.map((frame) => JSON.parse(frame) as Record<string, unknown>);
  }
}

const lastSocket = (): FakeSocket => {
  const socket = FakeSocket.all.at(-1);
  if (!socket) throw new Error('no socket');
  return socket;
};

const flush = (ms = 0) => vi.advanceTimersByTimeAsync(ms);
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

function room(overrides: Partial<QueueRoom> = {}): QueueRoom {
  return {
    eventId: EVENT,
    active: true,
    soldOut: false,
    servingCounter: 100,
    waiting: 400,
    admissionRate: 2,
    preQueueUntil: null,
    at: new Date().toISOString(),
    ...overrides,
  };
}

function waiting(ticket: number, servingCounter: number, overrides: Partial<QueueTicket> = {}): QueueTicket {
  const position = ticket - servingCounter;
  return {
    eventId: EVENT,
    status: 'waiting',
    ticket,
    position,
    aheadOfYou: position - 1,
    estimatedWaitSeconds: position / 2,
    room: room({ servingCounter }),
    ...overrides,
  };
}

function admitted(token: string): QueueTicket {
  return {
    eventId: EVENT,
    status: 'admitted',
    ticket: null,
    position: 0,
    aheadOfYou: 0,
    estimatedWaitSeconds: 0,
    admissionToken: token,
    admissionExpiresAt: inMinutes(10),
    room: room({ active: false }),
  };
}

function soldOut(message: string): QueueTicket {
  return {
    eventId: EVENT,
    status: 'sold_out',
    ticket: 300,
    position: 200,
    aheadOfYou: 199,
    estimatedWaitSeconds: null,
    message,
    room: room({ soldOut: true }),
  };
}

/** A deterministic jitter source: cycles through `values`. */
const sequence = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
};

interface SetupOptions {
  /** Open a socket (connected), or run without realtime at all. */
  socket?: boolean;
  random?: () => number;
}

const cleanups: (() => void)[] = [];

async function setup({ socket = true, random = () => 0.5 }: SetupOptions = {}) {
  const statusTimes: number[] = [];
  const api = {
    join: vi.fn<QueueApi['join']>(),
    status: vi.fn<QueueApi['status']>(),
    leave: vi.fn<QueueApi['leave']>(async (eventId) => ({ eventId, left: true })),
  };
  const wrapped: QueueApi = {
    join: api.join,
    status: (eventId) => {
      statusTimes.push(Date.now());
      return api.status(eventId);
    },
    leave: api.leave,
  };
  const admission = createAdmissionStore({ now: () => Date.now() });
  let realtime: RealtimeClient | null = null;
  if (socket) {
    realtime = new RealtimeClient({
      url: 'ws://realtime.test/ws',
      getToken: () => 'access-token',
      WebSocket: FakeSocket,
      random: () => 0.5,
      // A reconnect attempt stays "connecting" until the test opens it.
      connectTimeoutMs: 3_600_000,
    });
    realtime.start();
    await flush();
    lastSocket().open();
    cleanups.push(() => realtime?.stop());
  }
  const controller = new WaitingRoomController({ eventId: EVENT, api: wrapped, realtime, admission, random });
  cleanups.push(() => controller.dispose());
  const start = async () => {
    controller.start();
    await flush();
    return Date.now();
  };
  return { api, admission, controller, realtime, statusTimes, start };
}

const joinQueueFrames = (socket: FakeSocket) =>
  socket.frames.filter((frame) => frame.action === 'join-queue' && frame.eventId === EVENT);

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers({ now: T0 });
});

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  vi.useRealTimers();
});

describe('waiting room state machine', () => {
  it('admitted at once: stores the token and follows nothing', async () => {
    // Prepare
    const { api, admission, controller, start } = await setup();
    api.join.mockResolvedValue(admitted('token-now'));

    // Act
    await start();
    await flush(120_000);

    // Assess
    expect(controller.getState().phase).toBe('admitted');
    expect(admission.get(EVENT)).toMatchObject({ token: 'token-now' });
    expect(api.join).toHaveBeenCalledTimes(1);
    expect(api.status).not.toHaveBeenCalled();
    expect(joinQueueFrames(lastSocket())).toEqual([]);
  });

  it('waiting: queue-updated moves me up, queue-entry-allowed admits me and stores the token', async () => {
    // Prepare: ticket 150 while 100 are served
    const { api, admission, controller, start } = await setup();
    api.join.mockResolvedValue(waiting(150, 100));
    api.status.mockResolvedValue(waiting(150, 100));
    await start();
    const socket = lastSocket();
    expect(controller.getState()).toMatchObject({
      phase: 'waiting',
      ticket: 150,
      position: 50,
      aheadOfYou: 49,
      startPosition: 50,
    });
    expect(joinQueueFrames(socket)).toHaveLength(1);

    // Act: the room serves up to 130, measuring 4 admissions a second
    socket.push({
      type: 'queue-updated',
      data: room({ servingCounter: 130, admissionRate: 4, at: new Date(Date.now() + 1).toISOString() }),
    });

    // Assess
    expect(controller.getState()).toMatchObject({
      phase: 'waiting',
      position: 20,
      aheadOfYou: 19,
      estimatedWaitSeconds: 5,
      startPosition: 50,
    });
    expect(admission.get(EVENT)).toBeNull();

    // Act: my turn, on my own topic
    const expiresAt = inMinutes(10);
    socket.push({
      type: 'queue-entry-allowed',
      data: { eventId: EVENT, admissionToken: 'token-turn', admissionExpiresAt: expiresAt },
    });

    // Assess: done; nothing polls or moves any more
    expect(controller.getState().phase).toBe('admitted');
    expect(admission.get(EVENT)).toEqual({ token: 'token-turn', expiresAt });
    socket.push({ type: 'queue-updated', data: room({ servingCounter: 140 }) });
    await flush(120_000);
    expect(api.status).not.toHaveBeenCalled();
    expect(controller.getState().phase).toBe('admitted');
  });

  it('ignores pushes for other events, stale pushes, and entry for another event', async () => {
    // Prepare
    const { api, admission, controller, start } = await setup();
    api.join.mockResolvedValue(waiting(150, 120));
    api.status.mockResolvedValue(waiting(150, 120));
    await start();
    const socket = lastSocket();

    // Act
    socket.push({ type: 'queue-updated', data: room({ eventId: OTHER_EVENT, servingCounter: 149 }) });
    socket.push({ type: 'queue-updated', data: room({ servingCounter: 110 }) });
    socket.push({
      type: 'queue-entry-allowed',
      data: { eventId: OTHER_EVENT, admissionToken: 'not-mine', admissionExpiresAt: inMinutes(10) },
    });

    // Assess
    expect(controller.getState()).toMatchObject({ phase: 'waiting', position: 30 });
    expect(admission.get(EVENT)).toBeNull();
    expect(admission.get(OTHER_EVENT)).toBeNull();
  });

  it('heartbeats queue.status every 12–18 s while the socket is up', async () => {
    // Prepare: jitter at both ends of its range
    const { api, statusTimes, start } = await setup({ random: sequence(0, 0.999_999_9) });
    api.join.mockResolvedValue(waiting(150, 100));
    api.status.mockResolvedValue(waiting(150, 100));

    // Act
    const startedAt = await start();
    await flush(11_999);
    const early = statusTimes.length;
    await flush(40_000);

    // Assess
    expect(early).toBe(0);
    expect(
      statusTimes.slice(0, 2).map((at, i) => at - (i === 0 ? startedAt : (statusTimes[i - 1] ?? 0))),
    ).toEqual([12_000, 17_999]);
  });

  it('a status that says admitted finishes and stores the token', async () => {
    const { api, admission, controller, start } = await setup();
    api.join.mockResolvedValue(waiting(150, 100));
    api.status.mockResolvedValue(admitted('token-polled'));
    await start();
    await flush(18_000);
    expect(controller.getState().phase).toBe('admitted');
    expect(admission.token(EVENT)).toBe('token-polled');
  });

  it('socket down: polls every 3–5 s with jitter; back up: re-subscribes, catches up, slows down', async () => {
    // Prepare: connected and waiting
    let seed = 7;
    const lcg = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const { api, statusTimes, realtime, start } = await setup({ random: lcg });
    api.join.mockResolvedValue(waiting(150, 100));
    api.status.mockResolvedValue(waiting(150, 100));
    await start();

    // Act: the connection drops
    lastSocket().drop();
    const droppedAt = Date.now();
    await flush(60_000);

    // Assess: every gap is in [3 s, 5 s), and they are not all the same
    expect(realtime?.getStatus()).toBe('reconnecting');
    const gaps = statusTimes.map((at, i) => at - (i === 0 ? droppedAt : (statusTimes[i - 1] ?? 0)));
    expect(gaps.length).toBeGreaterThanOrEqual(12);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(3_000);
      expect(gap).toBeLessThan(5_000);
    }
    expect(new Set(gaps).size).toBeGreaterThan(1);

    // Act: the connection comes back
    await flush(1_000);
    const reconnected = lastSocket();
    reconnected.open();
    const backAt = Date.now();
    const before = statusTimes.length;
    await flush(60_000);

    // Assess: join-queue again on the new connection, a catch-up check within 2 s, then heartbeats
    expect(realtime?.getStatus()).toBe('connected');
    expect(joinQueueFrames(reconnected)).toHaveLength(1);
    const after = statusTimes.slice(before);
    expect((after[0] ?? Number.POSITIVE_INFINITY) - backAt).toBeLessThan(2_000);
    for (let i = 1; i < after.length; i++) {
      const gap = (after[i] ?? 0) - (after[i - 1] ?? 0);
      expect(gap).toBeGreaterThanOrEqual(12_000);
      expect(gap).toBeLessThan(18_000);
    }
  });

  it('without any socket polls every 3–5 s from the start', async () => {
    const { api, statusTimes, start } = await setup({ socket: false, random: sequence(0, 0.999_999_9) });
    api.join.mockResolvedValue(waiting(150, 100));
    api.status.mockResolvedValue(waiting(150, 100));
    const startedAt = await start();
    await flush(8_000);
    expect(statusTimes.map((at, i) => at - (i === 0 ? startedAt : (statusTimes[i - 1] ?? 0)))).toEqual([
      3_000, 4_999,
    ]);
  });

  it('sold out: shows the message, checks slowly, and follows the room back on sale', async () => {
    // Prepare
    const { api, controller, statusTimes, start } = await setup({ random: () => 0 });
    api.join.mockResolvedValue(soldOut('All tickets are sold.'));
    api.status.mockResolvedValue(soldOut('All tickets are sold.'));

    // Act
    const startedAt = await start();
    await flush(19_999);
    const early = statusTimes.length;
    await flush(1);

    // Assess
    expect(controller.getState()).toMatchObject({ phase: 'sold_out', message: 'All tickets are sold.' });
    expect(joinQueueFrames(lastSocket())).toHaveLength(1);
    expect(early).toBe(0);
    expect(statusTimes).toEqual([startedAt + 20_000]);

    // Act: seats come back (a cancellation)
    api.status.mockResolvedValue(waiting(300, 290));
    lastSocket().push({
      type: 'queue-updated',
      data: room({ soldOut: false, at: new Date(Date.now() + 1).toISOString() }),
    });
    await flush(0);

    // Assess: checked at once (jitter 0 of [0, 2 s)), waiting again
    expect(statusTimes).toHaveLength(2);
    expect(controller.getState()).toMatchObject({ phase: 'waiting', position: 10 });
  });

  it('my turn per the room: checks within 2 s in case the entry message was missed', async () => {
    const { api, admission, statusTimes, start } = await setup({ random: () => 0.999 });
    api.join.mockResolvedValue(waiting(150, 100));
    api.status.mockResolvedValue(admitted('token-late'));
    await start();
    lastSocket().push({
      type: 'queue-updated',
      data: room({ servingCounter: 150, at: new Date(Date.now() + 1).toISOString() }),
    });
    await flush(2_000);
    expect(statusTimes).toHaveLength(1);
    expect(admission.token(EVENT)).toBe('token-late');
  });

  it('a place the server forgot (404 NOT_IN_QUEUE) is taken again', async () => {
    const { api, controller, start } = await setup();
    api.join.mockResolvedValueOnce(waiting(150, 100)).mockResolvedValueOnce(waiting(420, 100));
    api.status.mockRejectedValue(
      new ApiError({ status: 404, code: 'NOT_IN_QUEUE', message: 'Not in queue' }),
    );
    await start();
    await flush(15_000);
    await flush();
    expect(api.join).toHaveBeenCalledTimes(2);
    expect(controller.getState()).toMatchObject({ phase: 'waiting', ticket: 420, position: 320 });
  });

  it('keeps the place through network errors and shows that it is retrying', async () => {
    const { api, controller, statusTimes, start } = await setup({ socket: false, random: () => 0 });
    api.join.mockResolvedValue(waiting(150, 100));
    api.status
      .mockRejectedValueOnce(new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'offline' }))
      .mockResolvedValue(waiting(150, 110));
    await start();
    await flush(3_000);
    expect(controller.getState()).toMatchObject({ phase: 'waiting', position: 50 });
    expect(controller.getState().error).not.toBeNull();
    await flush(3_000);
    expect(statusTimes).toHaveLength(2);
    expect(controller.getState()).toMatchObject({ phase: 'waiting', position: 40, error: null });
  });

  it('join: retries an unknown outcome within 3–5 s, fails on a definite refusal', async () => {
    // Prepare
    const retrying = await setup({ random: () => 0.5 });
    retrying.api.join
      .mockRejectedValueOnce(new ApiError({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', message: 'down' }))
      .mockResolvedValueOnce(waiting(150, 100));
    retrying.api.status.mockResolvedValue(waiting(150, 100));
    const refused = await setup();
    refused.api.join.mockRejectedValue(
      new ApiError({ status: 404, code: 'EVENT_NOT_FOUND', message: 'gone' }),
    );

    // Act
    await retrying.start();
    await refused.start();
    await flush(3_999);
    const joinsBefore = retrying.api.join.mock.calls.length;
    await flush(1);
    await flush(30_000);

    // Assess
    expect(joinsBefore).toBe(1);
    expect(retrying.api.join).toHaveBeenCalledTimes(2);
    expect(retrying.controller.getState().phase).toBe('waiting');
    expect(refused.controller.getState()).toMatchObject({ phase: 'failed' });
    expect(refused.api.join).toHaveBeenCalledTimes(1);
  });

  it('leave gives the place up and stops checking', async () => {
    // Prepare
    const { api, controller, start } = await setup();
    api.join.mockResolvedValue(waiting(150, 100));
    api.status.mockResolvedValue(waiting(150, 100));
    await start();

    // Act
    await controller.leave();
    await flush(60_000);

    // Assess
    expect(api.leave).toHaveBeenCalledWith(EVENT);
    expect(controller.getState().phase).toBe('left');
    expect(api.status).not.toHaveBeenCalled();
  });
});
