import { request } from 'node:http';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../support/db';
import { api, registerUser, uniqueEmail } from '../support/http';

/** The test-only switch of functions/auth/handler.ts (honoured only by the local stack with test switches on). */
const DISABLE_LOGIN_GUARD_HEADER = 'x-test-disable-login-guard';

/**
 * Sign-in abuse against the real stack: concurrent guesses at one account, the attempts-left answer, and the
 * per-client-IP budget (requests sent from other loopback addresses, 127.0.0.x, since the suite's own 127.0.0.1
 * is exempt: every test file signs users up from it).
 */
const stack = inject('stack');
const db = createDb(stack.databaseUrl);
afterAll(() => db.end());

type Answer = { status: number; json: { error?: { code: string; details?: { attemptsLeft?: number } } } };

async function checkedPasswords(email: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login.failed' AND subject = $1",
    [email],
  );
  return rows[0]!.n;
}

const guesses = (email: string, n: number, headers?: Record<string, string>) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      api<Answer['json']>('/api/v1/auth/login', {
        body: { email, password: `wrong-guess-${i}` },
        headers,
      }),
    ),
  );

describe('auth: 40 concurrent wrong passwords', () => {
  it('with the guard off (test switch) the lock check races: more than 5 passwords are checked', async () => {
    // Prepare
    const user = await registerUser('race-off');
    // Act
    await guesses(user.email, 40, { [DISABLE_LOGIN_GUARD_HEADER]: '1' });
    // Assess: every guess passed the lock check before any failure was counted
    expect(await checkedPasswords(user.email)).toBeGreaterThan(5);
  });

  it('with the guard on at most 5 are checked; the rest are refused with 429 before bcrypt', async () => {
    // Prepare
    const user = await registerUser('race-on');
    // Act
    const answers = await guesses(user.email, 40);
    const right = await api('/api/v1/auth/login', { body: { email: user.email, password: user.password } });
    // Assess
    const statuses = answers.map((a) => a.status);
    expect(await checkedPasswords(user.email)).toBe(5);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
    expect(answers.find((a) => a.status === 429)?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(right.status).toBe(429);
  });
});

describe('auth: attempts left', () => {
  it('each wrong password says how many attempts remain', async () => {
    // Prepare
    const user = await registerUser('left');
    const left: unknown[] = [];
    // Act
    for (let i = 0; i < 5; i++) {
      const res = await api<Answer['json']>('/api/v1/auth/login', {
        body: { email: user.email, password: `wrong-${i}-password` },
      });
      expect(res.json.error?.code).toBe('INVALID_CREDENTIALS');
      left.push(res.json.error?.details?.attemptsLeft);
    }
    // Assess
    expect(left).toEqual([4, 3, 2, 1, 0]);
  });
});

/** A JSON POST to the gateway from a chosen loopback address (the local gateway's sourceIp is the socket's). */
function postFrom(
  localAddress: string,
  path: string,
  body: unknown,
): Promise<Answer & { retryAfter?: string }> {
  const url = new URL(path, stack.url);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString('utf8');
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            json: text ? JSON.parse(text) : {},
            retryAfter: res.headers['retry-after'] as string | undefined,
          }),
        );
      },
    );
    req.once('error', reject);
    req.end(data);
  });
}

describe('auth: per-client-IP throttle', () => {
  it('refuses the 31st sign-in within a minute from one address across accounts, not other addresses', async () => {
    // Prepare
    const ip = '127.0.0.31';
    const tries = Array.from({ length: 30 }, () => ({
      email: uniqueEmail('ip'),
      password: 'wrong-password',
    }));
    // Act
    const answers = [];
    for (const body of tries) answers.push(await postFrom(ip, '/api/v1/auth/login', body));
    const over = await postFrom(ip, '/api/v1/auth/login', {
      email: uniqueEmail('ip'),
      password: 'x-password',
    });
    const elsewhere = await postFrom('127.0.0.32', '/api/v1/auth/login', tries[0]);
    // Assess
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(401));
    expect(over.status).toBe(429);
    expect(over.json.error?.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(over.retryAfter)).toBeGreaterThan(0);
    expect(Number(over.retryAfter)).toBeLessThanOrEqual(60);
    expect(elsewhere.status).toBe(401);
  });

  it('refuses the 11th sign-up within an hour from one address, creating no account', async () => {
    // Prepare
    const ip = '127.0.0.41';
    const signUp = (email: string) =>
      postFrom(ip, '/api/v1/auth/register', { email, password: 'long-enough-password', name: 'Kim' });
    // Act
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await signUp(uniqueEmail('signup'))).status);
    const email = uniqueEmail('signup-over');
    const over = await signUp(email);
    // Assess
    expect(statuses).toEqual(Array(10).fill(201));
    expect(over.status).toBe(429);
    expect(over.json.error?.code).toBe('TOO_MANY_REQUESTS');
    const { rows } = await db.query('SELECT 1 FROM users WHERE email = $1', [email]);
    expect(rows).toHaveLength(0);
  });
});
