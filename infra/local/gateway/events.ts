import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { VIEWER_IP_HEADER } from '../../../shared/edge';
import { LOCAL_AWS } from '../dynamo';

/**
 * Pure builders for the events API Gateway hands to Lambda (REST v1 proxy integration, REQUEST authorizers,
 * WebSocket routes), kept separate from the servers so their shape is unit-tested.
 */

export const STAGE = 'local';
export const REST_API_ID = 'tiketilocal';
export const WS_API_ID = 'tiketiws';

export interface HeaderMaps {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
}

/**
 * From Node's `rawHeaders` (name, value, name, value…): API Gateway REST keeps the names as the client sent
 * them; `headers` holds the last value of a repeated header, `multiValueHeaders` every value.
 */
export function headerMaps(rawHeaders: readonly string[]): HeaderMaps {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const value = rawHeaders[i + 1] as string;
    // A repeated header with different casing is still one header: keep the first spelling seen.
    const key = Object.keys(multiValueHeaders).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
    headers[key] = value;
    multiValueHeaders[key] = [...(multiValueHeaders[key] ?? []), value];
  }
  return { headers, multiValueHeaders };
}

/** Case-insensitive header lookup (first spelling wins), as handlers should do too. */
export function headerValue(
  headers: Record<string, string> | null | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export interface QueryMaps {
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
}

/** Decoded query parameters; `null` (not `{}`) when there are none, as API Gateway sends them. */
export function queryMaps(search: string): QueryMaps {
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of params) {
    single[key] = value;
    multi[key] = [...(multi[key] ?? []), value];
  }
  const empty = Object.keys(single).length === 0;
  return {
    queryStringParameters: empty ? null : single,
    multiValueQueryStringParameters: empty ? null : multi,
  };
}

/**
 * API Gateway appends the caller's address to X-Forwarded-For and sets the port/proto headers. The gateway also
 * plays CloudFront: the viewer address header is the socket's address, whatever the client sent under that name.
 */
export function withForwardedHeaders(maps: HeaderMaps, sourceIp: string, port: number): HeaderMaps {
  const headers = { ...maps.headers };
  const multiValueHeaders = { ...maps.multiValueHeaders };
  const set = (name: string, value: string) => {
    const existing = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
    if (existing) {
      delete headers[existing];
      delete multiValueHeaders[existing];
    }
    headers[name] = value;
    multiValueHeaders[name] = [value];
  };
  const prior = headerValue(maps.headers, 'x-forwarded-for');
  set('X-Forwarded-For', prior ? `${prior}, ${sourceIp}` : sourceIp);
  set('X-Forwarded-Port', String(port));
  set('X-Forwarded-Proto', 'http');
  set(VIEWER_IP_HEADER, sourceIp);
  return { headers, multiValueHeaders };
}

export interface RestRequestInfo {
  method: string;
  /** Decoded-free raw path, e.g. `/api/v1/events/abc`. */
  path: string;
  search: string;
  rawHeaders: readonly string[];
  body: Buffer | null;
  resource: string;
  pathParameters: Record<string, string>;
  sourceIp: string;
  port: number;
  requestId: string;
  requestTimeEpoch: number;
  domainName: string;
}

export function buildRestEvent(
  info: RestRequestInfo,
  authorizer?: Record<string, unknown>,
): APIGatewayProxyEvent {
  const { headers, multiValueHeaders } = withForwardedHeaders(
    headerMaps(info.rawHeaders),
    info.sourceIp,
    info.port,
  );
  const query = queryMaps(info.search);
  const userAgent = headerValue(headers, 'user-agent') ?? null;
  return {
    resource: info.resource,
    path: info.path,
    httpMethod: info.method,
    headers,
    multiValueHeaders,
    ...query,
    pathParameters: Object.keys(info.pathParameters).length ? { ...info.pathParameters } : null,
    stageVariables: null,
    body: info.body && info.body.length > 0 ? info.body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: LOCAL_AWS.accountId,
      apiId: REST_API_ID,
      authorizer: authorizer ?? null,
      domainName: info.domainName,
      domainPrefix: info.domainName.split('.')[0] ?? info.domainName,
      extendedRequestId: info.requestId,
      httpMethod: info.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: info.sourceIp,
        user: null,
        userAgent,
        userArn: null,
      },
      path: `/${STAGE}${info.path}`,
      protocol: 'HTTP/1.1',
      requestId: info.requestId,
      requestTime: new Date(info.requestTimeEpoch).toUTCString(),
      requestTimeEpoch: info.requestTimeEpoch,
      resourceId: info.resource,
      resourcePath: info.resource,
      stage: STAGE,
    },
  };
}

