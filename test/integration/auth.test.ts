import { createHmac, createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signJwt } from '../../functions/shared/jwt';
import { createDb } from '../support/db';
import { api } from '../support/http';

const stack = inject('stack');
const db = createDb(stack.databaseUrl);
afterAll(() => db.end());

const uniqueEmail = () => `user-${randomUUID().slice(0, 8)}@example.com`;
const password = 'correct horse battery';

async function register(email = uniqueEmail(), extra: Record<string, unknown> = {}) {
  const res = await api('/api/v1/auth/register', {
    method: 'POST',
    body: { email, password, name: 'Kim', ...extra },
  });
  expect(res.status).toBe(201);
  return res.json as {
    user: { id: string; role: string; email: string };
    accessToken: string;
    refreshToken: string;
  };
}

describe('auth: register → login → me → refresh → rotation', () => {
  it('runs the whole session lifecycle and revokes a family on reuse', async () => {
    const email = uniqueEmail();
    const reg = await register(email);
    expect(reg.user).toMatchObject({ email, role: 'user', name: 'Kim' });

    const login = await api('/api/v1/auth/login', { method: 'POST', body: { email, password } });
    expect(login.status).toBe(200);
    const { accessToken, refreshToken } = login.json as { accessToken: string; refreshToken: string };

    const me = await api('/api/v1/auth/me', { token: accessToken });
    expect(me.status).toBe(200);
    expect((me.json as { user: { email: string } }).user.email).toBe(email);

    const rotated = await api('/api/v1/auth/refresh-token', { method: 'POST', body: { refreshToken } });
    expect(rotated.status).toBe(200);
    const next = rotated.json as { accessToken: string; refreshToken: string };
    expect(next.refreshToken).not.toBe(refreshToken);
    expect((await api('/api/v1/auth/me', { token: next.accessToken })).status).toBe(200);

    // Replaying the rotated token is refused and revokes the family, so the newest token dies too.
    const replay = await api('/api/v1/auth/refresh-token', { method: 'POST', body: { refreshToken } });
    expect(replay.status).toBe(401);
    expect((replay.json as { error: { code: string } }).error.code).toBe('REFRESH_TOKEN_INVALID');
    const afterReuse = await api('/api/v1/auth/refresh-token', {
      method: 'POST',
      body: { refreshToken: next.refreshToken },
    });
    expect(afterReuse.status).toBe(401);
    const audit = await db.query(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.refresh.reuse_detected' AND actor_id = $1",
      [reg.user.id],
    );
    expect(audit.rows[0].n).toBe(1);

    // The registration's own family is separate and still works.
    expect(
      (await api('/api/v1/auth/refresh-token', { method: 'POST', body: { refreshToken: reg.refreshToken } }))
        .status,
    ).toBe(200);
  });

  it('stores refresh tokens only as hashes', async () => {
    const reg = await register();
    const rows = await db.query('SELECT token_hash FROM refresh_tokens WHERE user_id = $1', [reg.user.id]);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0].token_hash).not.toBe(reg.refreshToken);
  });

  it('logout revokes the family', async () => {
    const reg = await register();
    expect(
      (await api('/api/v1/auth/logout', { method: 'POST', body: { refreshToken: reg.refreshToken } })).status,
    ).toBe(204);
    expect(
      (await api('/api/v1/auth/refresh-token', { method: 'POST', body: { refreshToken: reg.refreshToken } }))
        .status,
    ).toBe(401);
  });

  it('ignores a role in the register body', async () => {
    const reg = await register(uniqueEmail(), { role: 'admin' });
    expect(reg.user.role).toBe('user');
    const row = await db.query('SELECT role FROM users WHERE id = $1', [reg.user.id]);
    expect(row.rows[0].role).toBe('user');
    const payload = JSON.parse(Buffer.from(reg.accessToken.split('.')[1]!, 'base64url').toString());
    expect(payload.role).toBe('user');
  });

  it('refuses a duplicate email (any case) with 409 EMAIL_TAKEN', async () => {
    const email = uniqueEmail();
    await register(email);
    const again = await api('/api/v1/auth/register', {
      method: 'POST',
      body: { email: email.toUpperCase(), password, name: 'Other' },
    });
    expect(again.status).toBe(409);
    expect((again.json as { error: { code: string } }).error.code).toBe('EMAIL_TAKEN');
  });

  it('publishes a JWKS whose key verifies issued tokens', async () => {
    const jwks = await api('/api/v1/auth/jwks.json');
    expect(jwks.status).toBe(200);
    const keys = (jwks.json as { keys: { kid: string; alg: string }[] }).keys;
    expect(keys[0]).toMatchObject({ kid: stack.env.JWT_KEY_ID, alg: 'RS256', kty: 'RSA' });
  });
});

