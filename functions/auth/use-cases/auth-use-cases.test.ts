import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../../shared/domain';
import { ConflictError, TooManyRequestsError, UnauthenticatedError } from '../../shared/errors';
import type { AuditEntry, AuthDeps, RefreshTokenRecord, UserRecord } from '../ports';
import { login } from './login';
import { logout } from './logout';
import { refresh } from './refresh';
import { register } from './register';

/** Unit tests with in-memory ports: no network. Integration tests cover the real adapters. */
function fakeDeps() {
  const users = new Map<string, UserRecord>();
  const tokens = new Map<string, RefreshTokenRecord & { hash: string }>();
  const audit: AuditEntry[] = [];
  const failures = new Map<string, number>();
  const locks = new Set<string>();
  const spent = new Map<string, number>();
  const throttleLimit = 20;
  const denied: { sid?: string; jti?: string; ttl: number }[] = [];
  const sockets: { userId: string; sessionId: string; open: boolean }[] = [];
  let now = new Date();
  let seq = 0;
  const deps: AuthDeps = {
    users: {
      async create(i) {
        if ([...users.values()].some((u) => u.email === i.email)) return null;
        const u: UserRecord = {
          id: randomUUID(),
          email: i.email,
          name: i.name,
          role: i.role,
          createdAt: new Date().toISOString(),
          passwordHash: i.passwordHash,
        };
        users.set(u.id, u);
        const { passwordHash: _p, ...pub } = u;
        return pub;
      },
      findByEmail: async (e) => [...users.values()].find((u) => u.email === e) ?? null,
      findById: async (id) => {
        const u = users.get(id);
        if (!u) return null;
        const { passwordHash: _p, ...pub } = u;
        return pub as User;
      },
    },
    refreshTokens: {
      insert: async (i) => {
        tokens.set(i.tokenHash, {
          id: randomUUID(),
          hash: i.tokenHash,
          userId: i.userId,
          familyId: i.familyId,
          expiresAt: i.expiresAt,
          rotatedAt: null,
          revokedAt: null,
        });
      },
      withLockedToken: async (hash, fn) =>
        fn(tokens.get(hash) ?? null, {
          markRotated: async (id) => {
            for (const t of tokens.values()) if (t.id === id) t.rotatedAt = new Date();
          },
          revokeFamily: async (familyId) => {
            for (const t of tokens.values()) if (t.familyId === familyId) t.revokedAt ??= new Date();
          },
          insert: (i) => deps.refreshTokens.insert(i),
        }),
      revokeFamilyOf: async (hash) => {
        const t = tokens.get(hash);
        if (!t) return null;
        for (const o of tokens.values()) if (o.familyId === t.familyId) o.revokedAt ??= new Date();
        return { userId: t.userId, familyId: t.familyId };
      },
    },
    audit: { record: async (e) => void audit.push(e) },
    attempts: {
      maxFailures: 5,
      admit: async (e) => {
        if (locks.has(e)) return { admitted: false, retryAfterSeconds: 900 };
        const n = (failures.get(e) ?? 0) + 1;
        failures.set(e, n);
        return n > 5 ? { admitted: false, retryAfterSeconds: 600 } : { admitted: true, attempt: n };
      },
      lockedFor: async (e) => (locks.has(e) ? 900 : 0),
      failed: async (e, attempt) => {
        if (attempt < 5) return false;
        locks.add(e);
        failures.delete(e);
        return true;
      },
      reset: async (e) => {
        failures.delete(e);
        locks.delete(e);
      },
    },
    throttle: {
      consume: async (action, ip) => {
        const key = `${action}:${ip}`;
        const n = (spent.get(key) ?? 0) + 1;
        spent.set(key, n);
        return n > throttleLimit ? { allowed: false, retryAfterSeconds: 42 } : { allowed: true };
      },
    },
    hasher: { hash: async (p) => `h:${p}`, verify: async (p, h) => h === `h:${p}` },
    tokens: {
      accessToken: (_user, sid) => ({ token: `access-${++seq}-${sid}`, expiresIn: 900 }),
      accessTtlSeconds: 900,
      refreshToken: () => {
        const token = `refresh-${++seq}`;
        return { token, hash: `#${token}` };
      },
      hashRefreshToken: (t) => `#${t}`,
      refreshTtlSeconds: 30 * 86_400,
      jwks: () => ({ keys: [] }),
    },
    denylist: {
      deny: async (entry, ttl) => void denied.push({ ...entry, ttl }),
      isDenied: async ({ sid }) => denied.some((d) => d.sid === sid),
    },
    sockets: {
      closeSession: async (userId, sessionId) => {
        const mine = sockets.filter((c) => c.userId === userId && c.sessionId === sessionId);
        for (const c of mine) c.open = false;
        return mine.length;
      },
    },
    clock: { now: () => now },
  };
  const setNow = (d: Date) => {
    now = d;
  };
  return { deps, audit, tokens, throttleLimit, denied, sockets, setNow };
}

