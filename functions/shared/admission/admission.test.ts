import { describe, expect, it } from 'vitest';
import { type AppError, ForbiddenError } from '../errors';
import { admissionGate } from './gate';
import { signAdmissionToken, verifyAdmissionToken } from './token';

/** Admission tokens and the gate the purchase use cases call. No network: Redis is a fake `eval`. */

const SECRET = 's'.repeat(64);
const EVENT = '0b9b7c1e-1111-4222-8333-444455556666';
const OTHER_EVENT = '0b9b7c1e-1111-4222-8333-777788889999';
const USER = 'a1a1a1a1-1111-4222-8333-444455556666';
const NOW = Date.UTC(2026, 10, 22, 3, 0, 0);
const inMinutes = (m: number) => new Date(NOW + m * 60_000);

describe('admission token', () => {
  it('round-trips its claims, signed and bound to event, user and expiry', () => {
    const token = signAdmissionToken(SECRET, { eventId: EVENT, userId: USER, expiresAt: inMinutes(10) });
    expect(token).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(verifyAdmissionToken(SECRET, token)).toEqual({
      eventId: EVENT,
      userId: USER,
      expiresAt: new Date(Math.floor(inMinutes(10).getTime() / 1000) * 1000),
    });
  });

  it('refuses another secret, a changed payload or signature, and anything malformed', () => {
    const token = signAdmissionToken(SECRET, { eventId: EVENT, userId: USER, expiresAt: inMinutes(10) });
    const [v, payload, sig] = token.split('.') as [string, string, string];
    const otherPayload = Buffer.from(JSON.stringify({ e: OTHER_EVENT, u: USER, x: 1 })).toString('base64url');
    for (const bad of [
      signAdmissionToken('t'.repeat(64), { eventId: EVENT, userId: USER, expiresAt: inMinutes(10) }),
      `${v}.${otherPayload}.${sig}`,
      `${v}.${payload}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`,
      `v2.${payload}.${sig}`,
      `${v}.${payload}`,
      '',
      'x'.repeat(2000),
      undefined,
    ]) {
      expect(verifyAdmissionToken(SECRET, bad), String(bad).slice(0, 20)).toBeNull();
    }
  });
});

function gate(state: [string, string] | Error, hasRoom = true) {
  const calls: unknown[][] = [];
  const g = admissionGate({
    redis: async () => ({
      eval: async (...args: unknown[]) => {
        calls.push(args);
        if (state instanceof Error) throw state;
        return state;
      },
    }),
    secret: async () => SECRET,
    hasRoom: async () => hasRoom,
    now: () => NOW,
    logger: { warn: () => {} },
  });
  return { g, calls };
}
const token = (over: Partial<{ eventId: string; userId: string; expiresAt: Date }> = {}) =>
  signAdmissionToken(SECRET, { eventId: EVENT, userId: USER, expiresAt: inMinutes(10), ...over });
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'passed',
    (e: AppError) => e.code,
  );
const SESSION_OPEN = String(NOW + 60_000);

describe('admission gate', () => {
  it('lets anyone through to an event without a room, without asking Redis', async () => {
    const { g, calls } = gate(['1', '-1'], false);
    expect(await codeOf(g.require({ eventId: EVENT, userId: USER, token: undefined }))).toBe('passed');
    expect(calls).toEqual([]);
  });

  it('lets anyone through while the room is quiet, in one Redis call on the room keys', async () => {
    // Prepare
    const { g, calls } = gate(['0', '-1']);
    // Act
    const result = await codeOf(g.require({ eventId: EVENT, userId: USER, token: undefined }));
    // Assess
    expect(result).toBe('passed');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.slice(1, 5)).toEqual([2, `{wr:${EVENT}}:state`, `{wr:${EVENT}}:active`, USER]);
  });

  it('while active, passes only a valid token of this event and user whose session is still open', async () => {
    const { g } = gate(['1', SESSION_OPEN]);
    expect(await codeOf(g.require({ eventId: EVENT, userId: USER, token: token() }))).toBe('passed');
    for (const bad of [
      undefined,
      token({ eventId: OTHER_EVENT }),
      token({ userId: OTHER_EVENT }),
      token({ expiresAt: new Date(NOW - 1000) }),
      signAdmissionToken('t'.repeat(64), { eventId: EVENT, userId: USER, expiresAt: inMinutes(10) }),
    ]) {
      expect(await codeOf(g.require({ eventId: EVENT, userId: USER, token: bad }))).toBe(
        'ADMISSION_REQUIRED',
      );
    }
  });

  it('refuses a valid token once the session ended or the user left the room', async () => {
    for (const session of [String(NOW - 1), '-1']) {
      const { g } = gate(['1', session]);
      const refused = g.require({ eventId: EVENT, userId: USER, token: token() });
      await expect(refused).rejects.toBeInstanceOf(ForbiddenError);
      await expect(refused).rejects.toMatchObject({ code: 'ADMISSION_REQUIRED' });
    }
  });

  it('with Redis down: no room needs nothing, a room needs a valid token, and without one it is a 503', async () => {
    const down = new Error('Connection is closed.');
    expect(
      await codeOf(gate(down, false).g.require({ eventId: EVENT, userId: USER, token: undefined })),
    ).toBe('passed');
    const { g } = gate(down, true);
    expect(await codeOf(g.require({ eventId: EVENT, userId: USER, token: token() }))).toBe('passed');
    expect(await codeOf(g.require({ eventId: EVENT, userId: USER, token: token({ userId: EVENT }) }))).toBe(
      'ADMISSION_REQUIRED',
    );
    expect(await codeOf(g.require({ eventId: EVENT, userId: USER, token: undefined }))).toBe(
      'DEPENDENCY_UNAVAILABLE',
    );
  });
});
