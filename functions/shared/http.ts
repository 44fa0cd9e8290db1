import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ZodError, z } from 'zod';
import type { Role } from '../../shared/domain';
import { VIEWER_IP_HEADER } from '../../shared/edge';
import { type ErrorCode, errorEnvelope, httpStatusOf } from '../../shared/errors';
import { type FunctionName, type Route, type RouteDef, type RouteId, routes } from '../../shared/routes';
import { AppError, TooManyRequestsError } from './errors';
import { createLogger, lambdaContextMiddleware } from './logger';
import { getSessionDenylist } from './session-denylist';
import { isTransient } from './transient';

/**
 * The REST edge of every function: middleware first (error envelope, request logging), the handler last.
 * It resolves the route from the shared table, parses and validates params/query/body with the route's
 * schemas, checks the auth level against the authorizer's context, calls the operation and maps the result.
 * Errors become `{ error: { code, message, details? } }` here and only here; unknown errors become a
 * generic 500 whose text never leaves the function.
 */

export interface AuthContext {
  userId: string;
  role: Role;
  email: string;
  /** The token's session (`sid`) and id (`jti`), for the ended-session check. */
  sessionId?: string;
  tokenId?: string;
}

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;
type ReqOf<R> = R extends { request: infer Q } ? Q : never;

export interface HttpRequest<R extends Route = Route> {
  params: Infer<ReqOf<R> extends { params: infer P } ? P : undefined>;
  query: Infer<ReqOf<R> extends { query: infer Q } ? Q : undefined>;
  body: Infer<ReqOf<R> extends { body: infer B } ? B : undefined>;
  /** Set by the authorizer for `user`/`admin` routes; never read from the body or query. */
  auth: R['auth'] extends 'public' ? AuthContext | null : AuthContext;
  headers: Record<string, string>;
  requestId: string;
  sourceIp: string;
}

export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Operations<F extends FunctionName> = {
  [I in Extract<Route, { fn: F }>['id']]: (
    req: HttpRequest<Extract<Route, { id: I }>>,
  ) => Promise<HttpResult>;
};

const JSON_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'X-Content-Type-Options': 'nosniff',
};

function respond(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { ...JSON_HEADERS, 'Cache-Control': 'no-store', ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

function zodDetails(error: ZodError) {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
}

export function errorResponse(
  code: ErrorCode,
  message: string,
  details?: unknown,
  headers?: Record<string, string>,
) {
  return respond(httpStatusOf(code), errorEnvelope(code, message, details), headers);
}

function lowerHeaders(h: APIGatewayProxyEvent['headers'] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (typeof v === 'string') out[k.toLowerCase()] = v;
  return out;
}

export function authContextOf(event: APIGatewayProxyEvent): AuthContext | null {
  const a = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  if (!a || typeof a.userId !== 'string' || (a.role !== 'user' && a.role !== 'admin')) return null;
  return {
    userId: a.userId,
    role: a.role,
    email: String(a.email ?? ''),
    ...(typeof a.sid === 'string' ? { sessionId: a.sid } : {}),
    ...(typeof a.jti === 'string' ? { tokenId: a.jti } : {}),
  };
}

/** API Gateway may serve a cached authorizer decision: a token of an ended session is refused here too. */
async function refuseEndedSession(auth: AuthContext): Promise<void> {
  if (!auth.sessionId && !auth.tokenId) return;
  const denied = await (await getSessionDenylist()).isDenied({ sid: auth.sessionId, jti: auth.tokenId });
  if (denied) throw new AppError('TOKEN_INVALID', 'This session has ended; sign in again');
}

function parseJsonBody(event: APIGatewayProxyEvent, headers: Record<string, string>): unknown {
  if (event.body === null || event.body === undefined || event.body === '') {
    throw new AppError('VALIDATION_FAILED', 'A JSON request body is required');
  }
  const type = headers['content-type'];
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  }
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(raw);
  } catch {
    throw new AppError('MALFORMED_JSON', 'The request body is not valid JSON');
  }
}

