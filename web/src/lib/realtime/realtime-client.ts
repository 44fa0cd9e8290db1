import {
  type ClientMessage,
  type ServerMessage,
  type ServerMessageType,
  serverMessageSchema,
  WS_HEARTBEAT_MS,
  WS_MAX_FRAME_BYTES,
} from '../contract';

/**
 * One WebSocket per tab to the realtime API (API Gateway WebSocket API, or the local stack's emulator).
 *
 * A plain class with its environment injected (WebSocket constructor, timers, clock, random), so it runs and
 * is tested without a DOM; `realtime-provider.tsx` wires it to the browser, the session and React.
 *
 * - Connects to `${url}?token=<access token>`: the token is verified once, at `$connect`. The connection
 *   outlives the token's expiry (API Gateway does not re-check), so a routine token refresh does not
 *   reconnect; the next reconnect simply uses the fresh token.
 * - Heartbeat: `{"action":"ping"}` every `heartbeatMs` (API Gateway closes connections idle for 10 minutes);
 *   if nothing at all arrives within `pongTimeoutMs` after a ping, the socket is presumed dead (half-open TCP,
 *   sleeping laptop) and replaced.
 * - Reconnect: exponential backoff with full jitter, `random() * min(cap, base * 2^attempt)`; the attempt
 *   counter resets once a connection has stayed up for `stableAfterMs`, so a flapping server is not hammered.
 * - After every open: `resume`, then a `join-event` for every event the UI currently shows. After a reopen
 *   (not the first open) the reconnect listeners run, so visible data missed during the gap is re-fetched.
 * - Auth: a browser cannot see the HTTP status of a refused upgrade; the socket just closes before `open`.
 *   `authFailureThreshold` such immediate closes in a row are taken as "the token was refused": `onAuthRejected`
 *   (a forced token refresh) runs once per streak and the next attempt waits for it; backoff continues.
 * - Replaced: the server allows a few connections per account and closes the oldest with `CONNECTION_REPLACED`;
 *   reconnecting at once would close another tab, which would reconnect in turn. So the client pauses until
 *   `wake()` (the provider calls it when the tab becomes visible again).
 * - Offline (`setOnline(false)`): the socket is dropped and no attempts are made until `setOnline(true)`,
 *   which reconnects at once.
 */

export type RealtimeStatus =
  /** Not started (signed out, or no WebSocket URL configured), network available. */
  | 'idle'
  /** First connection of this sign-in in progress. */
  | 'connecting'
  | 'connected'
  /** The connection was lost (or never came up); waiting for the next attempt or attempting. */
  | 'reconnecting'
  /** The browser reports no network. */
  | 'offline'
  /**
   * The server closed this tab's connection because newer ones of the same account replaced it
   * (`CONNECTION_REPLACED`); no reconnect until `wake()` (the tab is looked at again).
   */
  | 'paused';

type MessageOf<T extends ServerMessageType> = Extract<ServerMessage, { type: T }>;
export type ServerMessageData<T extends ServerMessageType> = MessageOf<T>['data'];
export type MessageHandler<T extends ServerMessageType> = (
  data: ServerMessageData<T>,
  message: MessageOf<T>,
) => void;

/** Why `send` did or did not put a frame on the wire. */
export type SendResult = 'sent' | 'not-connected' | 'too-large';

