import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WS_HEARTBEAT_MS, WS_MAX_FRAME_BYTES } from '../contract';
import {
  backoffDelay,
  CLOSE_HEARTBEAT_TIMEOUT,
  RealtimeClient,
  type RealtimeClientOptions,
  type RealtimeStatus,
  type SocketLike,
  withToken,
} from './realtime-client';

const URL_BASE = 'ws://realtime.test/ws';
const EVENT_A = '0b8f2c9e-4a51-4f6e-9d3b-2f7f1d1a0a01';
const EVENT_B = '5d2c6a1f-7e34-4b8a-8c9d-1e2f3a4b5c6d';

/** A WebSocket double: records what the client sends; the test drives open, messages and close. */
class FakeSocket implements SocketLike {
  static instances: FakeSocket[] = [];
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  readonly sent: string[] = [];
  closedWith: number | undefined;

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }

  send(data: string): void {
    if (this.closedWith !== undefined) throw new Error('send on a closed socket');
    this.sent.push(data);
  }

  close(code = 1000): void {
    this.closedWith ??= code;
  }

  get actions(): string[] {
    return this.sent.map((frame) => (JSON.parse(frame) as { action: string }).action);
  }

  get frames(): Record<string, unknown>[] {
    return this.sent.map((frame) => JSON.parse(frame) as Record<string, unknown>);
  }

  serverOpen(): void {
    this.onopen?.(new Event('open'));
  }

  serverMessage(message: unknown): void {
    const data = typeof message === 'string' ? message : JSON.stringify(message);
    this.onmessage?.({ data } as MessageEvent);
  }

  serverClose(code = 1006): void {
    this.closedWith ??= code;
    this.onclose?.({ code, reason: '', wasClean: false } as CloseEvent);
  }
}

const sockets = () => FakeSocket.instances;
const last = (): FakeSocket => {
  const socket = FakeSocket.instances.at(-1);
  if (!socket) throw new Error('no socket was opened');
  return socket;
};

interface Harness {
  client: RealtimeClient;
  statuses: RealtimeStatus[];
  tokens: { value: string | null };
  getToken: ReturnType<typeof vi.fn<() => string | null>>;
  onAuthRejected: ReturnType<typeof vi.fn<() => Promise<void>>>;
}

function setup(overrides: Partial<RealtimeClientOptions> = {}): Harness {
  const tokens = { value: 'token-1' as string | null };
  const getToken = vi.fn(() => tokens.value);
  const onAuthRejected = vi.fn(async () => {
    tokens.value = 'token-refreshed';
  });
  const client = new RealtimeClient({
    url: URL_BASE,
    getToken,
    onAuthRejected,
    WebSocket: FakeSocket,
    random: () => 0.5,
    ...overrides,
  });
  const statuses: RealtimeStatus[] = [];
  client.onStatus(() => statuses.push(client.getStatus()));
  return { client, statuses, tokens, getToken, onAuthRejected };
}

/** Lets the client's `await getToken()` settle, then advances the clock. */
const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

/** Starts the client and opens its first socket. */
async function connected(overrides: Partial<RealtimeClientOptions> = {}) {
  const harness = setup(overrides);
  harness.client.start();
  await tick();
  last().serverOpen();
  return harness;
}

