import { describe, expect, it } from 'vitest';
import { api, registerUser } from '../support/http';
import { openWs, settle, upgradeStatus } from '../support/ws';

/**
 * Sessions through the local gateway: logout ends the session everywhere (REST, sockets), and an ordinary client
 * never meets the frame limit (the limits themselves: websocket-limits.test.ts).
 */

type ErrorMessage = { type: string; data?: { code?: string } };

async function login(user: { email: string; password: string }) {
  const res = await api<{ accessToken: string; refreshToken: string }>('/api/v1/auth/login', {
    body: { email: user.email, password: user.password },
  });
  expect(res.status).toBe(200);
  return res.json;
}

describe('logout ends the session', () => {
  it("refuses the session's access token on REST routes and closes its sockets; other sessions live on", async () => {
    // Prepare: two sessions of one user, each with a socket
    const user = await registerUser('logout');
    const other = await login(user);
    const mine = await openWs({ token: user.accessToken });
    const theirs = await openWs({ token: other.accessToken });
    await Promise.all([settle(mine), settle(theirs)]);
    expect((await api('/api/v1/auth/me', { token: user.accessToken })).status).toBe(200);
    // Act
    const out = await api('/api/v1/auth/logout', { body: { refreshToken: user.refreshToken } });
    // Assess
    expect(out.status).toBe(204);
    const me = await api<{ error: { code: string } }>('/api/v1/auth/me', { token: user.accessToken });
    expect(me.status).toBe(401);
    const reservations = await api('/api/v1/reservations/my', { token: user.accessToken });
    expect(reservations.status).toBe(401);
    const closed = await Promise.race([
      mine.closed,
      new Promise<null>((r) => setTimeout(() => r(null), 5000)),
    ]);
    expect(closed).not.toBeNull();
    expect(await upgradeStatus({ token: user.accessToken })).toBe(401);
    // The other session is untouched.
    expect((await api('/api/v1/auth/me', { token: other.accessToken })).status).toBe(200);
    await settle(theirs);
    await theirs.close();
  });
});

describe('frames within the budget', () => {
  it('a client within the budget is never refused', async () => {
    // Prepare
    const user = await registerUser('ws-calm');
    const client = await openWs({ token: user.accessToken });
    // Act: 15 frames, each answered before the next (well inside the burst)
    for (let i = 0; i < 15; i++) await settle(client);
    // Assess
    expect(client.messages.some((m) => (m as ErrorMessage).type === 'error')).toBe(false);
    await client.close();
  });
});
