import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RouteDef, routes } from '../../shared/routes';
import { createDb } from '../support/db';
import { createUsers } from '../support/fixtures';
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

describe('booking routes refuse bad input from a signed-in user and change nothing', () => {
  const SEAT = '00000000-0000-4000-8000-00000000beef';
  const ids = (n: number) =>
    Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  const seatBodies: [string, unknown][] = [
    ['no seats', { eventId: UNKNOWN_ID, seatIds: [] }],
    ['too many seats', { eventId: UNKNOWN_ID, seatIds: ids(11) }],
    ['repeated seats', { eventId: UNKNOWN_ID, seatIds: [SEAT, SEAT] }],
    ['a seat id that is not a UUID', { eventId: UNKNOWN_ID, seatIds: ['A-1'] }],
    ['an unknown field', { eventId: UNKNOWN_ID, seatIds: [SEAT], userId: UNKNOWN_ID }],
    ['a missing eventId', { seatIds: [SEAT] }],
  ];
  const gaBodies: [string, unknown][] = [
    ['quantity 0', { eventId: UNKNOWN_ID, items: [{ ticketTypeId: SEAT, quantity: 0 }] }],
    ['quantity 11', { eventId: UNKNOWN_ID, items: [{ ticketTypeId: SEAT, quantity: 11 }] }],
    ['a fractional quantity', { eventId: UNKNOWN_ID, items: [{ ticketTypeId: SEAT, quantity: 1.5 }] }],
    [
      'a repeated ticket type',
      {
        eventId: UNKNOWN_ID,
        items: [
          { ticketTypeId: SEAT, quantity: 1 },
          { ticketTypeId: SEAT, quantity: 1 },
        ],
      },
    ],
    ['no items', { eventId: UNKNOWN_ID, items: [] }],
    [
      'seats and items at once',
      { eventId: UNKNOWN_ID, seatIds: [SEAT], items: [{ ticketTypeId: SEAT, quantity: 1 }] },
    ],
  ];
  const cases: [string, string, unknown][] = [
    ...seatBodies.flatMap(([label, body]): [string, string, unknown][] => [
      ['/api/v1/seats/lock', label, body],
      ['/api/v1/seats/unlock', label, body],
      ['/api/v1/reservations', label, body],
    ]),
    ...gaBodies.map(([label, body]): [string, string, unknown] => ['/api/v1/reservations', label, body]),
  ];
  let token = '';
  beforeAll(async () => {
    const [user] = await createUsers(db, stack.env, 1, 'validation');
    token = user!.token;
  });

  for (const [path, label, body] of cases) {
    it(`POST ${path}: ${label} → 400`, async () => {
      const before = await db.rowCounts();
      const res = await api(path, { token, body, headers: { 'Idempotency-Key': 'validation-key-1' } });
      expectEnvelope(res, 400);
      expect(await db.rowCounts()).toEqual(before);
    });
  }

  const gets: [string, number][] = [
    ['/api/v1/seats/events/not-a-uuid', 400],
    [`/api/v1/seats/events/${UNKNOWN_ID}`, 404],
    [`/api/v1/seats/events/${UNKNOWN_ID}?view=everything`, 400],
    ['/api/v1/holds/not-a-uuid', 400],
    ['/api/v1/reservations/not-a-uuid', 400],
    [`/api/v1/reservations/${UNKNOWN_ID}`, 404],
    ['/api/v1/reservations/my?pageSize=51', 400],
    ['/api/v1/reservations/my?status=paid', 400],
    ['/api/v1/reservations/my?extra=1', 400],
  ];
  for (const [path, status] of gets) {
    it(`GET ${path} → ${status}`, async () => {
      const before = await db.rowCounts();
      expectEnvelope(await api(path, { token }), status);
      expect(await db.rowCounts()).toEqual(before);
    });
  }

  it('POST /api/v1/reservations/{id}/cancel of an unknown reservation → 404', async () => {
    const before = await db.rowCounts();
    expectEnvelope(await api(`/api/v1/reservations/${UNKNOWN_ID}/cancel`, { token, method: 'POST' }), 404);
    expect(await db.rowCounts()).toEqual(before);
  });
});
