import { randomBytes, randomUUID } from 'node:crypto';
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import {
  CLIENT_ACTIONS,
  WS_CLOSE_MESSAGE_TOO_BIG,
  WS_IDLE_TIMEOUT_MS,
  WS_MAX_FRAME_BYTES,
} from '../../../shared/ws';
import { fromManifest, type LambdaRuntime } from '../lambda';
import { buildWsAuthorizerEvent, buildWsEvent, selectWsRoute, type WsEventInfo } from './events';
import { sourceIpOf } from './http';
import {
  AuthorizerConfigurationError,
  evaluateAuthorizerResult,
  isUnauthorizedError,
  parseProxyResult,
} from './results';

/**
 * The WebSocket half of the API Gateway emulator: `$connect` (REQUEST authorizer on `?token=`, then the
 * realtime handler, either of which can refuse the upgrade), `$disconnect`, `$default` and one route per
 * client action (selection on `$request.body.action`), AWS's frame limit (close 1009) and idle timeout, and the
 * connection registry the `@connections` management API works on.
 */

export const REALTIME_FUNCTION = fromManifest('realtime');
export const WS_AUTHORIZER_FUNCTION = fromManifest('wsAuthorizer');
/** AWS closes every connection after 2 hours. */
export const WS_MAX_CONNECTION_MS = 2 * 60 * 60 * 1000;

export function frameTooBig(bytes: number, limit = WS_MAX_FRAME_BYTES): boolean {
  return bytes > limit;
}

/** API Gateway connection ids look like `L0SM9cOFvHcCIhw=`: 16 base64 characters. */
export function newConnectionId(): string {
  return randomBytes(11).toString('base64');
}

export interface Connection {
  id: string;
  socket: WebSocket;
  connectedAt: number;
  lastActiveAt: number;
  sourceIp: string;
  userAgent: string | null;
  domainName: string;
  authorizer?: Record<string, unknown>;
  /** Messages are handed to the handler one at a time, in arrival order, per connection. */
  queue: Promise<void>;
  idleTimer?: NodeJS.Timeout;
  maxTimer?: NodeJS.Timeout;
}

export interface WsLogEntry {
  event: 'connect' | 'refused' | 'disconnect';
  connectionId?: string;
  status?: number;
  code?: number;
  ms?: number;
}

export interface WebSocketGatewayOptions {
  runtime: LambdaRuntime;
  idleTimeoutMs?: number;
  maxConnectionMs?: number;
  log?: (entry: WsLogEntry) => void;
  onError?: (where: string, requestId: string, error: unknown) => void;
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

export class WebSocketGateway {
  private readonly wss: WebSocketServer;
  private readonly connections = new Map<string, Connection>();
  private readonly pending = new Set<Promise<unknown>>();
  private closing = false;