describe('auth use cases', () => {
  let f: ReturnType<typeof fakeDeps>;
  beforeEach(() => {
    f = fakeDeps();
  });
  const creds = { email: 'Kim@Example.com', password: 'password-1', name: 'Kim', sourceIp: '1.2.3.4' };

  it('register normalises the email and refuses a duplicate', async () => {
    const out = await register(f.deps, creds);
    expect(out.user.email).toBe('kim@example.com');
    await expect(register(f.deps, { ...creds, email: 'kim@example.com' })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('login locks after five failures; the sixth attempt is refused even with the right password', async () => {
    await register(f.deps, creds);
    for (let i = 0; i < 5; i++) {
      await expect(login(f.deps, { ...creds, password: 'wrong' })).rejects.toBeInstanceOf(
        UnauthenticatedError,
      );
    }
    const sixth = login(f.deps, creds);
    await expect(sixth).rejects.toBeInstanceOf(TooManyRequestsError);
    expect(f.audit.filter((a) => a.action === 'auth.login.failed')).toHaveLength(5);
    expect(f.audit.filter((a) => a.action === 'auth.login.locked')).toHaveLength(1);
    expect(f.audit.filter((a) => a.action === 'auth.login.refused_locked')).toHaveLength(1);
  });

  it('a wrong password tells how many attempts are left, counting down to the lock', async () => {
    // Prepare
    await register(f.deps, creds);
    const left: unknown[] = [];
    // Act
    for (let i = 0; i < 5; i++) {
      const err = await login(f.deps, { ...creds, password: 'wrong' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnauthenticatedError);
      left.push((err as UnauthenticatedError).details);
    }
    // Assess
    expect(left).toEqual([4, 3, 2, 1, 0].map((attemptsLeft) => ({ attemptsLeft })));
  });

  it('a successful sign-in resets the count', async () => {
    // Prepare
    await register(f.deps, creds);
    for (let i = 0; i < 4; i++) await login(f.deps, { ...creds, password: 'wrong' }).catch(() => {});
    // Act
    await login(f.deps, creds);
    const err = await login(f.deps, { ...creds, password: 'wrong' }).catch((e: unknown) => e);
    // Assess
    expect((err as UnauthenticatedError).details).toEqual({ attemptsLeft: 4 });
  });

  it('the client address budget refuses sign-in and sign-up past it with 429 TOO_MANY_REQUESTS', async () => {
    // Prepare
    const ip = { ...creds, sourceIp: '203.0.113.9' };
    for (let i = 0; i < f.throttleLimit; i++) {
      await login(f.deps, { ...ip, email: `nobody-${i}@example.com` }).catch(() => {});
    }
    // Act
    const refused = await login(f.deps, ip).catch((e: unknown) => e);
    const otherIp = await login(f.deps, { ...ip, sourceIp: '203.0.113.10' }).catch((e: unknown) => e);
    // Assess
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect(refused).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 42 });
    expect(otherIp).toBeInstanceOf(UnauthenticatedError);
    expect(
      f.audit.filter((a) => a.sourceIp === '203.0.113.9' && a.action === 'auth.login.failed'),
    ).toHaveLength(f.throttleLimit);
  });

  it('refresh rotates once; replaying the old token revokes the family', async () => {
    const first = await register(f.deps, creds);
    const second = await refresh(f.deps, { refreshToken: first.refreshToken, sourceIp: 'x' });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await expect(refresh(f.deps, { refreshToken: first.refreshToken, sourceIp: 'x' })).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    await expect(
      refresh(f.deps, { refreshToken: second.refreshToken, sourceIp: 'x' }),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(f.audit.some((a) => a.action === 'auth.refresh.reuse_detected')).toBe(true);
  });

  it('refresh keeps the family expiry: 30 days from sign-in, however often it rotates', async () => {
    // Prepare
    const start = new Date('2026-12-01T00:00:00Z');
    f.setNow(start);
    let session = await register(f.deps, creds);
    const familyExpiry = [...f.tokens.values()][0]!.expiresAt.getTime();
    // Act: rotate every 10 days
    for (const days of [10, 20]) {
      f.setNow(new Date(start.getTime() + days * 86_400_000));
      session = await refresh(f.deps, { refreshToken: session.refreshToken, sourceIp: 'x' });
    }
    f.setNow(new Date(familyExpiry + 1000));
    const late = refresh(f.deps, { refreshToken: session.refreshToken, sourceIp: 'x' });
    // Assess
    expect(new Set([...f.tokens.values()].map((t) => t.expiresAt.getTime()))).toEqual(
      new Set([familyExpiry]),
    );
    await expect(late).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('logout revokes the family, denylists the session for an access token lifetime, closes its sockets', async () => {
    // Prepare
    const first = await register(f.deps, creds);
    const other = await login(f.deps, creds);
    const familyOf = (refreshToken: string) => f.tokens.get(`#${refreshToken}`)!.familyId;
    const userId = first.user.id;
    f.sockets.push(
      { userId, sessionId: familyOf(first.refreshToken), open: true },
      { userId, sessionId: familyOf(first.refreshToken), open: true },
      { userId, sessionId: familyOf(other.refreshToken), open: true },
    );
    // Act
    await logout(f.deps, { refreshToken: first.refreshToken, sourceIp: 'x' });
    // Assess
    expect(f.denied).toEqual([{ sid: familyOf(first.refreshToken), ttl: 900 }]);
    expect(f.sockets.map((c) => c.open)).toEqual([false, false, true]);
    await expect(refresh(f.deps, { refreshToken: first.refreshToken, sourceIp: 'x' })).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    expect(f.audit.find((a) => a.action === 'auth.logout')?.details).toMatchObject({ socketsClosed: 2 });
  });

  it('logout of an unknown token changes nothing', async () => {
    // Prepare / Act
    await logout(f.deps, { refreshToken: 'refresh-unknown', sourceIp: 'x' });
    // Assess
    expect(f.denied).toEqual([]);
    expect(f.audit).toEqual([]);
  });

  it('refresh refuses an expired token', async () => {
    const first = await register(f.deps, creds);
    for (const t of f.tokens.values()) t.expiresAt = new Date(Date.now() - 1000);
    await expect(refresh(f.deps, { refreshToken: first.refreshToken, sourceIp: 'x' })).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });
});
