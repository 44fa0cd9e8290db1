import { afterAll, describe, expect, inject, it } from 'vitest';
import { type RouteDef, routes } from '../../shared/routes';
import { createDb } from '../support/db';
import { api } from '../support/http';

/**
 * Bad input on every route: a clear 4xx with the error envelope, no change to any table, and never a stack
 * trace or SQL in the response. Driven by the route table so new routes are covered automatically.
 */
const stack = inject('stack');
const db = createDb(stack.databaseUrl);
afterAll(() => db.end());

const LEAK = /\bat \S+ \(|node_modules|SELECT |INSERT |UPDATE |syntax error|pg_|stack/i;
const UNKNOWN_ID = '00000000-0000-4000-8000-00000000dead';
const long = (n: number) => 'x'.repeat(n);

function concrete(route: RouteDef, id = UNKNOWN_ID) {
  return route.path.replace(/\{\w+\}/g, id);
}

function expectEnvelope(res: { status: number; json: unknown; text: string }, status?: number) {
  if (status) expect(res.status, res.text).toBe(status);
  else {
    expect(res.status, res.text).toBeGreaterThanOrEqual(400);
    expect(res.status, res.text).toBeLessThan(500);
  }
  const err = (res.json as { error?: { code?: unknown; message?: unknown } }).error;
  expect(typeof err?.code).toBe('string');
  expect(typeof err?.message).toBe('string');
  expect(res.text).not.toMatch(LEAK);
}

const bodyRoutes = (routes as readonly RouteDef[]).filter((r) => r.request.body);
const badBodies: [string, string][] = [
  ['malformed JSON', '{"email": "a@b.c",'],
  ['an array', '[]'],
  ['an empty object', '{}'],
  ['wrong types', JSON.stringify({ email: 42, password: true, name: [], refreshToken: 7 })],
  [
    'over-long strings',
    JSON.stringify({
      email: `${long(300)}@example.com`,
      password: long(500),
      name: long(1000),
      refreshToken: long(5000),
    }),
  ],
  ['null', 'null'],
];

describe('every route with a body refuses bad input and changes nothing', () => {
  for (const route of bodyRoutes) {
    for (const [label, raw] of badBodies) {
      it(`${route.method} ${route.path}: ${label}`, async () => {
        const before = await db.rowCounts();
        const res = await api(concrete(route), { method: route.method, rawBody: raw });
        expectEnvelope(res);
        expect(await db.rowCounts()).toEqual(before);
      });
    }
  }
});

describe('query and path validation', () => {
  const cases: [string, number][] = [
    ['/api/v1/events?page=0', 400],
    ['/api/v1/events?page=abc', 400],
    ['/api/v1/events?pageSize=1000', 400],
    ['/api/v1/events?status=bogus', 400],
    ['/api/v1/events?from=yesterday', 400],
    [`/api/v1/events?q=${long(500)}`, 400],
    ['/api/v1/events?unexpected=1', 400],
    ['/api/v1/events/not-a-uuid', 400],
    [`/api/v1/events/${UNKNOWN_ID}`, 404],
    ['/api/v1/nope', 404],
  ];
  for (const [path, status] of cases) {
    it(`GET ${path.slice(0, 60)} → ${status}`, async () => {
      const before = await db.rowCounts();
      expectEnvelope(await api(path), status);
      expect(await db.rowCounts()).toEqual(before);
    });
  }

  it('user routes refuse anonymous callers with 401 and the envelope', async () => {
    for (const route of (routes as readonly RouteDef[]).filter((r) => r.auth !== 'public')) {
      expectEnvelope(await api(concrete(route), { method: route.method }), 401);
    }
  });
});
