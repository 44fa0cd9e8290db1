import { describe, expect, it } from 'vitest';
import {
  buildRestAuthorizerEvent,
  buildRestEvent,
  buildWsEvent,
  headerMaps,
  headerValue,
  queryMaps,
  type RestRequestInfo,
  selectWsRoute,
} from './events';

const base: RestRequestInfo = {
  method: 'POST',
  path: '/api/v1/events/abc',
  search: '?q=jazz&tag=a&tag=b&empty=&sp=a+b%20c',
  rawHeaders: [
    'Host',
    '127.0.0.1:3000',
    'Content-Type',
    'application/json',
    'X-Custom',
    'one',
    'x-custom',
    'two',
  ],
  body: Buffer.from('{"a":1}'),
  resource: '/api/v1/events/{id}',
  pathParameters: { id: 'abc' },
  sourceIp: '127.0.0.1',
  port: 3000,
  requestId: 'req-1',
  requestTimeEpoch: 1_700_000_000_000,
  domainName: 'tiketilocal.execute-api.localhost',
};

describe('headerMaps', () => {
  it('keeps the client’s header case; last value in headers, all values in multiValueHeaders', () => {
    const { headers, multiValueHeaders } = headerMaps(base.rawHeaders);
    expect(headers).toEqual({
      Host: '127.0.0.1:3000',
      'Content-Type': 'application/json',
      'X-Custom': 'two',
    });
    expect(multiValueHeaders['X-Custom']).toEqual(['one', 'two']);
    expect(headerValue(headers, 'content-type')).toBe('application/json');
  });
});

describe('queryMaps', () => {
  it('decodes values, keeps repeats in the multi-value form', () => {
    expect(queryMaps(base.search)).toEqual({
      queryStringParameters: { q: 'jazz', tag: 'b', empty: '', sp: 'a b c' },
      multiValueQueryStringParameters: { q: ['jazz'], tag: ['a', 'b'], empty: [''], sp: ['a b c'] },
    });
  });

  it('is null (not {}) without a query string, as API Gateway sends it', () => {
    expect(queryMaps('')).toEqual({ queryStringParameters: null, multiValueQueryStringParameters: null });
  });
});

describe('buildRestEvent', () => {
  it('builds a REST v1 proxy event', () => {
    const event = buildRestEvent(base, { principalId: 'u1', userId: 'u1', role: 'user' });
    expect(event).toMatchObject({
      resource: '/api/v1/events/{id}',
      path: '/api/v1/events/abc',
      httpMethod: 'POST',
      pathParameters: { id: 'abc' },
      stageVariables: null,
      body: '{"a":1}',
      isBase64Encoded: false,
      requestContext: {
        requestId: 'req-1',
        stage: 'local',
        resourcePath: '/api/v1/events/{id}',
        httpMethod: 'POST',
        path: '/local/api/v1/events/abc',
        requestTimeEpoch: 1_700_000_000_000,
        identity: { sourceIp: '127.0.0.1' },
        authorizer: { principalId: 'u1', userId: 'u1', role: 'user' },
      },
    });
    expect(event.headers['X-Forwarded-For']).toBe('127.0.0.1');
    expect(event.headers['X-Forwarded-Proto']).toBe('http');
    expect(event.multiValueQueryStringParameters?.tag).toEqual(['a', 'b']);
  });

  it('sends a null body and null path parameters when there are none', () => {
    const event = buildRestEvent({ ...base, body: Buffer.alloc(0), pathParameters: {}, search: '' });
    expect(event.body).toBeNull();
    expect(event.pathParameters).toBeNull();
    expect(event.queryStringParameters).toBeNull();
    expect(event.requestContext.authorizer).toBeNull();
  });

  it('sets the viewer address from the socket, replacing one the client sent (as CloudFront does)', () => {
    const event = buildRestEvent({ ...base, rawHeaders: ['X-Tiketi-Viewer-Ip', '6.6.6.6'] });
    const viewer = Object.entries(event.headers).filter(([k]) => k.toLowerCase() === 'x-tiketi-viewer-ip');
    expect(viewer).toEqual([['x-tiketi-viewer-ip', '127.0.0.1']]);
    expect(event.multiValueHeaders['x-tiketi-viewer-ip']).toEqual(['127.0.0.1']);
  });

  it('appends the caller to an existing X-Forwarded-For', () => {
    const event = buildRestEvent({ ...base, rawHeaders: ['x-forwarded-for', '10.0.0.1'] });
    expect(event.headers['X-Forwarded-For']).toBe('10.0.0.1, 127.0.0.1');
    expect(Object.keys(event.headers).filter((k) => k.toLowerCase() === 'x-forwarded-for')).toHaveLength(1);
  });
});

describe('buildRestAuthorizerEvent', () => {
  it('is a REQUEST event with the method ARN and no body', () => {
    const event = buildRestAuthorizerEvent(buildRestEvent(base));
    expect(event.type).toBe('REQUEST');
    expect(event.methodArn).toBe(
      'arn:aws:execute-api:ap-northeast-2:000000000000:tiketilocal/local/POST/api/v1/events/abc',
    );
    expect(event.headers?.['Content-Type']).toBe('application/json');
    expect('body' in event).toBe(false);
  });
});

describe('WebSocket events', () => {
  const common = {
    connectionId: 'abc=',
    connectedAt: 1,
    requestId: 'r',
    domainName: 'localhost:3000',
    sourceIp: '127.0.0.1',
    userAgent: 'test',
  };

  it('$connect carries headers and the query string', () => {
    const event = buildWsEvent({
      ...common,
      routeKey: '$connect',
      eventType: 'CONNECT',
      rawHeaders: ['Host', 'x'],
      search: '?token=t',
    });
    expect(event).toMatchObject({
      requestContext: { routeKey: '$connect', eventType: 'CONNECT', connectionId: 'abc=', stage: 'local' },
      headers: { Host: 'x' },
      queryStringParameters: { token: 't' },
      isBase64Encoded: false,
    });
  });

  it('messages carry the body and the authorizer context; disconnects their close code', () => {
    const auth = { principalId: 'u', userId: 'u' };
    expect(
      buildWsEvent({ ...common, routeKey: 'ping', eventType: 'MESSAGE', body: '{}', authorizer: auth }),
    ).toMatchObject({ body: '{}', requestContext: { routeKey: 'ping', authorizer: auth } });
    expect(
      buildWsEvent({
        ...common,
        routeKey: '$disconnect',
        eventType: 'DISCONNECT',
        disconnectStatusCode: 1001,
      }),
    ).toMatchObject({ requestContext: { disconnectStatusCode: 1001 } });
  });

  it('selects routes on $request.body.action, falling back to $default', () => {
    const routes = ['ping', 'join-event'];
    expect(selectWsRoute('{"action":"ping"}', routes)).toBe('ping');
    expect(selectWsRoute('{"action":"nope"}', routes)).toBe('$default');
    expect(selectWsRoute('{"action":1}', routes)).toBe('$default');
    expect(selectWsRoute('not json', routes)).toBe('$default');
    expect(selectWsRoute('["ping"]', routes)).toBe('$default');
  });
});