/** What the client needs of a WebSocket; the browser's `WebSocket` fits. */
export interface SocketLike {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type SocketConstructor = new (url: string) => SocketLike;

export type TimerHandle = unknown;
export interface Timers {
  set(callback: () => void, ms: number): TimerHandle;
  clear(handle: TimerHandle): void;
}

/** The global timers, looked up at call time (so test fake timers apply too). */
export const globalTimers: Timers = {
  set: (callback, ms) => globalThis.setTimeout(callback, ms),
  clear: (handle) => globalThis.clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};

export type RealtimeLog = (level: 'debug' | 'warn' | 'error', message: string, detail?: unknown) => void;

export interface RealtimeClientOptions {
  /** The WebSocket API URL (`wss://…/prod`, `ws://127.0.0.1:8080/ws`); the token is added as `?token=`. */
  url: string;
  /** The current access token, refreshed if needed; null when signed out (the client then stops). */
  getToken: () => string | null | Promise<string | null>;
  /** Forces a token refresh after the upgrade looked refused; the next attempt waits for it. */
  onAuthRejected?: () => unknown;
  WebSocket: SocketConstructor;
  timers?: Timers;
  now?: () => number;
  /** [0, 1), like Math.random. */
  random?: () => number;
  /** Whether the network is up at construction (the browser: `navigator.onLine`). */
  online?: boolean;
  heartbeatMs?: number;
  pongTimeoutMs?: number;
  /** Give up on a socket still connecting after this long. */
  connectTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** A connection up this long resets the backoff. */
  stableAfterMs?: number;
  /** Closes before `open` within `immediateCloseMs` of the attempt, in a row, taken as an auth refusal. */
  authFailureThreshold?: number;
  immediateCloseMs?: number;
  maxFrameBytes?: number;
  log?: RealtimeLog;
}

export const REALTIME_DEFAULTS = {
  heartbeatMs: WS_HEARTBEAT_MS,
  pongTimeoutMs: 20_000,
  connectTimeoutMs: 15_000,
  backoffBaseMs: 500,
  backoffCapMs: 30_000,
  stableAfterMs: 10_000,
  authFailureThreshold: 2,
  immediateCloseMs: 3_000,
  maxFrameBytes: WS_MAX_FRAME_BYTES,
} as const;

/** Close code the client uses when it replaces a socket that stopped answering (application range). */
export const CLOSE_HEARTBEAT_TIMEOUT = 4000;
const CLOSE_NORMAL = 1000;

/** `url` with `token` set as its query parameter (keeping any query it already has). */
export function withToken(url: string, token: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('token', token);
  return parsed.toString();
}

/** Full-jitter exponential backoff: a uniformly random delay in [0, min(cap, base * 2^attempt)). */
export function backoffDelay(attempt: number, random: number, baseMs: number, capMs: number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random * ceiling);
}

const encoder = new TextEncoder();

type TimerName = 'reconnect' | 'heartbeat' | 'pong' | 'connect' | 'stable';

export class RealtimeClient {
  private readonly options: Required<
    Omit<RealtimeClientOptions, 'onAuthRejected' | 'log' | 'online' | 'getToken' | 'WebSocket' | 'url'>
  >;
  private readonly log: RealtimeLog;

  /** Whether the owner wants a connection (signed in). */
  private wanted = false;
  private online: boolean;
  private status: RealtimeStatus;
  private socket: SocketLike | null = null;
  private socketOpen = false;
  /** Bumped whenever the current attempt is abandoned, so late async results and events are ignored. */
  private generation = 0;
  /** Consecutive failed attempts since the last stable connection (drives the backoff). */
  private attempt = 0;
  /** The server replaced this connection (`CONNECTION_REPLACED`): pause after its close. */
  private replaced = false;
  /** Opened at least once since `start()`: the next open follows a gap. */
  private hasConnected = false;
  private attemptStartedAt = 0;
  private immediateCloses = 0;
  private authRefreshTried = false;
  private pendingAuth: Promise<unknown> | null = null;
  private readonly timers = new Map<TimerName, TimerHandle>();

  /** Event ids the UI wants updates for, with reference counts (several components may ask). */
  private readonly joins = new Map<string, number>();
  private readonly handlers = new Map<
    ServerMessageType,
    Set<(data: unknown, message: ServerMessage) => void>
  >();
  private readonly statusListeners = new Set<() => void>();
  private readonly reconnectListeners = new Set<() => void>();

