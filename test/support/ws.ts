import { inject } from 'vitest';
import WebSocket from 'ws';
import './provided';

/** WebSocket helpers against the local stack's `/ws` endpoint. */

export interface WsClose {
  code: number;
  reason: string;
}

export interface WsClient {
  socket: WebSocket;
  /** Every message received so far (JSON-parsed when possible). */
  messages: unknown[];
  /** Resolves with the first message (already received or future) matching `predicate`. */
  next<T = unknown>(predicate?: (message: T) => boolean, timeoutMs?: number): Promise<T>;
  send(message: unknown): void;
  /** Settles when the connection closes, with the close code the client saw. */
  closed: Promise<WsClose>;
  close(code?: number): Promise<WsClose>;
}

export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`WebSocket upgrade refused with HTTP ${status}`);
  }
}

export interface OpenOptions {
  token?: string;
  query?: Record<string, string>;
  timeoutMs?: number;
}

export function wsUrl(options: Pick<OpenOptions, 'token' | 'query'> = {}): string {
  const url = new URL(inject('stack').wsUrl);
  if (options.token !== undefined) url.searchParams.set('token', options.token);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  return url.toString();
}

function parse(data: WebSocket.RawData, isBinary: boolean): unknown {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  if (isBinary) return buffer;
  const text = buffer.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Opens a connection; rejects with UpgradeRefused (status, body) if the gateway refuses the upgrade. */
export function openWs(options: OpenOptions = {}): Promise<WsClient> {
  const socket = new WebSocket(wsUrl(options));
  const messages: unknown[] = [];
  const waiters = new Set<{ test: (m: unknown) => boolean; resolve: (m: unknown) => void }>();
  const closed = new Promise<WsClose>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
  );
  socket.on('message', (data, isBinary) => {
    const message = parse(data, isBinary);
    messages.push(message);
    for (const w of waiters) {
      if (w.test(message)) {
        waiters.delete(w);
        w.resolve(message);
      }
    }
  });
  socket.on('error', () => {});

  const client: WsClient = {
    socket,
    messages,
    closed,
    next<T>(predicate: (m: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
      const test = (m: unknown) => predicate(m as T);
      const found = messages.find(test);
      if (found !== undefined) return Promise.resolve(found as T);
      return new Promise<T>((resolve, reject) => {
        const waiter = {
          test,
          resolve: (m: unknown) => {
            clearTimeout(timer);
            resolve(m as T);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `No matching WebSocket message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    send(message) {
      socket.send(
        typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message),
      );
    },
    close(code = 1000) {
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)
        socket.close(code);
      return closed;
    },
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error('WebSocket did not open in time'));
    }, options.timeoutMs ?? 10_000);
    socket.once('open', () => {
      clearTimeout(timer);
      resolve(client);
    });
    socket.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      res.on('end', () => {
        reject(new UpgradeRefused(res.statusCode ?? 0, body));
        socket.terminate();
      });
      res.on('error', () => reject(new UpgradeRefused(res.statusCode ?? 0, body)));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** The HTTP status of a refused upgrade (fails if the upgrade succeeds). */
export async function upgradeStatus(options: OpenOptions = {}): Promise<number> {
  try {
    const client = await openWs(options);
    await client.close();
  } catch (error) {
    if (error instanceof UpgradeRefused) return error.status;
    throw error;
  }
  throw new Error('The WebSocket upgrade was accepted');
}

/**
 * Round trip through the realtime handler: sends `ping` and waits for the pong that answers it. The gateway
 * hands a connection's frames to the handler one at a time, in order, so every frame sent before has been
 * handled (subscriptions written, session stored) when this resolves.
 */
export async function settle(client: WsClient, timeoutMs = 5000): Promise<void> {
  const before = client.messages.length;
  client.send({ action: 'ping' });
  await client.next<{ type?: string }>(
    (m) => m?.type === 'pong' && client.messages.indexOf(m) >= before,
    timeoutMs,
  );
}

/** Messages received after index `from` that match `predicate` (for "nothing else arrived" checks). */
export function received<T = { type: string; data?: Record<string, unknown> }>(
  client: WsClient,
  predicate: (message: T) => boolean = () => true,
  from = 0,
): T[] {
  return (client.messages.slice(from) as T[]).filter(predicate);
}
