import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../test-utils/memory-storage';
import type { AuthResult } from '../contract';
import { createSessionStore, REFRESH_TOKEN_KEY, USER_KEY } from './session-store';

const result: AuthResult = {
  user: {
    id: '0b7e3c1a-5d1e-4a5e-9a53-3f1c2b6d7e80',
    email: 'kim@example.com',
    name: 'Kim',
    role: 'user',
    createdAt: '2026-01-01T00:00:00Z',
  },
  accessToken: 'access',
  refreshToken: 'refresh-token-aaaaaaaaaaaa',
  expiresIn: 900,
};

describe('session store', () => {
  it('keeps the access token in memory only, the refresh token and profile in storage', () => {
    const storage = memoryStorage();
    const session = createSessionStore({ storage });
    session.setAuth(result);
    expect(session.getAccessToken()).toBe('access');
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe(result.refreshToken);
    expect(JSON.parse(storage.getItem(USER_KEY) ?? '{}').name).toBe('Kim');
    // Only the refresh token and the profile are persisted; the access token never is.
    expect(storage.length).toBe(2);

    const reloaded = createSessionStore({ storage });
    expect(reloaded.getAccessToken()).toBeNull();
    expect(reloaded.getSnapshot()).toEqual({ user: result.user, signedIn: true });
  });

  it('treats an access token near expiry as absent', () => {
    let now = 1_000_000;
    const session = createSessionStore({ storage: memoryStorage(), now: () => now });
    session.setAuth({ ...result, expiresIn: 60 });
    expect(session.getAccessToken()).toBe('access');
    now += 50_000;
    expect(session.getAccessToken()).toBeNull();
  });

  it('ignores a corrupt cached profile', () => {
    const storage = memoryStorage({ [REFRESH_TOKEN_KEY]: 'r'.repeat(30), [USER_KEY]: '{"name":1}' });
    expect(createSessionStore({ storage }).getSnapshot()).toEqual({ user: null, signedIn: true });
  });

  it('notifies subscribers and follows sign-out in another tab', () => {
    const storage = memoryStorage();
    const session = createSessionStore({ storage });
    let notified = 0;
    session.subscribe(() => {
      notified += 1;
    });
    session.setAuth(result);
    const before = session.getSnapshot();
    storage.removeItem(REFRESH_TOKEN_KEY);
    session.syncFromStorage();
    expect(session.getSnapshot()).toEqual({ user: null, signedIn: false });
    expect(session.getSnapshot()).not.toBe(before);
    expect(session.getAccessToken()).toBeNull();
    expect(notified).toBe(2);
  });

  it('reads a refresh token rotated by another tab', () => {
    const storage = memoryStorage();
    const session = createSessionStore({ storage });
    session.setAuth(result);
    storage.setItem(REFRESH_TOKEN_KEY, 'rotated-refresh-token-bbbbbbb');
    expect(session.getRefreshToken()).toBe('rotated-refresh-token-bbbbbbb');
  });
});
