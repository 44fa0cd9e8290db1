import { describe, expect, it, vi } from 'vitest';
import { memoryStorage } from '../../test-utils/memory-storage';
import type { AuthResult } from '../contract';
import { createSessionStore, REFRESH_TOKEN_KEY, USER_KEY } from '../session/session-store';
import { followSession } from './follow-session';

const user = (id: string, name: string): AuthResult['user'] => ({
  id,
  email: `${name}@example.com`,
  name,
  role: 'user',
  createdAt: '2026-01-01T00:00:00Z',
});
const KIM = user('0b7e3c1a-5d1e-4a5e-9a53-3f1c2b6d7e80', 'kim');
const LEE = user('1c8f4d2b-6e2f-4b6f-8b64-4a2d3c7e8f91', 'lee');
const auth = (u = KIM, accessToken = 'access-1', refreshToken = 'refresh-aaaaaaaaaaaaaaaa'): AuthResult => ({
  user: u,
  accessToken,
  refreshToken,
  expiresIn: 900,
});

function fakeClient() {
  return { start: vi.fn(), stop: vi.fn(), restart: vi.fn(), tokenChanged: vi.fn() };
}

describe('followSession', () => {
  it('does nothing for an anonymous visitor, starts on sign-in and stops on sign-out', () => {
    const session = createSessionStore({ storage: memoryStorage() });
    const client = fakeClient();
    followSession(client, session);
    expect(client.start).not.toHaveBeenCalled();

    session.setAuth(auth());
    expect(client.start).toHaveBeenCalledTimes(1);
    session.clear();
    expect(client.stop).toHaveBeenCalledTimes(1);
    expect(client.restart).not.toHaveBeenCalled();
  });

  it('starts at once for a resumed session (refresh token in storage)', () => {
    const storage = memoryStorage({
      [REFRESH_TOKEN_KEY]: 'refresh-aaaaaaaaaaaaaaaa',
      [USER_KEY]: JSON.stringify(KIM),
    });
    const client = fakeClient();
    followSession(client, createSessionStore({ storage }));
    expect(client.start).toHaveBeenCalledTimes(1);
  });

  it('a refreshed token for the same user only nudges a waiting reconnect', () => {
    const session = createSessionStore({ storage: memoryStorage() });
    session.setAuth(auth());
    const client = fakeClient();
    followSession(client, session);
    session.setAuth(auth(KIM, 'access-2', 'refresh-bbbbbbbbbbbbbbbb'));
    expect(client.tokenChanged).toHaveBeenCalledTimes(1);
    session.setUser({ ...KIM, name: 'kim 2' });
    expect(client.tokenChanged).toHaveBeenCalledTimes(1);
    expect(client.restart).not.toHaveBeenCalled();
    expect(client.stop).not.toHaveBeenCalled();
  });

  it('reconnects when another user signs in in another tab, stops when another tab signs out', () => {
    const storage = memoryStorage();
    const session = createSessionStore({ storage });
    session.setAuth(auth());
    const client = fakeClient();
    followSession(client, session);

    storage.setItem(REFRESH_TOKEN_KEY, 'refresh-cccccccccccccccc');
    storage.setItem(USER_KEY, JSON.stringify(LEE));
    session.syncFromStorage();
    expect(client.restart).toHaveBeenCalledTimes(1);

    storage.removeItem(REFRESH_TOKEN_KEY);
    session.syncFromStorage();
    expect(client.stop).toHaveBeenCalledTimes(1);
  });

  it('unsubscribes', () => {
    const session = createSessionStore({ storage: memoryStorage() });
    const client = fakeClient();
    const unfollow = followSession(client, session);
    unfollow();
    session.setAuth(auth());
    expect(client.start).not.toHaveBeenCalled();
  });
});