describe('auth: forged and stale access tokens are refused with 401', () => {
  let good: string;
  let claims: { sub: string; role: 'user'; email: string };
  const opts = () => ({ issuer: stack.env.JWT_ISSUER!, audience: stack.env.JWT_AUDIENCE ?? 'tiketi-api' });
  const localKey = () => ({
    kid: stack.env.JWT_KEY_ID!,
    privateKey: createPrivateKey(stack.env.JWT_PRIVATE_KEY!),
  });
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

  beforeAll(async () => {
    const reg = await register();
    good = reg.accessToken;
    claims = { sub: reg.user.id, role: 'user', email: reg.user.email };
  });

  const me = (token: string) => api('/api/v1/auth/me', { token });

  it('accepts the genuine token (control)', async () => {
    expect((await me(good)).status).toBe(200);
  });

  it('refuses no token and a garbage token', async () => {
    expect((await api('/api/v1/auth/me')).status).toBe(401);
    expect((await me('not.a.jwt')).status).toBe(401);
  });

  it('refuses a tampered token', async () => {
    const [h, p, s] = good.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    expect((await me(`${h}.${b64({ ...payload, role: 'admin' })}.${s}`)).status).toBe(401);
  });

  it('refuses an expired token signed with the real key', async () => {
    const expired = signJwt(claims, localKey(), { ...opts(), now: Date.now() - 16 * 60 * 1000 });
    const res = await me(expired);
    expect(res.status).toBe(401);
    expect((res.json as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token with an unknown kid', async () => {
    const other = {
      kid: 'rogue',
      privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    };
    expect((await me(signJwt(claims, other, opts()))).status).toBe(401);
  });

  it('refuses alg none and HS256', async () => {
    const payload = JSON.parse(Buffer.from(good.split('.')[1]!, 'base64url').toString());
    expect((await me(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`)).status).toBe(401);
    const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: stack.env.JWT_KEY_ID })}.${b64(payload)}`;
    const jwks = (await api('/api/v1/auth/jwks.json')).json;
    const sig = createHmac('sha256', JSON.stringify(jwks)).update(input).digest('base64url');
    expect((await me(`${input}.${sig}`)).status).toBe(401);
  });
});

describe('auth: lockout after repeated failures', () => {
  it('refuses the 6th attempt with 429 and Retry-After, even with the right password, and audits it', async () => {
    const email = uniqueEmail();
    await register(email);
    for (let i = 1; i <= 5; i++) {
      const res = await api('/api/v1/auth/login', {
        method: 'POST',
        body: { email, password: `wrong-${i}-password` },
      });
      expect(res.status, `attempt ${i}`).toBe(401);
      expect((res.json as { error: { code: string } }).error.code).toBe('INVALID_CREDENTIALS');
    }
    const sixth = await api('/api/v1/auth/login', {
      method: 'POST',
      body: { email, password: 'wrong-6-password' },
    });
    expect(sixth.status).toBe(429);
    const retryAfter = Number(sixth.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect((sixth.json as { error: { code: string } }).error.code).toBe('ACCOUNT_LOCKED');

    const right = await api('/api/v1/auth/login', { method: 'POST', body: { email, password } });
    expect(right.status).toBe(429);

    const audit = await db.query<{ action: string; n: number }>(
      'SELECT action, count(*)::int AS n FROM audit_log WHERE subject = $1 GROUP BY action',
      [email],
    );
    const byAction = Object.fromEntries(audit.rows.map((r) => [r.action, r.n]));
    expect(byAction).toMatchObject({
      'auth.login.failed': 5,
      'auth.login.locked': 1,
      'auth.login.refused_locked': 2,
    });
  });

  it('does not reveal whether an email exists', async () => {
    const res = await api('/api/v1/auth/login', {
      method: 'POST',
      body: { email: uniqueEmail(), password: 'whatever-password' },
    });
    expect(res.status).toBe(401);
    expect((res.json as { error: { code: string } }).error.code).toBe('INVALID_CREDENTIALS');
  });
});
