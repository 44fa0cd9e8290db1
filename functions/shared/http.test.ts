import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ConflictError, TooManyRequestsError, TransientError } from './errors';
import { createHttpHandler } from './http';
import { isTransient } from './transient';

const context = { awsRequestId: 'req-1', functionName: 'test' } as Context;
function event(over: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent {
  return {
    resource: '/api/v1/auth/register',
    path: '/api/v1/auth/register',
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      requestId: 'r',
      identity: { sourceIp: '127.0.0.1' },
    } as APIGatewayProxyEvent['requestContext'],
    ...over,
  };
}
const json = (r: APIGatewayProxyResult) => JSON.parse(r.body);

/** What the drivers throw while PostgreSQL / Redis are down (pg: a Node socket error; ioredis: no code). */
const outage = {
  pg: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
  redis: new Error('Connection is closed.'),
};
let seen: unknown;
const handler = createHttpHandler('auth', {
  'auth.register': async (req) => {
    seen = req.body;
    if (req.body.email === 'taken@example.com') throw new ConflictError('EMAIL_TAKEN', 'taken');
    if (req.body.email === 'boom@example.com') throw new Error('SELECT secret FROM users -- internal detail');
    if (req.body.email === 'pg-down@example.com') throw outage.pg;
    if (req.body.email === 'redis-down@example.com') throw outage.redis;
    if (req.body.email === 'transient@example.com') throw new TransientError('Payments are unavailable');
    return { status: 201, body: { ok: true } };
  },
  'auth.login': async () => {
    throw new TooManyRequestsError(120, 'ACCOUNT_LOCKED');
  },
  'auth.refresh': async () => ({ status: 200, body: {} }),
  'auth.logout': async () => ({ status: 204 }),
  'auth.me': async (req) => ({ status: 200, body: { id: req.auth.userId } }),
  'auth.jwks': async () => ({ status: 200, body: { keys: [] } }),
});
const call = (e: Partial<APIGatewayProxyEvent>) =>
  handler(event(e), context) as Promise<APIGatewayProxyResult>;
const valid = { email: 'new@example.com', password: 'longenough', name: 'New' };

describe('HTTP edge', () => {
  it('validates and strips unknown fields such as role', async () => {
    const r = await call({ body: JSON.stringify({ ...valid, role: 'admin' }) });
    expect(r.statusCode).toBe(201);
    expect(seen).toEqual(valid);
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const r = await call({ body: '{"email": ' });
    expect(r.statusCode).toBe(400);
    expect(json(r).error.code).toBe('MALFORMED_JSON');
  });

  it('answers missing and mistyped fields with 400 and details', async () => {
    const r = await call({ body: JSON.stringify({ email: 5, password: 'short' }) });
    expect(r.statusCode).toBe(400);
    const body = json(r);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'email',
      'name',
      'password',
    ]);
  });

  it('refuses a non-JSON content type with 415', async () => {
    const r = await call({ headers: { 'content-type': 'text/plain' }, body: JSON.stringify(valid) });
    expect(r.statusCode).toBe(415);
  });

  it('maps typed errors to their status and envelope', async () => {
    const r = await call({ body: JSON.stringify({ ...valid, email: 'taken@example.com' }) });
    expect(r.statusCode).toBe(409);
    expect(json(r)).toEqual({ error: { code: 'EMAIL_TAKEN', message: 'taken' } });
  });

  it('sets Retry-After on 429', async () => {
    const r = await call({
      resource: '/api/v1/auth/login',
      body: JSON.stringify({ email: 'a@example.com', password: 'x' }),
    });
    expect(r.statusCode).toBe(429);
    expect(r.headers?.['Retry-After']).toBe('120');
  });

  it('hides unknown errors behind a generic 500', async () => {
    const r = await call({ body: JSON.stringify({ ...valid, email: 'boom@example.com' }) });
    expect(r.statusCode).toBe(500);
    expect(r.body).not.toMatch(/SELECT|secret|at /);
    expect(json(r)).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error' } });
  });

  it('requires the authorizer context on user routes', async () => {
    const r = await call({ resource: '/api/v1/auth/me', httpMethod: 'GET' });
    expect(r.statusCode).toBe(401);
    const authed = await call({
      resource: '/api/v1/auth/me',
      httpMethod: 'GET',
      requestContext: {
        requestId: 'r',
        authorizer: { userId: 'u-1', role: 'user', email: 'a@example.com' },
      } as unknown as APIGatewayProxyEvent['requestContext'],
    });
    expect(json(authed)).toEqual({ id: 'u-1' });
  });

  it('answers a route that is not this function’s with 404', async () => {
    const r = await call({ resource: '/api/v1/events', httpMethod: 'GET' });
    expect(r.statusCode).toBe(404);
  });

  it('answers a PostgreSQL outage with 503 DEPENDENCY_UNAVAILABLE and Retry-After, without its text', async () => {
    const r = await call({ body: JSON.stringify({ ...valid, email: 'pg-down@example.com' }) });
    expect(r.statusCode).toBe(503);
    expect(r.headers?.['Retry-After']).toBe('2');
    expect(json(r).error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(r.body).not.toMatch(/ECONNREFUSED|5432/);
  });

  it('answers a Redis outage (ioredis "Connection is closed") with 503 and Retry-After', async () => {
    const r = await call({ body: JSON.stringify({ ...valid, email: 'redis-down@example.com' }) });
    expect(r.statusCode).toBe(503);
    expect(r.headers?.['Retry-After']).toBe('2');
    expect(json(r).error.code).toBe('DEPENDENCY_UNAVAILABLE');
  });

  it('sets Retry-After on a typed TransientError too', async () => {
    const r = await call({ body: JSON.stringify({ ...valid, email: 'transient@example.com' }) });
    expect(r.statusCode).toBe(503);
    expect(r.headers?.['Retry-After']).toBe('2');
  });
});

describe('what the edge answers 503 (isTransient)', () => {
  it.each([
    ['pg connection refused', outage.pg],
    ['pg admin shutdown (57P01)', Object.assign(new Error('terminating connection'), { code: '57P01' })],
    [
      'pg starting up (57P03)',
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
    ],
    ['pg pool timeout', new Error('timeout exceeded when trying to connect')],
    ['ioredis connection closed', outage.redis],
    [
      'ioredis retries exhausted',
      Object.assign(new Error('Reached the max retries per request limit (which is 2).'), {
        name: 'MaxRetriesPerRequestError',
      }),
    ],
    ['an outage wrapped as a cause', new Error('repository failed', { cause: outage.pg })],
    [
      'a pg client the server disconnected',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
  ])('%s → outage', (_, error) => {
    expect(isTransient(error)).toBe(true);
  });

  it.each([
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a constraint violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['not an error', undefined],
  ])('%s → not an outage', (_, error) => {
    expect(isTransient(error)).toBe(false);
  });
});
