import { describe, expect, it, vi } from 'vitest';
import { memoryStorage } from '../../test-utils/memory-storage';
import { createAdmissionStore } from '../admission';
import type { AuthResult, User } from '../contract';
import { resetServerClock, serverClockOffset } from '../server-clock';
import { createSessionStore, REFRESH_TOKEN_KEY } from '../session/session-store';
import { apiBaseFrom, createApiClient } from './api-client';
import { ApiError, fieldErrorsOf, parseErrorResponse, parseRetryAfter } from './api-error';

const user: User = {
  id: '0b7e3c1a-5d1e-4a5e-9a53-3f1c2b6d7e80',
  email: 'kim@example.com',
  name: '김민지',
  role: 'user',
  createdAt: '2026-01-01T00:00:00Z',
};

function authResult(n: number): AuthResult {
  return { user, accessToken: `access-${n}`, refreshToken: `refresh-token-number-${n}`, expiresIn: 900 };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fake fetch that records calls and answers through `handler`. */
function fakeFetch(handler: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const call: Call = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    return handler(call);
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

function signedInSession(storage = memoryStorage()) {
  const session = createSessionStore({ storage });
  session.setAuth(authResult(1));
  return { session, storage };
}

describe('parseErrorResponse', () => {
  it('reads the contract envelope', async () => {
    const error = await parseErrorResponse(
      json(409, {
        error: { code: 'EMAIL_TAKEN', message: 'Email already registered', details: { field: 'email' } },
      }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 409,
      code: 'EMAIL_TAKEN',
      message: 'Email already registered',
      details: { field: 'email' },
      retryAfterSeconds: null,
    });
  });

  it('takes Retry-After (seconds) for ACCOUNT_LOCKED', async () => {
    const error = await parseErrorResponse(
      json(429, { error: { code: 'ACCOUNT_LOCKED', message: 'Locked' } }, { 'Retry-After': '840' }),
    );
    expect(error.code).toBe('ACCOUNT_LOCKED');
    expect(error.retryAfterSeconds).toBe(840);
  });

  it('falls back to details.retryAfterSeconds', async () => {
    const error = await parseErrorResponse(
      json(429, { error: { code: 'ACCOUNT_LOCKED', message: 'Locked', details: { retryAfterSeconds: 61 } } }),
    );
    expect(error.retryAfterSeconds).toBe(61);
  });

  it('maps a non-JSON proxy error by status', async () => {
    const error = await parseErrorResponse(new Response('<html>Bad gateway</html>', { status: 502 }));
    expect(error).toMatchObject({ status: 502, code: 'DEPENDENCY_UNAVAILABLE' });
    expect(error.message).toContain('502');
  });

  it('maps an unknown code by status instead of trusting it', async () => {
    const error = await parseErrorResponse(json(404, { error: { code: 'SOMETHING_NEW', message: 'x' } }));
    expect(error.code).toBe('NOT_FOUND');
  });

  it('extracts field errors from zod-style details', () => {
    const issues = new ApiError({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'Invalid',
      details: [
        { path: ['email'], message: 'Invalid email' },
        { path: ['password'], message: 'Too short' },
      ],
    });
    expect(fieldErrorsOf(issues)).toEqual({ email: 'Invalid email', password: 'Too short' });
    const flattened = new ApiError({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'Invalid',
      details: { fieldErrors: { name: ['Required'] } },
    });
    expect(fieldErrorsOf(flattened)).toEqual({ name: 'Required' });
  });

  it('parses Retry-After as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:02:00 GMT', now)).toBe(120);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('apiBaseFrom', () => {
  it('accepts an origin or an API root without doubling /api/v1', () => {
    expect(apiBaseFrom('')).toBe('');
    expect(apiBaseFrom('https://api.example.com/')).toBe('https://api.example.com');
    expect(apiBaseFrom('/api/v1')).toBe('');
    expect(apiBaseFrom('/api/v1/')).toBe('');
    expect(apiBaseFrom('https://x.execute-api.ap-northeast-2.amazonaws.com/prod/api/v1')).toBe(
      'https://x.execute-api.ap-northeast-2.amazonaws.com/prod',
    );
    expect(apiBaseFrom('https://example.com/api')).toBe('https://example.com');
  });

  it('routes to the same URL whichever form config.json uses', async () => {
    for (const baseUrl of ['', '/api/v1']) {
      const { fetch, calls } = fakeFetch(() =>
        json(200, { items: [], page: 1, pageSize: 20, total: 0, totalPages: 0 }),
      );
      const client = createApiClient({
        baseUrl,
        session: createSessionStore({ storage: memoryStorage() }),
        fetch,
      });
      await client.call('events.list');
      expect(calls[0]?.url).toBe('/api/v1/events');
    }
  });
});

describe('createApiClient', () => {
  it('builds path, query and body from the route table; no token on public routes', async () => {
    const { session } = signedInSession();
    const { fetch, calls } = fakeFetch(() =>
      json(200, { items: [], page: 2, pageSize: 12, total: 0, totalPages: 0 }),
    );
    const client = createApiClient({ baseUrl: 'https://api.example.com/', session, fetch });

    const list = await client.call('events.list', {
      query: { q: 'Symphony night', page: 2, status: undefined },
    });
    expect(list.page).toBe(2);
    expect(calls[0]).toMatchObject({
      url: 'https://api.example.com/api/v1/events?q=Symphony+night&page=2',
      method: 'GET',
    });
    expect(calls[0]?.headers.Authorization).toBeUndefined();

    await client.call('events.get', { params: { id: 'a/b' } }).catch(() => undefined);
    expect(calls[1]?.url).toBe('https://api.example.com/api/v1/events/a%2Fb');

    await client.call('auth.login', { body: { email: 'kim@example.com', password: 'pw' } });
    expect(calls[2]).toMatchObject({
      method: 'POST',
      body: { email: 'kim@example.com', password: 'pw' },
      headers: { 'Content-Type': 'application/json' },
    });
  });

  it('sends the access token on user routes', async () => {
    const { session } = signedInSession();
    const { fetch, calls } = fakeFetch(() => json(200, { user }));
    const client = createApiClient({ baseUrl: '', session, fetch });
    const me = await client.call('auth.me');
    expect(me.user.name).toBe('김민지');
    expect(calls[0]?.headers.Authorization).toBe('Bearer access-1');
  });

  it('throws a typed ApiError for error envelopes', async () => {
    const session = createSessionStore({ storage: memoryStorage() });
    const { fetch } = fakeFetch(() =>
      json(401, { error: { code: 'INVALID_CREDENTIALS', message: 'Invalid email or password' } }),
    );
    const client = createApiClient({ baseUrl: '', session, fetch });
    const error = await client
      .call('auth.login', { body: { email: 'a@b.co', password: 'x' } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
  });

  it('turns a failed fetch into NETWORK_ERROR', async () => {
    const session = createSessionStore({ storage: memoryStorage() });
    const fetch = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof globalThis.fetch;
    const client = createApiClient({ baseUrl: '', session, fetch });
    await expect(client.call('events.list')).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });

  it('returns undefined for 204', async () => {
    const { session } = signedInSession();
    const { fetch } = fakeFetch(() => new Response(null, { status: 204 }));
    const client = createApiClient({ baseUrl: '', session, fetch });
    await expect(
      client.call('auth.logout', { body: { refreshToken: 'x'.repeat(30) } }),
    ).resolves.toBeUndefined();
  });

  it('refreshes once for concurrent 401s (single flight) and retries each request', async () => {
    const { session, storage } = signedInSession();
    let refreshes = 0;
    const { fetch, calls } = fakeFetch(async (call) => {
      if (call.url.endsWith('/auth/refresh-token')) {
        refreshes += 1;
        expect(call.body).toEqual({ refreshToken: 'refresh-token-number-1' });
        await new Promise((resolve) => setTimeout(resolve, 10));
        return json(200, authResult(2));
      }
      if (call.headers.Authorization === 'Bearer access-2') return json(200, { user });
      return json(401, { error: { code: 'TOKEN_INVALID', message: 'Token expired' } });
    });
    const client = createApiClient({ baseUrl: '', session, fetch });

    const results = await Promise.all([
      client.call('auth.me'),
      client.call('auth.me'),
      client.call('auth.me'),
    ]);
    expect(results.map((r) => r.user.id)).toEqual([user.id, user.id, user.id]);
    expect(refreshes).toBe(1);
    expect(calls.filter((c) => c.url.endsWith('/auth/me'))).toHaveLength(6);
    expect(session.getAccessToken()).toBe('access-2');
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-token-number-2');
  });

  it('resumes a stored session (no access token in memory) by refreshing before the call', async () => {
    const storage = memoryStorage({ [REFRESH_TOKEN_KEY]: 'refresh-token-number-1' });
    const session = createSessionStore({ storage });
    const { fetch, calls } = fakeFetch((call) =>
      call.url.endsWith('/auth/refresh-token') ? json(200, authResult(2)) : json(200, { user }),
    );
    const client = createApiClient({ baseUrl: '', session, fetch });
    await client.call('auth.me');
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/auth/refresh-token', '/api/v1/auth/me']);
    expect(calls[1]?.headers.Authorization).toBe('Bearer access-2');
  });

  it('signs out when the refresh token is refused', async () => {
    const { session, storage } = signedInSession();
    const onSessionExpired = vi.fn();
    const { fetch, calls } = fakeFetch((call) =>
      call.url.endsWith('/auth/refresh-token')
        ? json(401, { error: { code: 'REFRESH_TOKEN_INVALID', message: 'Revoked' } })
        : json(401, { error: { code: 'TOKEN_INVALID', message: 'Expired' } }),
    );
    const client = createApiClient({ baseUrl: '', session, fetch, onSessionExpired });

    const [a, b] = await Promise.all([
      client.call('auth.me').catch((e) => e),
      client.call('auth.me').catch((e) => e),
    ]);
    expect(a).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(b).toMatchObject({ status: 401 });
    expect(calls.filter((c) => c.url.endsWith('/auth/refresh-token'))).toHaveLength(1);
    expect(session.getSnapshot()).toEqual({ user: null, signedIn: false });
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
  });

  it('keeps the session when refresh fails for a transient reason', async () => {
    const { session } = signedInSession();
    const { fetch } = fakeFetch((call) =>
      call.url.endsWith('/auth/refresh-token')
        ? json(503, { error: { code: 'DEPENDENCY_UNAVAILABLE', message: 'Down' } })
        : json(401, { error: { code: 'TOKEN_INVALID', message: 'Expired' } }),
    );
    const client = createApiClient({ baseUrl: '', session, fetch });
    await expect(client.call('auth.me')).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    expect(session.getSnapshot().signedIn).toBe(true);
  });

  it('does not loop: a 401 after a successful refresh signs out', async () => {
    const { session } = signedInSession();
    const { fetch, calls } = fakeFetch((call) =>
      call.url.endsWith('/auth/refresh-token')
        ? json(200, authResult(2))
        : json(401, { error: { code: 'TOKEN_INVALID', message: 'Nope' } }),
    );
    const client = createApiClient({ baseUrl: '', session, fetch });
    await expect(client.call('auth.me')).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    expect(calls).toHaveLength(3);
    expect(session.getSnapshot().signedIn).toBe(false);
  });

  it('fails fast without calling the API when there is no session', async () => {
    const session = createSessionStore({ storage: memoryStorage() });
    const { fetch, calls } = fakeFetch(() => json(200, { user }));
    const client = createApiClient({ baseUrl: '', session, fetch });
    await expect(client.call('auth.me')).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(calls).toHaveLength(0);
  });

  it('serializes refreshes through the cross-tab lock', async () => {
    const { session } = signedInSession();
    const names: string[] = [];
    const lock = <T>(name: string, task: () => Promise<T>): Promise<T> => {
      names.push(name);
      return task();
    };
    const { fetch } = fakeFetch((call) =>
      call.url.endsWith('/auth/refresh-token') ? json(200, authResult(2)) : json(200, { user }),
    );
    const client = createApiClient({ baseUrl: '', session, fetch, lock });
    await expect(client.refresh()).resolves.toBe('access-2');
    expect(names).toEqual(['tiketi.auth.refresh']);
  });

  it('a refresh that completes after sign-out does not sign back in, and is revoked', async () => {
    const { session } = signedInSession();
    let releaseRefresh: () => void = () => undefined;
    const { fetch, calls } = fakeFetch(async (call) => {
      if (call.url.endsWith('/auth/refresh-token')) {
        await new Promise<void>((resolve) => {
          releaseRefresh = resolve;
        });
        return json(200, authResult(2));
      }
      return new Response(null, { status: 204 });
    });
    const client = createApiClient({ baseUrl: '', session, fetch });
    const refreshing = client.refresh();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await client.signOut();
    releaseRefresh();
    await expect(refreshing).resolves.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(session.getSnapshot()).toEqual({ user: null, signedIn: false });
    expect(session.getAccessToken()).toBeNull();
    const revoked = calls.filter((c) => c.url.endsWith('/auth/logout')).map((c) => c.body);
    expect(revoked).toEqual([
      { refreshToken: 'refresh-token-number-1' },
      { refreshToken: 'refresh-token-number-2' },
    ]);
  });

  it('signOut clears the session locally and revokes the refresh token', async () => {
    const { session } = signedInSession();
    const { fetch, calls } = fakeFetch(() => new Response(null, { status: 204 }));
    const client = createApiClient({ baseUrl: '', session, fetch });
    await client.signOut();
    expect(session.getSnapshot().signedIn).toBe(false);
    expect(calls[0]).toMatchObject({
      url: '/api/v1/auth/logout',
      method: 'POST',
      body: { refreshToken: 'refresh-token-number-1' },
    });
  });
});

describe('request headers', () => {
  it('sends extra headers (Idempotency-Key) but never lets them replace the client’s own', async () => {
    const { session } = signedInSession();
    const { fetch, calls } = fakeFetch(() => json(200, { user }));
    const client = createApiClient({ baseUrl: '', session, fetch });
    await client.call('auth.me', {
      headers: { 'Idempotency-Key': 'attempt-1234', authorization: 'Bearer forged', Accept: 'text/html' },
    });
    expect(calls[0]?.headers).toEqual({
      'Idempotency-Key': 'attempt-1234',
      Accept: 'application/json',
      Authorization: 'Bearer access-1',
    });
  });
});

describe('server clock', () => {
  it("learns the server's clock from each response's Date header, for countdowns to server deadlines", async () => {
    // Prepare: the server's clock is ten minutes ahead of this browser's.
    const { fetch } = fakeFetch(() =>
      json(200, { items: [], page: 1 }, { Date: new Date(Date.now() + 600_000).toUTCString() }),
    );
    const client = createApiClient({
      baseUrl: '',
      session: createSessionStore({ storage: memoryStorage() }),
      fetch,
    });
    try {
      // Act
      await client.call('events.list');
      // Assess
      expect(Math.abs(serverClockOffset() - 600_000)).toBeLessThanOrEqual(1_500);
    } finally {
      resetServerClock();
    }
  });
});

describe('waiting-room admission', () => {
  const EVENT = '0b8f2c9e-4a51-4f6e-9d3b-2f7f1d1a0a01';
  const OTHER_EVENT = '5d2c6a1f-7e34-4b8a-8c9d-1e2f3a4b5c6d';
  const SEAT = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
  const RESERVATION = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
  const PAYMENT = '9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a';

  function setup(respond: (call: Call) => Response = () => json(200, {})) {
    const { session } = signedInSession();
    const admission = createAdmissionStore({ storage: memoryStorage() });
    admission.set(EVENT, { token: 'admit-me', expiresAt: new Date(Date.now() + 600_000).toISOString() });
    const { fetch, calls } = fakeFetch(respond);
    const client = createApiClient({ baseUrl: '', session, fetch, admission });
    return { client, calls, admission };
  }

  const admissionHeader = (call: Call | undefined) => call?.headers['x-admission-token'];

  it('sends X-Admission-Token on the three admission routes, for the right event', async () => {
    // Prepare
    const { client, calls } = setup();

    // Act
    await client.call('seats.lock', { body: { eventId: EVENT, seatIds: [SEAT] } });
    await client.call('reservations.create', {
      body: { eventId: EVENT, seatIds: [SEAT] },
      headers: { 'Idempotency-Key': 'attempt-1234' },
    });
    await client.call('payments.prepare', {
      body: { reservationId: RESERVATION },
      headers: { 'Idempotency-Key': 'attempt-5678' },
      admissionEventId: EVENT,
    });

    // Assess
    expect(calls.map((call) => [call.url, admissionHeader(call)])).toEqual([
      ['/api/v1/seats/lock', 'admit-me'],
      ['/api/v1/reservations', 'admit-me'],
      ['/api/v1/payments/prepare', 'admit-me'],
    ]);
    expect(calls[1]?.headers['Idempotency-Key']).toBe('attempt-1234');
  });

  it('sends no admission token elsewhere, for another event, or when the event is unknown', async () => {
    // Prepare
    const { client, calls } = setup();

    // Act
    await client.call('seats.unlock', { body: { eventId: EVENT, seatIds: [SEAT] } });
    await client.call('seats.hold', { params: { eventId: EVENT } });
    await client.call('payments.confirm', {
      body: { paymentId: PAYMENT, paymentKey: 'sandbox-key' },
      headers: { 'Idempotency-Key': 'attempt-9999' },
      admissionEventId: EVENT,
    });
    await client.call('events.get', { params: { id: EVENT } });
    await client.call('seats.lock', { body: { eventId: OTHER_EVENT, seatIds: [SEAT] } });
    await client.call('payments.prepare', {
      body: { reservationId: RESERVATION },
      headers: { 'Idempotency-Key': 'attempt-5678' },
    });

    // Assess
    expect(calls).toHaveLength(6);
    expect(calls.map(admissionHeader)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('does not let a caller forge the admission header', async () => {
    const { client, calls, admission } = setup();
    admission.drop(EVENT);
    await client.call('seats.lock', {
      body: { eventId: EVENT, seatIds: [SEAT] },
      headers: { 'X-Admission-Token': 'forged' },
    });
    expect(Object.keys(calls[0]?.headers ?? {}).map((name) => name.toLowerCase())).not.toContain(
      'x-admission-token',
    );
  });

  it('403 ADMISSION_REQUIRED drops the token and records the refusal, so the room shows again', async () => {
    // Prepare
    const { client, admission } = setup(() =>
      json(403, { error: { code: 'ADMISSION_REQUIRED', message: 'Enter through the waiting room' } }),
    );

    // Act
    const error = await client
      .call('seats.lock', { body: { eventId: EVENT, seatIds: [SEAT] } })
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ status: 403, code: 'ADMISSION_REQUIRED' });
    expect(admission.token(EVENT)).toBeNull();
    expect(admission.refusals(EVENT)).toBe(1);
    expect(admission.refusedEvents()).toEqual([EVENT]);
  });

  it('a refused payment prepare is attributed to the event named by the caller', async () => {
    const { client, admission } = setup(() =>
      json(403, { error: { code: 'ADMISSION_REQUIRED', message: 'Enter through the waiting room' } }),
    );
    await client
      .call('payments.prepare', {
        body: { reservationId: RESERVATION },
        headers: { 'Idempotency-Key': 'attempt-5678' },
        admissionEventId: EVENT,
      })
      .catch(() => undefined);
    expect(admission.refusedEvents()).toEqual([EVENT]);
  });

  it('keeps the token on other refusals', async () => {
    const { client, admission } = setup(() => json(403, { error: { code: 'FORBIDDEN', message: 'No' } }));
    await client.call('seats.lock', { body: { eventId: EVENT, seatIds: [SEAT] } }).catch(() => undefined);
    expect(admission.token(EVENT)).toBe('admit-me');
    expect(admission.refusals(EVENT)).toBe(0);
  });
});
