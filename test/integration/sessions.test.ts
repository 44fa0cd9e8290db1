import { describe, expect, it } from 'vitest';
import { api, registerUser } from '../support/http';
import { openWs, settle, upgradeStatus, type WsClient } from '../support/ws';

/**
 * Sessions and WebSocket abuse through the local gateway: logout ends the session everywhere (REST, sockets);
 * one user holds at most 5 sockets; a socket flooding frames is answered with `error` and then closed.
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

describe('at most 5 sockets per user', () => {
  it('a 6th connection closes the oldest one, which is told why', async () => {
    // Prepare
    const user = await registerUser('ws-cap');
    const sockets: WsClient[] = [];
    for (let i = 0; i < 5; i++) sockets.push(await openWs({ token: user.accessToken }));
    await Promise.all(sockets.map((s) => settle(s)));
    // Act
    const sixth = await openWs({ token: user.accessToken });
    // Assess
    const oldest = await Promise.race([
      sockets[0]!.closed,
      new Promise<null>((r) => setTimeout(() => r(null), 5000)),
    ]);
    expect(oldest).not.toBeNull();
    expect(
      sockets[0]!.messages.some(
        (m) => (m as ErrorMessage).type === 'error' && /at most 5/.test(JSON.stringify(m)),
      ),
    ).toBe(true);
    await Promise.all([...sockets.slice(1), sixth].map((s) => settle(s)));
    await Promise.all([...sockets, sixth].map((s) => s.close()));
  });
});

describe('frame flood', () => {
  it('frames over the budget are answered with error TOO_MANY_REQUESTS; sustained abuse closes the socket', async () => {
    // Prepare
    const user = await registerUser('ws-flood');
    const client = await openWs({ token: user.accessToken });
    // Act
    for (let i = 0; i < 100; i++) client.send({ action: 'ping' });
    // Assess
    const closed = await Promise.race([
      client.closed,
      new Promise<null>((r) => setTimeout(() => r(null), 15_000)),
    ]);
    expect(closed).not.toBeNull();
    const errors = client.messages.filter(
      (m) => (m as ErrorMessage).type === 'error' && (m as ErrorMessage).data?.code === 'TOO_MANY_REQUESTS',
    );
    const pongs = client.messages.filter((m) => (m as ErrorMessage).type === 'pong');
    expect(errors.length).toBeGreaterThan(0);
    expect(pongs.length).toBeGreaterThanOrEqual(20);
    expect(pongs.length).toBeLessThan(100);
  });

  it('a client within the budget is never refused', async () => {
    // Prepare
    const user = await registerUser('ws-calm');
    const client = await openWs({ token: user.accessToken });
    // Act: 15 frames, each answered before the next (well inside the burst of 20)
    for (let i = 0; i < 15; i++) await settle(client);
    // Assess
    expect(client.messages.some((m) => (m as ErrorMessage).type === 'error')).toBe(false);
    await client.close();
  });
});