function parsePart(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw new AppError('VALIDATION_FAILED', `Invalid ${where}`, zodDetails(result.error));
  return result.data;
}

/** Seconds a client is told to wait when a dependency is down: restarts and failovers take a few seconds. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 2;

/** Middy middleware: maps thrown errors to the envelope; the only place errors become HTTP. */
export function errorEnvelopeMiddleware(
  logger: ReturnType<typeof createLogger>,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const err = request.error;
      if (err instanceof AppError) {
        const headers: Record<string, string> = {};
        if (err instanceof TooManyRequestsError) headers['Retry-After'] = String(err.retryAfterSeconds);
        if (err.code === 'DEPENDENCY_UNAVAILABLE')
          headers['Retry-After'] = String(DEPENDENCY_RETRY_AFTER_SECONDS);
        if (httpStatusOf(err.code) >= 500) logger.error('request failed', { code: err.code, error: err });
        request.response = errorResponse(err.code, err.message, err.details, headers);
        return;
      }
      // A dependency outage (PostgreSQL or Redis unreachable, restarting, out of connections; an AWS service
      // throttling or failing), as the one transient rule decides, not a bug: 503 + Retry-After, so clients come back.
      if (isTransient(err)) {
        logger.warn('dependency unavailable', { error: err as Error });
        request.response = errorResponse(
          'DEPENDENCY_UNAVAILABLE',
          'The service is briefly unavailable; try again shortly',
          undefined,
          { 'Retry-After': String(DEPENDENCY_RETRY_AFTER_SECONDS) },
        );
        return;
      }
      logger.error('unhandled error', { error: err as Error });
      request.response = errorResponse('INTERNAL', 'Internal server error');
    },
  };
}

export function createHttpHandler<F extends FunctionName>(fn: F, operations: Operations<F>) {
  const logger = createLogger(fn);
  const table = new Map<string, RouteDef>();
  for (const r of routes as readonly RouteDef[]) if (r.fn === fn) table.set(`${r.method} ${r.path}`, r);

  const dispatch = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const route = table.get(`${event.httpMethod} ${event.resource}`);
    if (!route) throw new AppError('ROUTE_NOT_FOUND', 'No such route');
    const headers = lowerHeaders(event.headers);
    const auth = authContextOf(event);
    if (route.auth !== 'public' && !auth) throw new AppError('UNAUTHENTICATED', 'Authentication required');
    if (auth) await refuseEndedSession(auth);
    if (route.auth === 'admin' && auth?.role !== 'admin')
      throw new AppError('FORBIDDEN', 'Administrators only');

    const request = {
      params: parsePart(route.request.params, event.pathParameters ?? {}, 'path parameters'),
      query: parsePart(route.request.query, event.queryStringParameters ?? {}, 'query parameters'),
      body: route.request.body
        ? parsePart(route.request.body, parseJsonBody(event, headers), 'request body')
        : undefined,
      auth,
      headers,
      requestId: event.requestContext?.requestId ?? context.awsRequestId,
      // Behind CloudFront the connection's address is an edge's; the viewer's is in VIEWER_IP_HEADER, set by the
      // edge over anything the client sent (and nothing reaches the API but through the edge: WAF, gateway).
      sourceIp: headers[VIEWER_IP_HEADER] || (event.requestContext?.identity?.sourceIp ?? 'unknown'),
    };
    const op = (operations as Record<RouteId, (req: typeof request) => Promise<HttpResult>>)[
      route.id as RouteId
    ];
    const result = await op(request);
    if (result.status === 204) return { statusCode: 204, headers: { 'Cache-Control': 'no-store' }, body: '' };
    const cache: Record<string, string> =
      route.cache && route.auth === 'public' ? { 'Cache-Control': route.cache } : {};
    return respond(result.status, result.body, { ...cache, ...result.headers });
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(lambdaContextMiddleware())
    .use(errorEnvelopeMiddleware(logger))
    .handler(dispatch);
}