export function methodArn(apiId: string, method: string, path: string): string {
  return `arn:aws:execute-api:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:${apiId}/${STAGE}/${method}${path}`;
}

/** The REQUEST authorizer event for a REST route: the request minus its body. */
export function buildRestAuthorizerEvent(event: APIGatewayProxyEvent): APIGatewayRequestAuthorizerEvent {
  const { authorizer: _omit, ...requestContext } = event.requestContext;
  return {
    type: 'REQUEST',
    methodArn: methodArn(REST_API_ID, event.httpMethod, event.path),
    resource: event.resource,
    path: event.path,
    httpMethod: event.httpMethod,
    headers: event.headers as Record<string, string>,
    multiValueHeaders: event.multiValueHeaders as Record<string, string[]>,
    pathParameters: event.pathParameters as Record<string, string> | null,
    queryStringParameters: event.queryStringParameters as Record<string, string> | null,
    multiValueQueryStringParameters: event.multiValueQueryStringParameters as Record<string, string[]> | null,
    stageVariables: null,
    requestContext: requestContext as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

export type WsEventType = 'CONNECT' | 'DISCONNECT' | 'MESSAGE';

export interface WsEventInfo {
  routeKey: string;
  eventType: WsEventType;
  connectionId: string;
  connectedAt: number;
  requestId: string;
  domainName: string;
  sourceIp: string;
  userAgent: string | null;
  authorizer?: Record<string, unknown>;
  /** $connect only. */
  rawHeaders?: readonly string[];
  search?: string;
  /** MESSAGE only. */
  body?: string;
  isBase64Encoded?: boolean;
  /** DISCONNECT only. */
  disconnectStatusCode?: number;
  disconnectReason?: string;
}

/** A WebSocket route event, shaped like API Gateway's (`APIGatewayProxyWebsocketEventV2` plus extras). */
export function buildWsEvent(info: WsEventInfo): Record<string, unknown> {
  const now = Date.now();
  const requestContext: Record<string, unknown> = {
    routeKey: info.routeKey,
    eventType: info.eventType,
    messageDirection: 'IN',
    connectionId: info.connectionId,
    connectedAt: info.connectedAt,
    domainName: info.domainName,
    stage: STAGE,
    apiId: WS_API_ID,
    requestId: info.requestId,
    extendedRequestId: info.requestId,
    requestTimeEpoch: now,
    requestTime: new Date(now).toUTCString(),
    identity: { sourceIp: info.sourceIp, userAgent: info.userAgent },
  };
  if (info.eventType === 'MESSAGE') requestContext.messageId = info.requestId.slice(0, 16);
  if (info.authorizer) requestContext.authorizer = info.authorizer;
  if (info.eventType === 'DISCONNECT') {
    requestContext.disconnectStatusCode = info.disconnectStatusCode ?? 1005;
    requestContext.disconnectReason = info.disconnectReason ?? '';
  }
  const event: Record<string, unknown> = { requestContext, isBase64Encoded: info.isBase64Encoded ?? false };
  if (info.eventType === 'CONNECT') {
    Object.assign(event, headerMaps(info.rawHeaders ?? []), queryMaps(info.search ?? ''));
  }
  if (info.eventType === 'MESSAGE') event.body = info.body ?? '';
  return event;
}

/** The REQUEST authorizer event for `$connect` (identity source: `route.request.querystring.token`). */
export function buildWsAuthorizerEvent(connectEvent: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'REQUEST',
    methodArn: methodArn(WS_API_ID, '', '$connect'),
    ...connectEvent,
  };
}

/**
 * Route selection `$request.body.action`: a JSON object body whose `action` names a configured route goes
 * there; anything else (unknown action, not JSON, binary) goes to `$default`.
 */
export function selectWsRoute(body: string, routes: readonly string[]): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const action = (parsed as { action?: unknown }).action;
      if (typeof action === 'string' && routes.includes(action)) return action;
    }
  } catch {
    // Not JSON: $default.
  }
  return '$default';
}
