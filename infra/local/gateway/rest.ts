import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { FUNCTIONS, type FunctionName, type RouteDef } from '../../../shared/routes';
import { fromManifest, type LambdaRuntime, type LocalFunction } from '../lambda';
import { buildRestAuthorizerEvent, buildRestEvent, headerValue, REST_API_ID } from './events';
import { BodyTooLargeError, MAX_REQUEST_BYTES, readBody, sendError, sourceIpOf } from './http';
import {
  AuthorizerConfigurationError,
  evaluateAuthorizerResult,
  isUnauthorizedError,
  parseProxyResult,
} from './results';
import { RouteTable } from './routes';

/**
 * The REST half of the API Gateway emulator: route table → (REQUEST authorizer for `user`/`admin` routes) →
 * Lambda proxy integration, with API Gateway's limits (10 MB body, 29 s integration timeout) and its
 * gateway responses rendered in our error envelope.
 */

export const INTEGRATION_TIMEOUT_MS = 29_000;

export const REST_FUNCTIONS: Record<FunctionName, LocalFunction> = Object.fromEntries(
  FUNCTIONS.map((fn) => [fn, fromManifest(fn)]),
) as Record<FunctionName, LocalFunction>;
export const AUTHORIZER_FUNCTION = fromManifest('authorizer');

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  ms: number;
  requestId: string;
}

export interface RestGatewayOptions {
  runtime: LambdaRuntime;
  routes: readonly RouteDef[];
  /** Port the gateway listens on (for X-Forwarded-Port). */
  port: () => number;
  log?: (entry: RequestLogEntry) => void;
  /** Handler and authorizer failures: logged for the developer, never shown to the client. */
  onError?: (where: string, requestId: string, error: unknown) => void;
  integrationTimeoutMs?: number;
}

type Outcome = { status: number };

export class RestGateway {
  readonly table: RouteTable<RouteDef>;

  constructor(private readonly options: RestGatewayOptions) {
    this.table = new RouteTable(options.routes);
  }

  /** True for paths the REST API owns (everything under /api, plus table paths such as /health). */
  owns(pathname: string): boolean {
    return pathname === '/api' || pathname.startsWith('/api/') || this.table.has(pathname);
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID();
    res.setHeader('X-Request-Id', requestId);
    res.setHeader('x-amzn-RequestId', requestId);
    let outcome: Outcome = { status: 500 };
    try {
      outcome = await this.dispatch(req, res, url, requestId);
    } catch (error) {
      this.options.onError?.('gateway', requestId, error);
      sendError(res, 500, 'INTERNAL', 'Internal server error');
    } finally {
      this.options.log?.({
        method: req.method ?? 'GET',
        path: url.pathname,
        status: res.statusCode || outcome.status,
        ms: Math.round(performance.now() - started),
        requestId,
      });
    }
  }

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    requestId: string,
  ): Promise<Outcome> {
    const method = (req.method ?? 'GET').toUpperCase();
    const match = this.table.match(method, url.pathname);
    if (match.kind === 'not-found') {
      req.resume();
      sendError(res, 404, 'ROUTE_NOT_FOUND', `No route for ${method} ${url.pathname}`);
      return { status: 404 };
    }
    if (match.kind === 'method-not-allowed') {
      req.resume();
      const allow = match.allowed.join(', ');
      if (method === 'OPTIONS') {
        res.writeHead(204, { Allow: `${allow}, OPTIONS` }).end();
        return { status: 204 };
      }
      sendError(res, 405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${match.resource}`, {
        Allow: allow,
      });
      return { status: 405 };
    }

    let body: Buffer;
    try {
      body = await readBody(req, MAX_REQUEST_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      sendError(res, 413, 'PAYLOAD_TOO_LARGE', 'Request body exceeds 10 MB', { Connection: 'close' });
      return { status: 413 };
    }

    const now = Date.now();
    let event: APIGatewayProxyEvent = buildRestEvent({
      method,
      path: url.pathname,
      search: url.search,
      rawHeaders: req.rawHeaders,
      body,
      resource: match.resource,
      pathParameters: match.params,
      sourceIp: sourceIpOf(req),
      port: this.options.port(),
      requestId,
      requestTimeEpoch: now,
      domainName: `${REST_API_ID}.execute-api.localhost`,
    });

    if (match.route.auth !== 'public') {
      const decision = await this.authorize(event, requestId);
      if ('status' in decision) {
        const [code, message] =
          decision.status === 401
            ? (['UNAUTHENTICATED', 'Authentication required'] as const)
            : decision.status === 403
              ? (['FORBIDDEN', 'Not allowed'] as const)
              : (['INTERNAL', 'Internal server error'] as const);
        sendError(res, decision.status, code, message);
        return { status: decision.status };
      }
      event = { ...event, requestContext: { ...event.requestContext, authorizer: decision.authorizer } };
    }

    const fn = REST_FUNCTIONS[match.route.fn];
    let result: unknown;
    try {
      result = await this.withIntegrationTimeout(this.options.runtime.invoke(fn, event, requestId));
    } catch (error) {
      if (error instanceof IntegrationTimeout) {
        sendError(res, 504, 'INTERNAL', 'Endpoint request timed out');
        return { status: 504 };
      }
      this.options.onError?.(fn.name, requestId, error);
      sendError(res, 500, 'INTERNAL', 'Internal server error');
      return { status: 500 };
    }
    const response = parseProxyResult(result);
    if (!response) {
      this.options.onError?.(
        fn.name,
        requestId,
        new Error(`Malformed Lambda proxy response: ${preview(result)}`),
      );
      sendError(res, 502, 'INTERNAL', 'Internal server error');
      return { status: 502 };
    }
    for (const { name, values } of response.headers.values()) res.setHeader(name, values);
    res.setHeader('Content-Length', response.body.length);
    res.writeHead(response.statusCode);
    res.end(method === 'HEAD' ? undefined : response.body);
    return { status: response.statusCode };
  }

  /**
   * Like API Gateway with identity source `Authorization`: a missing header is 401 without calling the
   * authorizer; "Unauthorized" thrown is 401; a Deny policy is 403; anything else from the authorizer is 500.
   */
  private async authorize(
    event: APIGatewayProxyEvent,
    requestId: string,
  ): Promise<{ status: number } | { authorizer: Record<string, unknown> }> {
    if (!headerValue(event.headers as Record<string, string>, 'authorization')) return { status: 401 };
    const authEvent = buildRestAuthorizerEvent(event);
    const started = Date.now();
    try {
      const result = await this.options.runtime.invoke(AUTHORIZER_FUNCTION, authEvent, requestId);
      const decision = evaluateAuthorizerResult(result, authEvent.methodArn);
      if (decision.effect === 'Deny') return { status: 403 };
      return { authorizer: { ...decision.authorizer, integrationLatency: Date.now() - started } };
    } catch (error) {
      if (isUnauthorizedError(error)) return { status: 401 };
      this.options.onError?.(
        error instanceof AuthorizerConfigurationError ? 'authorizer (bad result)' : AUTHORIZER_FUNCTION.name,
        requestId,
        error,
      );
      return { status: 500 };
    }
  }

  private withIntegrationTimeout<T>(promise: Promise<T>): Promise<T> {
    const ms = this.options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new IntegrationTimeout()), ms);
        timer.unref();
      }),
    ]).finally(() => clearTimeout(timer));
  }
}

class IntegrationTimeout extends Error {}

function preview(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    return String(value);
  }
}