  constructor(private readonly config: RealtimeClientOptions) {
    this.options = {
      timers: config.timers ?? globalTimers,
      now: config.now ?? (() => Date.now()),
      random: config.random ?? Math.random,
      heartbeatMs: config.heartbeatMs ?? REALTIME_DEFAULTS.heartbeatMs,
      pongTimeoutMs: config.pongTimeoutMs ?? REALTIME_DEFAULTS.pongTimeoutMs,
      connectTimeoutMs: config.connectTimeoutMs ?? REALTIME_DEFAULTS.connectTimeoutMs,
      backoffBaseMs: config.backoffBaseMs ?? REALTIME_DEFAULTS.backoffBaseMs,
      backoffCapMs: config.backoffCapMs ?? REALTIME_DEFAULTS.backoffCapMs,
      stableAfterMs: config.stableAfterMs ?? REALTIME_DEFAULTS.stableAfterMs,
      authFailureThreshold: config.authFailureThreshold ?? REALTIME_DEFAULTS.authFailureThreshold,
      immediateCloseMs: config.immediateCloseMs ?? REALTIME_DEFAULTS.immediateCloseMs,
      maxFrameBytes: config.maxFrameBytes ?? REALTIME_DEFAULTS.maxFrameBytes,
    };
    this.log = config.log ?? (() => {});
    this.online = config.online ?? true;
    this.status = this.online ? 'idle' : 'offline';
  }

  // ——— Observing ———

  getStatus = (): RealtimeStatus => this.status;