  constructor(private readonly options: WebSocketGatewayOptions) {
    // maxPayload makes `ws` close oversize frames with 1009 itself, before buffering them.
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: WS_MAX_FRAME_BYTES,
      perMessageDeflate: false,
    });
  }

  get size(): number {
    return this.connections.size;
  }

  get(id: string): Connection | undefined {
    return this.connections.get(id);
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    const started = performance.now();
    const connectionId = newConnectionId();
    const requestId = randomUUID();
    const connectedAt = Date.now();
    const base: Omit<WsEventInfo, 'routeKey' | 'eventType'> = {
      connectionId,
      connectedAt,
      requestId,
      domainName: req.headers.host ?? 'localhost',
      sourceIp: sourceIpOf(req),
      userAgent: req.headers['user-agent'] ?? null,
      rawHeaders: req.rawHeaders,
      search: url.search,
    };
    socket.on('error', () => socket.destroy());
    const refused = (status: number, message: string) => {
      refuse(socket, status, message);
      this.options.log?.({ event: 'refused', status, ms: Math.round(performance.now() - started) });
    };
    if (this.closing) return refused(500, 'Internal server error');

    const connectEvent = buildWsEvent({ ...base, routeKey: '$connect', eventType: 'CONNECT' });
    // Identity source `route.request.querystring.token`: without it the authorizer is not even called.
    if (!url.searchParams.get('token')) return refused(401, 'Unauthorized');

    let authorizer: Record<string, unknown>;
    try {
      const authEvent = buildWsAuthorizerEvent(connectEvent);
      const result = await this.options.runtime.invoke(WS_AUTHORIZER_FUNCTION, authEvent, requestId);
      const decision = evaluateAuthorizerResult(result, String(authEvent.methodArn));
      if (decision.effect === 'Deny') return refused(403, 'Forbidden');
      authorizer = decision.authorizer;
    } catch (error) {
      if (isUnauthorizedError(error)) return refused(401, 'Unauthorized');
      this.options.onError?.(
        error instanceof AuthorizerConfigurationError ? 'ws authorizer (bad result)' : 'ws authorizer',
        requestId,
        error,
      );
      return refused(500, 'Internal server error');
    }

    (connectEvent.requestContext as Record<string, unknown>).authorizer = authorizer;
    try {
      const result = parseProxyResult(
        await this.options.runtime.invoke(REALTIME_FUNCTION, connectEvent, requestId),
      );
      const status = result?.statusCode ?? 200;
      if (status < 200 || status > 299) return refused(status >= 400 ? status : 403, 'Forbidden');
    } catch (error) {
      this.options.onError?.('realtime $connect', requestId, error);
      return refused(500, 'Internal server error');
    }
    if (socket.destroyed) {
      // The client gave up while $connect ran: API Gateway would now fire $disconnect.
      this.track(this.invokeDisconnect({ ...base, authorizer }, 1006, 'Client went away during $connect'));
      return;
    }

    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection: Connection = {
        id: connectionId,
        socket: ws,
        connectedAt,
        lastActiveAt: connectedAt,
        sourceIp: base.sourceIp,
        userAgent: base.userAgent,
        domainName: base.domainName,
        authorizer,
        queue: Promise.resolve(),
      };
      this.connections.set(connectionId, connection);
      this.attach(connection);
      this.options.log?.({
        event: 'connect',
        connectionId,
        status: 101,
        ms: Math.round(performance.now() - started),
      });
    });
  }

  private attach(connection: Connection): void {
    const { socket } = connection;
    const idleMs = this.options.idleTimeoutMs ?? WS_IDLE_TIMEOUT_MS;
    const touch = () => {
      connection.lastActiveAt = Date.now();
      if (connection.idleTimer) clearTimeout(connection.idleTimer);
      connection.idleTimer = setTimeout(() => socket.close(1001, 'Going away'), idleMs);
      connection.idleTimer.unref();
    };
    touch();
    connection.maxTimer = setTimeout(
      () => socket.close(1001, 'Going away'),
      this.options.maxConnectionMs ?? WS_MAX_CONNECTION_MS,
    );
    connection.maxTimer.unref();

    socket.on('message', (data: RawData, isBinary: boolean) => {
      touch();
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (frameTooBig(buffer.length)) {
        socket.close(WS_CLOSE_MESSAGE_TOO_BIG, 'Message too big');
        return;
      }
      const body = isBinary ? buffer.toString('base64') : buffer.toString('utf8');
      const routeKey = isBinary ? '$default' : selectWsRouteFor(body);
      connection.queue = connection.queue.then(() =>
        this.invokeMessage(connection, routeKey, body, isBinary),
      );
      this.track(connection.queue);
    });
    socket.on('ping', touch);
    // Oversize frames surface here (ws already closes with 1009); nothing else to do but not crash.
    socket.on('error', () => {});
    socket.on('close', (code: number, reason: Buffer) => {
      clearTimeout(connection.idleTimer);
      clearTimeout(connection.maxTimer);
      this.connections.delete(connection.id);
      const started = performance.now();
      const done = connection.queue.then(() =>
        this.invokeDisconnect(connection, code, reason.toString('utf8')).finally(() =>
          this.options.log?.({
            event: 'disconnect',
            connectionId: connection.id,
            code,
            ms: Math.round(performance.now() - started),
          }),
        ),
      );
      this.track(done);
    });
  }

  private invokeMessage(connection: Connection, routeKey: string, body: string, isBinary: boolean) {
    // Without a route response configured, API Gateway does not send the result back: the handler
    // answers through the @connections API itself.
    return this.invokeRealtime(routeKey, 'MESSAGE', connection, { body, isBase64Encoded: isBinary });
  }

  private invokeDisconnect(
    connection: Pick<Connection, 'connectedAt' | 'sourceIp' | 'userAgent' | 'domainName' | 'authorizer'> & {
      id?: string;
      connectionId?: string;
    },
    code: number,
    reason: string,
  ): Promise<void> {
    return this.invokeRealtime('$disconnect', 'DISCONNECT', connection, {
      disconnectStatusCode: code,
      disconnectReason: reason,
    });
  }

  /** Builds the API Gateway WebSocket event for a connection and runs the realtime handler; errors are reported. */
  private async invokeRealtime(
    routeKey: string,
    eventType: 'MESSAGE' | 'DISCONNECT',
    connection: Pick<Connection, 'connectedAt' | 'sourceIp' | 'userAgent' | 'domainName' | 'authorizer'> & {
      id?: string;
      connectionId?: string;
    },
    extra: Partial<Parameters<typeof buildWsEvent>[0]>,
  ): Promise<void> {
    const requestId = randomUUID();
    const event = buildWsEvent({
      routeKey,
      eventType,
      connectionId: connection.id ?? connection.connectionId ?? '',
      connectedAt: connection.connectedAt,
      requestId,
      domainName: connection.domainName,
      sourceIp: connection.sourceIp,
      userAgent: connection.userAgent,
      authorizer: connection.authorizer,
      ...extra,
    });
    try {
      await this.options.runtime.invoke(REALTIME_FUNCTION, event, requestId);
    } catch (error) {
      this.options.onError?.(`realtime ${routeKey}`, requestId, error);
    }
  }

  /** @connections POST: false when the connection is gone. */
  post(id: string, data: Buffer): boolean {
    const connection = this.connections.get(id);
    if (!connection || connection.socket.readyState !== WebSocket.OPEN) return false;
    // API Gateway delivers text frames for UTF-8 payloads, binary otherwise.
    connection.socket.send(data, { binary: !isUtf8(data) });
    return true;
  }

  /** @connections DELETE: false when the connection is gone. */
  disconnect(id: string): boolean {
    const connection = this.connections.get(id);
    if (!connection) return false;
    connection.socket.close(1000, 'Connection closed by the server');
    return true;
  }

  private track(promise: Promise<unknown>): void {
    const p = promise.catch(() => {});
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /**
   * Closes every connection and waits (bounded) until each one's `$disconnect` has run, so the stores those
   * handlers write to are still up. Connections already closing count too: their close event is still due.
   */
  async close(timeoutMs = 5000): Promise<void> {
    this.closing = true;
    for (const connection of this.connections.values()) connection.socket.close(1001, 'Going away');
    const settle = async (until: number) => {
      while ((this.pending.size || this.connections.size) && Date.now() < until) {
        // Always a real timer in the race: with nothing pending, allSettled([]) alone would spin on microtasks
        // and starve the very I/O (close events) being waited for.
        const tick = new Promise((r) => setTimeout(r, 25));
        await (this.pending.size ? Promise.race([Promise.allSettled([...this.pending]), tick]) : tick);
      }
    };
    await settle(Date.now() + timeoutMs);
    for (const connection of this.connections.values()) connection.socket.terminate();
    await settle(Date.now() + 1000);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

const ROUTES: readonly string[] = CLIENT_ACTIONS;
function selectWsRouteFor(body: string): string {
  return selectWsRoute(body, ROUTES);
}

function isUtf8(data: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
}