beforeEach(() => {
  FakeSocket.instances = [];
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('backoffDelay', () => {
  it('is full jitter over an exponential ceiling, capped', () => {
    expect(backoffDelay(0, 0.999, 500, 30_000)).toBe(499);
    expect(backoffDelay(3, 0.5, 500, 30_000)).toBe(2_000);
    expect(backoffDelay(6, 0.999, 500, 30_000)).toBe(29_970);
    expect(backoffDelay(50, 0.999, 500, 30_000)).toBe(29_970);
    expect(backoffDelay(50, 0, 500, 30_000)).toBe(0);
  });
});

describe('withToken', () => {
  it('adds the token as a query parameter, keeping the existing query', () => {
    expect(withToken('wss://x.example/prod', 'a.b.c')).toBe('wss://x.example/prod?token=a.b.c');
    expect(withToken('ws://127.0.0.1:1/ws?v=1', 't+/=')).toBe('ws://127.0.0.1:1/ws?v=1&token=t%2B%2F%3D');
  });
});

describe('RealtimeClient', () => {
  it('does not connect until started, then connects with the token and sends resume', async () => {
    const { client, statuses } = setup();
    await tick(60_000);
    expect(sockets()).toHaveLength(0);
    expect(client.getStatus()).toBe('idle');

    client.start();
    await tick();
    expect(sockets()).toHaveLength(1);
    expect(last().url).toBe(`${URL_BASE}?token=token-1`);
    expect(client.getStatus()).toBe('connecting');
    last().serverOpen();
    expect(client.getStatus()).toBe('connected');
    expect(last().actions).toEqual(['resume']);
    expect(statuses).toEqual(['connecting', 'connected']);
  });

  it('sends a ping every heartbeat interval, and nothing before', async () => {
    await connected();
    const socket = last();
    await tick(WS_HEARTBEAT_MS - 1);
    expect(socket.actions).toEqual(['resume']);
    await tick(1);
    expect(socket.actions).toEqual(['resume', 'ping']);
    socket.serverMessage({ type: 'pong', data: { at: new Date().toISOString() } });
    await tick(WS_HEARTBEAT_MS);
    socket.serverMessage({ type: 'pong' });
    await tick(WS_HEARTBEAT_MS);
    expect(socket.actions).toEqual(['resume', 'ping', 'ping', 'ping']);
    expect(WS_HEARTBEAT_MS).toBeLessThan(10 * 60 * 1000);
    expect(sockets()).toHaveLength(1);
  });

  it('replaces a connection that does not answer a ping', async () => {
    const { client } = await connected({ pongTimeoutMs: 20_000 });
    const socket = last();
    await tick(WS_HEARTBEAT_MS);
    expect(socket.actions.at(-1)).toBe('ping');
    await tick(19_999);
    expect(client.getStatus()).toBe('connected');
    await tick(1);
    expect(socket.closedWith).toBe(CLOSE_HEARTBEAT_TIMEOUT);
    expect(client.getStatus()).toBe('reconnecting');
    await tick(1_000);
    expect(sockets()).toHaveLength(2);
  });

  it('reconnects with exponential backoff, full jitter and a cap, resetting after a stable connection', async () => {
    const randoms = [0.5, 0.25, 0.999, 0.999, 0.999, 0.999, 0.999, 0.999, 0.999, 0.5];
    let call = 0;
    const { client } = await connected({ random: () => randoms[call++] ?? 0.5, immediateCloseMs: 0 });

    // Every attempt fails; measure the gap between one close and the next socket.
    const delays: number[] = [];
    last().serverClose(1006);
    for (let i = 0; i < 9; i += 1) {
      const before = sockets().length;
      let waited = 0;
      while (sockets().length === before) {
        await tick(1);
        waited += 1;
        if (waited > 40_000) throw new Error('no reconnect attempt');
      }
      delays.push(waited);
      expect(client.getStatus()).toBe('reconnecting');
      last().serverClose(1006);
    }
    // random × min(30 000, 500 × 2^attempt), the clock advanced in 1 ms steps (+1 for the 0 ms case).
    expect(delays).toEqual([250, 250, 1998, 3996, 7992, 15984, 29970, 29970, 29970]);

    // A connection that stays up resets the backoff.
    await tick(15_000);
    last().serverOpen();
    await tick(10_000);
    call = randoms.length - 1; // random() → 0.5
    last().serverClose(1001);
    const before = sockets().length;
    await tick(249);
    expect(sockets()).toHaveLength(before);
    await tick(1);
    expect(sockets()).toHaveLength(before + 1);
  });

  it('after a reconnect sends resume, re-joins the wanted events and reports the gap', async () => {
    const { client } = await connected();
    const reconnects = vi.fn();
    client.onReconnect(reconnects);
    const releaseA = client.joinEvent(EVENT_A);
    client.joinEvent(EVENT_B);
    expect(last().frames.slice(1)).toEqual([
      { action: 'join-event', eventId: EVENT_A },
      { action: 'join-event', eventId: EVENT_B },
    ]);
    releaseA();
    expect(last().frames.at(-1)).toEqual({ action: 'leave-event', eventId: EVENT_A });
    expect(reconnects).not.toHaveBeenCalled();

    last().serverClose(1001);
    expect(client.getStatus()).toBe('reconnecting');
    await tick(1_000);
    expect(sockets()).toHaveLength(2);
    last().serverOpen();
    expect(client.getStatus()).toBe('connected');
    expect(last().frames).toEqual([{ action: 'resume' }, { action: 'join-event', eventId: EVENT_B }]);
    expect(reconnects).toHaveBeenCalledTimes(1);
  });

  it('counts joins: the event is left only when the last holder releases it', async () => {
    const { client } = await connected();
    const first = client.joinEvent(EVENT_A);
    const second = client.joinEvent(EVENT_A);
    first();
    first();
    expect(last().actions).toEqual(['resume', 'join-event']);
    second();
    expect(last().actions).toEqual(['resume', 'join-event', 'leave-event']);
    expect(client.joinedEvents()).toEqual([]);
  });

  it('does not reconnect after stop (sign-out)', async () => {
    const { client, statuses } = await connected();
    const socket = last();
    client.stop();
    expect(socket.closedWith).toBe(1000);
    expect(client.getStatus()).toBe('idle');
    socket.serverClose(1000);
    await tick(5 * 60_000);
    expect(sockets()).toHaveLength(1);
    expect(statuses).toEqual(['connecting', 'connected', 'idle']);
  });

  it('stopping while waiting to reconnect cancels the attempt', async () => {
    const { client } = await connected();
    last().serverClose(1006);
    expect(client.getStatus()).toBe('reconnecting');
    client.stop();
    await tick(60_000);
    expect(sockets()).toHaveLength(1);
    expect(client.getStatus()).toBe('idle');
  });

  it('stops without connecting when there is no token (signed out)', async () => {
    const { client, tokens } = setup();
    tokens.value = null;
    client.start();
    await tick(60_000);
    expect(sockets()).toHaveLength(0);
    expect(client.getStatus()).toBe('idle');
  });

  it('dispatches valid messages to the subscribers of their type, isolating failing handlers', async () => {
    const log = vi.fn();
    const { client } = await connected({ log });
    const ticket = vi.fn();
    const seat = vi.fn();
    const throwing = vi.fn(() => {
      throw new Error('handler bug');
    });
    client.subscribe('ticket-updated', throwing);
    const unsubscribe = client.subscribe('ticket-updated', ticket);
    client.subscribe('seat-locked', seat);

    const data = { eventId: EVENT_A, availability: { total: 10, available: 7, held: 1, sold: 2 } };
    last().serverMessage({ type: 'ticket-updated', data });
    expect(ticket).toHaveBeenCalledWith(data, { type: 'ticket-updated', data });
    expect(throwing).toHaveBeenCalledTimes(1);
    expect(seat).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith('error', expect.stringContaining('handler failed'), expect.any(Error));

    // Not JSON, unknown type, wrong shape: ignored.
    last().serverMessage('not json');
    last().serverMessage({ type: 'surprise', data: {} });
    last().serverMessage({ type: 'ticket-updated', data: { eventId: 'not-a-uuid' } });
    expect(ticket).toHaveBeenCalledTimes(1);

    unsubscribe();
    last().serverMessage({ type: 'ticket-updated', data });
    expect(ticket).toHaveBeenCalledTimes(1);
    expect(throwing).toHaveBeenCalledTimes(2);
  });

  it('refuses frames over the 128 KB limit client-side', async () => {
    const { client } = await connected();
    const socket = last();
    // A string of multi-byte characters: the limit is on UTF-8 bytes, not characters.
    const big = { action: 'join-event', eventId: '가'.repeat(Math.ceil(WS_MAX_FRAME_BYTES / 3)) } as const;
    expect(client.send(big)).toBe('too-large');
    expect(socket.sent).toHaveLength(1);
    expect(client.send({ action: 'ping' })).toBe('sent');
    expect(socket.actions).toEqual(['resume', 'ping']);
  });

  it('reports not-connected instead of queueing while disconnected', async () => {
    const { client } = setup();
    expect(client.send({ action: 'ping' })).toBe('not-connected');
    client.start();
    await tick();
    expect(client.send({ action: 'ping' })).toBe('not-connected');
    last().serverOpen();
    expect(last().actions).toEqual(['resume']);
  });

  it('treats repeated immediate closes before open as an auth refusal: one refresh, then backoff', async () => {
    const { client, onAuthRejected } = setup();
    client.start();
    await tick();
    last().serverClose(1006); // 1st immediate close: could be anything
    expect(onAuthRejected).not.toHaveBeenCalled();
    await tick(1_000);
    expect(last().url).toContain('token=token-1');
    last().serverClose(1006); // 2nd in a row: refresh the token
    expect(onAuthRejected).toHaveBeenCalledTimes(1);
    await tick(2_000);
    expect(last().url).toContain('token=token-refreshed');
    last().serverClose(1006);
    await tick(5_000);
    last().serverClose(1006);
    expect(onAuthRejected).toHaveBeenCalledTimes(1); // once per streak
    expect(client.getStatus()).toBe('reconnecting');

    // An open ends the streak.
    await tick(30_000);
    last().serverOpen();
    expect(client.getStatus()).toBe('connected');
  });

  it('a refreshed token lets a waiting reconnect try at once; an open connection is kept', async () => {
    const { client, tokens } = await connected({ random: () => 0.999 });
    client.tokenChanged();
    expect(sockets()).toHaveLength(1);
    last().serverClose(1006);
    tokens.value = 'token-2';
    client.tokenChanged();
    await tick();
    expect(sockets()).toHaveLength(2);
    expect(last().url).toContain('token=token-2');
  });

  it('restart reconnects at once (another user signed in)', async () => {
    const { client, tokens } = await connected();
    const first = last();
    tokens.value = 'token-other-user';
    client.restart();
    await tick();
    expect(first.closedWith).toBe(1000);
    expect(sockets()).toHaveLength(2);
    expect(last().url).toContain('token=token-other-user');
  });

  it('goes offline without attempts, and reconnects at once when back online', async () => {
    const { client } = await connected();
    const reconnects = vi.fn();
    client.onReconnect(reconnects);
    client.setOnline(false);
    expect(client.getStatus()).toBe('offline');
    expect(sockets()[0]?.closedWith).toBe(1000);
    await tick(5 * 60_000);
    expect(sockets()).toHaveLength(1);

    client.setOnline(true);
    await tick();
    expect(sockets()).toHaveLength(2);
    last().serverOpen();
    expect(client.getStatus()).toBe('connected');
    expect(reconnects).toHaveBeenCalledTimes(1);
  });

  it('pauses instead of reconnecting when newer connections replaced it, and reconnects when woken', async () => {
    // Prepare
    const { client } = await connected();
    const reconnects = vi.fn();
    client.onReconnect(reconnects);
    client.wake(); // nothing to wake while connected
    expect(sockets()).toHaveLength(1);

    // Act: the server says why, then closes (what the realtime function does to the oldest of 6 tabs)
    last().serverMessage({ type: 'error', data: { code: 'CONNECTION_REPLACED', message: 'x' } });
    last().serverClose(1006);
    await tick(5 * 60_000);

    // Assess: no reconnect storm between tabs
    expect(client.getStatus()).toBe('paused');
    expect(sockets()).toHaveLength(1);
    client.wake();
    await tick();
    expect(sockets()).toHaveLength(2);
    last().serverOpen();
    expect(client.getStatus()).toBe('connected');
    expect(reconnects).toHaveBeenCalledTimes(1);
    // Only that close pauses: an ordinary drop afterwards reconnects as before.
    last().serverClose(1006);
    expect(client.getStatus()).toBe('reconnecting');
  });

  it('starts offline when the browser is, and reports offline even when not signed in', async () => {
    const { client } = setup({ online: false });
    expect(client.getStatus()).toBe('offline');
    client.start();
    await tick(60_000);
    expect(sockets()).toHaveLength(0);
    client.stop();
    expect(client.getStatus()).toBe('offline');
    client.setOnline(true);
    expect(client.getStatus()).toBe('idle');
    expect(sockets()).toHaveLength(0);
  });

  it('gives up on a socket stuck connecting', async () => {
    const { client } = setup({ connectTimeoutMs: 15_000 });
    client.start();
    await tick(15_000);
    expect(sockets()[0]?.closedWith).toBeDefined();
    expect(client.getStatus()).toBe('reconnecting');
    await tick(1_000);
    expect(sockets()).toHaveLength(2);
  });

  it('ignores late events from a replaced socket', async () => {
    const { client } = await connected();
    const old = last();
    const handler = vi.fn();
    client.subscribe('ticket-updated', handler);
    client.restart();
    await tick();
    old.serverMessage({ type: 'ticket-updated', data: { eventId: EVENT_A } });
    old.serverClose(1006);
    expect(handler).not.toHaveBeenCalled();
    expect(sockets()).toHaveLength(2);
    expect(client.getStatus()).toBe('reconnecting');
  });
});