  /** Status changes (for `useSyncExternalStore`). */
  onStatus = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener);
    return () => {
      this.statusListeners.delete(listener);
    };
  };

  /** Runs after every reconnect (an open that follows a gap): re-fetch what may have been missed. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => {
      this.reconnectListeners.delete(listener);
    };
  }

  /** Calls `handler` with every valid server message of `type`. */
  subscribe<T extends ServerMessageType>(type: T, handler: MessageHandler<T>): () => void {
    let set = this.handlers.get(type);
    if (!set) {
      set = new Set();
      this.handlers.set(type, set);
    }
    const entry = handler as unknown as (data: unknown, message: ServerMessage) => void;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  // ——— Controlling ———

  /** Wants a connection (signed in). Idempotent. */
  start(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.hasConnected = false;
    this.attempt = 0;
    this.resetAuthStreak();
    if (this.online) void this.connect();
    else this.setStatus('offline');
  }

  /** Closes for good (sign-out, unmount): no reconnect until `start()`. */
  stop(): void {
    this.wanted = false;
    this.teardown(CLOSE_NORMAL, 'client stopped');
    this.clearTimer('reconnect');
    this.attempt = 0;
    this.hasConnected = false;
    this.setStatus(this.online ? 'idle' : 'offline');
  }

  /** Reconnects now with a fresh token (another user signed in). */
  restart(): void {
    if (!this.wanted) {
      this.start();
      return;
    }
    this.teardown(CLOSE_NORMAL, 'identity changed');
    this.clearTimer('reconnect');
    this.attempt = 0;
    this.resetAuthStreak();
    if (this.online) void this.connect();
    else this.setStatus('offline');
  }

  /**
   * A new token is available. An open connection keeps going (its token was checked at `$connect`); one
   * waiting to reconnect tries now.
   */
  tokenChanged(): void {
    if (!this.wanted || !this.online || this.socket || !this.timers.has('reconnect')) return;
    void this.connect();
  }

  /** The tab is looked at again: a connection paused by `CONNECTION_REPLACED` reconnects now. */
  wake(): void {
    if (this.status !== 'paused' || !this.wanted || !this.online) return;
    this.attempt = 0;
    void this.connect();
  }

  /** The browser's `online` / `offline` events. */
  setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    if (!online) {
      this.teardown(CLOSE_NORMAL, 'offline');
      this.clearTimer('reconnect');
      this.setStatus('offline');
      return;
    }
    if (!this.wanted) {
      this.setStatus('idle');
      return;
    }
    this.attempt = 0;
    void this.connect();
  }

  /**
   * Wants live updates for an event: sends `join-event` now if connected and after every (re)connect.
   * Returns the release: the last release sends `leave-event`.
   */
  joinEvent(eventId: string): () => void {
    const count = this.joins.get(eventId) ?? 0;
    this.joins.set(eventId, count + 1);
    if (count === 0) this.send({ action: 'join-event', eventId });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.joins.get(eventId) ?? 1) - 1;
      if (left > 0) {
        this.joins.set(eventId, left);
        return;
      }
      this.joins.delete(eventId);
      this.send({ action: 'leave-event', eventId });
    };
  }

  /** The events currently joined (for tests and debugging). */
  joinedEvents(): string[] {
    return [...this.joins.keys()];
  }

  /**
   * Sends one frame. Nothing is queued while disconnected: what matters after a reconnect (`resume`, the
   * joins) is re-sent from state. Frames over the API's 128 KB limit are refused here, since the server
   * would answer them by closing the connection (1009).
   */
  send(message: ClientMessage): SendResult {
    const text = JSON.stringify(message);
    const bytes = encoder.encode(text).byteLength;
    if (bytes > this.options.maxFrameBytes) {
      this.log('warn', 'realtime: frame too large, not sent', { action: message.action, bytes });
      return 'too-large';
    }
    const socket = this.socket;
    if (!socket || !this.socketOpen) return 'not-connected';
    try {
      socket.send(text);
      return 'sent';
    } catch (error) {
      this.log('warn', 'realtime: send failed', error);
      return 'not-connected';
    }
  }

  // ——— Connection lifecycle ———

  private async connect(): Promise<void> {
    this.teardown(CLOSE_NORMAL, 'replaced');
    this.clearTimer('reconnect');
    const generation = ++this.generation;
    this.setStatus(this.hasConnected || this.attempt > 0 ? 'reconnecting' : 'connecting');

    let token: string | null;
    try {
      if (this.pendingAuth) await this.pendingAuth.catch(() => undefined);
      token = await this.config.getToken();
    } catch (error) {
      if (generation !== this.generation) return;
      this.log('warn', 'realtime: could not get a token', error);
      this.scheduleReconnect();
      return;
    }
    if (generation !== this.generation || !this.wanted || !this.online) return;
    if (!token) {
      // Signed out (or the session could not be resumed): nothing to connect as.
      this.wanted = false;
      this.hasConnected = false;
      this.setStatus('idle');
      return;
    }

    let socket: SocketLike;
    try {
      socket = new this.config.WebSocket(withToken(this.config.url, token));
    } catch (error) {
      this.log('error', 'realtime: cannot open a WebSocket', error);
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.socketOpen = false;
    this.attemptStartedAt = this.options.now();
    socket.onopen = () => this.handleOpen(socket);
    socket.onmessage = (event) => this.handleMessage(socket, event.data);
    socket.onclose = (event) => this.handleClose(socket, event.code);
    socket.onerror = () => {
      // Always followed by `close`, which carries the handling.
    };
    this.setTimer('connect', this.options.connectTimeoutMs, () => {
      if (this.socket !== socket || this.socketOpen) return;
      this.log('warn', 'realtime: connect timed out');
      this.abandon(socket, CLOSE_NORMAL);
    });
  }

  private handleOpen(socket: SocketLike): void {
    if (socket !== this.socket) return;
    this.socketOpen = true;
    this.clearTimer('connect');
    this.resetAuthStreak();
    const reconnected = this.hasConnected;
    this.hasConnected = true;
    this.setStatus('connected');
    this.setTimer('stable', this.options.stableAfterMs, () => {
      this.attempt = 0;
    });
    this.send({ action: 'resume' });
    for (const eventId of this.joins.keys()) this.send({ action: 'join-event', eventId });
    this.scheduleHeartbeat(socket);
    if (reconnected) {
      for (const listener of [...this.reconnectListeners]) {
        try {
          listener();
        } catch (error) {
          this.log('error', 'realtime: reconnect listener failed', error);
        }
      }
    }
  }

  private handleMessage(socket: SocketLike, raw: unknown): void {
    if (socket !== this.socket) return;
    // Any frame proves the connection is alive.
    this.clearTimer('pong');
    if (typeof raw !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      this.log('warn', 'realtime: ignored a frame that is not JSON');
      return;
    }
    const parsed = serverMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.log('warn', 'realtime: ignored an unknown or invalid message', json);
      return;
    }
    const message = parsed.data;
    if (message.type === 'error') {
      this.log('debug', 'realtime: server error', message.data);
      if (message.data.code === 'CONNECTION_REPLACED') this.replaced = true;
    }
    const handlers = this.handlers.get(message.type);
    if (!handlers) return;
    for (const handler of [...handlers]) {
      try {
        handler(message.data, message);
      } catch (error) {
        this.log('error', `realtime: ${message.type} handler failed`, error);
      }
    }
  }

  private handleClose(socket: SocketLike, code: number): void {
    if (socket !== this.socket) return;
    const wasOpen = this.socketOpen;
    const elapsed = this.options.now() - this.attemptStartedAt;
    this.detach(socket);
    if (!this.wanted || !this.online) return;
    this.log('debug', 'realtime: connection closed', { code, wasOpen });
    if (this.replaced) {
      this.replaced = false;
      this.setStatus('paused');
      return;
    }

    if (!wasOpen && elapsed < this.options.immediateCloseMs) {
      this.immediateCloses += 1;
      if (
        this.immediateCloses >= this.options.authFailureThreshold &&
        !this.authRefreshTried &&
        this.config.onAuthRejected
      ) {
        this.authRefreshTried = true;
        const refresh = this.config.onAuthRejected;
        // Called now (not on a later tick), awaited by the next attempt.
        const pending = (async () => refresh())()
          .catch((error) => this.log('warn', 'realtime: token refresh after refusal failed', error))
          .finally(() => {
            if (this.pendingAuth === pending) this.pendingAuth = null;
          });
        this.pendingAuth = pending;
      }
    } else {
      this.immediateCloses = 0;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.wanted || !this.online) return;
    const { backoffBaseMs, backoffCapMs, random } = this.options;
    const delay = backoffDelay(this.attempt, random(), backoffBaseMs, backoffCapMs);
    this.attempt += 1;
    this.setStatus('reconnecting');
    this.setTimer('reconnect', delay, () => void this.connect());
  }

  private scheduleHeartbeat(socket: SocketLike): void {
    this.setTimer('heartbeat', this.options.heartbeatMs, () => {
      if (socket !== this.socket || !this.socketOpen) return;
      this.send({ action: 'ping' });
      if (!this.timers.has('pong')) {
        this.setTimer('pong', this.options.pongTimeoutMs, () => {
          if (socket !== this.socket) return;
          this.log('warn', 'realtime: no answer to ping, reconnecting');
          this.abandon(socket, CLOSE_HEARTBEAT_TIMEOUT);
        });
      }
      this.scheduleHeartbeat(socket);
    });
  }

  /** Gives up on a socket without waiting for its close handshake (which a dead link never completes). */
  private abandon(socket: SocketLike, code: number): void {
    socket.onclose = null;
    try {
      socket.close(code);
    } catch {
      // Already closed.
    }
    this.handleClose(socket, code);
  }

  /** Forgets the current socket (closing it if needed) and its timers. */
  private teardown(code: number, reason: string): void {
    const socket = this.socket;
    this.generation += 1;
    if (!socket) return;
    this.detach(socket);
    try {
      socket.close(code, reason);
    } catch {
      // Already closed.
    }
  }

  private detach(socket: SocketLike): void {
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = null;
    if (this.socket === socket) {
      this.socket = null;
      this.socketOpen = false;
    }
    for (const name of ['heartbeat', 'pong', 'connect', 'stable'] as const) this.clearTimer(name);
  }

  private resetAuthStreak(): void {
    this.immediateCloses = 0;
    this.authRefreshTried = false;
  }

  private setStatus(status: RealtimeStatus): void {
    if (this.status === status) return;
    this.status = status;
    for (const listener of [...this.statusListeners]) listener();
  }

  private setTimer(name: TimerName, ms: number, callback: () => void): void {
    this.clearTimer(name);
    const handle = this.options.timers.set(() => {
      this.timers.delete(name);
      callback();
    }, ms);
    this.timers.set(name, handle);
  }

  private clearTimer(name: TimerName): void {
    const handle = this.timers.get(name);
    if (handle === undefined) return;
    this.options.timers.clear(handle);
    this.timers.delete(name);
  }
}
