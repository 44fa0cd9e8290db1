import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { routes } from '../../../shared/routes';
import { LOCAL_AWS } from '../dynamo';
import { closeServer, listen } from '../http-server';
import type { LambdaRuntime } from '../lambda';
import { LOOPBACK } from '../ports';
import { STAGE } from './events';
import { hostOf, isAllowedHost, sendError, sendJson } from './http';
import { connectionIdFromPath, handleManagement } from './management';
import { type RequestLogEntry, RestGateway } from './rest';
import { createNoWeb, type WebApp } from './web';
import { WebSocketGateway, type WsLogEntry } from './websocket';

/**
 * One HTTP server for everything the browser and the handlers talk to: the REST API (`/api/v1/*`, `/health`),
 * `/config.json`, the WebSocket API at `/ws`, its management API at `/ws/@connections/{id}`, and the web app.
 */

export const WS_PATH = '/ws';

export interface GatewayOptions {
  port: number;
  runtime: LambdaRuntime;
  quiet?: boolean;
  /** WebSocket idle timeout (AWS: 10 min); tests shorten it. */
  idleTimeoutMs?: number;
  onError?: (where: string, requestId: string, error: unknown) => void;
  print?: (line: string) => void;
}

export interface RunningGateway {
  port: number;
  url: string;
  server: Server;
  rest: RestGateway;
  ws: WebSocketGateway;
  /** Mounts the web app (created after listen: Vite's HMR needs the server). */
  setWeb(web: WebApp): void;
  /** Until called, requests get 503: the handlers' environment is not complete before that. */
  setReady(): void;
  stop(): Promise<void>;
}

export function configJson(host: string) {
  return { apiUrl: '/api/v1', wsUrl: `ws://${host}${WS_PATH}`, stage: STAGE, region: LOCAL_AWS.region };
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  let port = options.port;
  let ready = false;
  let web: WebApp = createNoWeb();
  const print = options.print ?? ((line: string) => console.log(line));
  const logRequest = (e: RequestLogEntry) => {
    if (!options.quiet) print(`  ${e.method.padEnd(6)} ${e.path} ${e.status} ${e.ms}ms`);
  };
  const logWs = (e: WsLogEntry) => {
    if (options.quiet) return;
    const what = e.event === 'disconnect' ? `close ${e.code}` : String(e.status);
    print(`  WS     ${e.event} ${e.connectionId ?? ''} ${what} ${e.ms ?? 0}ms`.replace(/ {2,}/g, ' '));
  };

  const rest = new RestGateway({
    runtime: options.runtime,
    routes,
    port: () => port,
    log: logRequest,
    onError: options.onError,
  });
  const ws = new WebSocketGateway({
    runtime: options.runtime,
    idleTimeoutMs: options.idleTimeoutMs,
    log: logWs,
    onError: options.onError,
  });

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
    } catch {
      return sendError(res, 400, 'VALIDATION_FAILED', 'Malformed request URL');
    }
    if (!isAllowedHost(req.headers.host, port)) {
      req.resume();
      return sendError(res, 403, 'FORBIDDEN', 'Unknown Host: use localhost or 127.0.0.1 with this port', {
        Connection: 'close',
      });
    }
    if (!ready) {
      req.resume();
      return sendError(res, 503, 'DEPENDENCY_UNAVAILABLE', 'The local stack is still starting', {
        'Retry-After': '1',
      });
    }
    if (url.pathname === '/config.json') {
      req.resume();
      return sendJson(res, 200, configJson(hostOf(req, `${LOOPBACK}:${port}`)), {
        'Cache-Control': 'no-cache',
      });
    }
    const connectionId = connectionIdFromPath(url.pathname, WS_PATH);
    if (connectionId !== undefined) {
      const started = performance.now();
      const status = await handleManagement(ws, req, res, connectionId);
      logRequest({
        method: req.method ?? '',
        path: url.pathname,
        status,
        ms: Math.round(performance.now() - started),
        requestId: '',
      });
      return;
    }
    if (rest.owns(url.pathname)) return rest.handle(req, res, url);
    web.handle(req, res);
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      options.onError?.('gateway', '', error);
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'Internal server error');
      else res.destroy();
    });
  });
  // Large uploads must reach readBody (for the 413), not the header timeout.
  server.requestTimeout = 60_000;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
    } catch {
      socket.destroy();
      return;
    }
    if (!isAllowedHost(req.headers.host, port)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (url.pathname === WS_PATH || url.pathname === `${WS_PATH}/`) {
      if (!ready) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      ws.handleUpgrade(req, socket, head, url).catch((error: unknown) => {
        options.onError?.('ws upgrade', '', error);
        socket.destroy();
      });
      return;
    }
    // Vite's HMR client upgrades on this same server with its own protocol; Vite's listener takes it.
    const isViteHmr = String(req.headers['sec-websocket-protocol'] ?? '').includes('vite-hmr');
    if (!(web.mode === 'dev' && isViteHmr)) socket.destroy();
  });

  port = await listen(server, options.port, 'gateway');
  return {
    port,
    url: `http://${LOOPBACK}:${port}`,
    server,
    rest,
    ws,
    setWeb(app) {
      web = app;
    },
    setReady() {
      ready = true;
    },
    async stop() {
      ready = false;
      // Every open connection's $disconnect must reach DynamoDB before the stores stop; ten thousand of them
      // (bench:fanout) take longer than a handful. Waits only as long as there is work.
      await ws.close(60_000);
      await web.close();
      await closeServer(server);
    },
  };
}
