import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { roomKeys } from '../../functions/shared/admission/keys';
import { signAdmissionToken } from '../../functions/shared/admission/token';
import type { QueueTicket } from '../../shared/queue';
import { createDb } from '../support/db';
import { createSeatedEvent, createUsers, retireEvents, type TestUser } from '../support/fixtures';
import { api } from '../support/http';
import { openWs, settle, type WsClient } from '../support/ws';

/**
 * The waiting room against the local stack: the queue function's routes, the admission state machine (the ASL
 * CDK deploys) ticking through the local Step Functions executor, Redis holding the room, PostgreSQL the
 * inventory, the WebSocket gateway carrying `queue-entry-allowed` and `queue-updated`.
 */
const stack = inject('stack');
const db = createDb(stack.databaseUrl);
const redis = new Redis(stack.redisUrl);
const created: string[] = [];
const sockets: WsClient[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  // Quiet every room so no admission loop keeps ticking after the file.
  for (const eventId of created) await redis.del(...Object.values(roomKeys(eventId)));
  await retireEvents(db, created);
  await redis.quit();
  await db.end();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Room {
  threshold: number;
  admissionRate: number;
  sessionMinutes?: number;
  preQueueOpensAt?: string | null;
}

async function roomEvent(room: Room, options: { seats?: number; holdSeconds?: number } = {}) {
  const event = await createSeatedEvent(db, {
    seats: options.seats ?? 10,
    holdSeconds: options.holdSeconds,
    waitingRoom: { sessionMinutes: 10, preQueueOpensAt: null, ...room },
  });
  created.push(event.eventId);
  return event;
}

const join = (eventId: string, user: TestUser) =>
  api<QueueTicket>(`/api/v1/queue/join/${eventId}`, { method: 'POST', token: user.token });
const status = (eventId: string, user: TestUser) =>
  api<QueueTicket>(`/api/v1/queue/status/${eventId}`, { token: user.token });
const leave = (eventId: string, user: TestUser) =>
  api(`/api/v1/queue/leave/${eventId}`, { method: 'POST', token: user.token });
const lock = (eventId: string, seatIds: string[], user: TestUser, token?: string) =>
  api<{ error?: { code: string } }>('/api/v1/seats/lock', {
    token: user.token,
    body: { eventId, seatIds },
    headers: token ? { 'X-Admission-Token': token } : {},
  });

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await sleep(100);
  }
}

async function following(user: TestUser, eventId: string) {
  const ws = await openWs({ token: user.token });
  sockets.push(ws);
  ws.send({ action: 'join-queue', eventId });
  await settle(ws);
  return ws;
}

describe('waiting room', () => {
  it('with threshold 2 queues the third; when an admitted user leaves, the third is admitted within a tick and told so', async () => {
    const { eventId, seatIds } = await roomEvent({ threshold: 2, admissionRate: 10 });
    const [a, b, c] = await createUsers(db, stack.env, 3, 'room');

    const first = await join(eventId, a!);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ status: 'admitted', position: 0 });
    expect(first.json.admissionToken).toEqual(expect.any(String));
    expect((await join(eventId, b!)).json).toMatchObject({ status: 'admitted', room: { active: true } });

    const ws = await following(c!, eventId);
    const third = await join(eventId, c!);
    expect(third.json).toMatchObject({ status: 'waiting', ticket: 1, position: 1, aheadOfYou: 0 });
    expect(third.json.admissionToken).toBeUndefined();
    // Refresh, a second tab (two at once) and a reconnect keep the same place.
    const again = await Promise.all([join(eventId, c!), join(eventId, c!)]);
    expect(again.map((r) => r.json.ticket)).toEqual([1, 1]);
    const ws2 = await following(c!, eventId);
    expect((await status(eventId, c!)).json).toMatchObject({ status: 'waiting', ticket: 1 });
    await ws2.close();

    const left = Date.now();
    expect((await leave(eventId, a!)).json).toEqual({ eventId, left: true });
    const allowed = await ws.next<{ type: string; data: { eventId: string; admissionToken: string } }>(
      (m) => m.type === 'queue-entry-allowed',
      5_000,
    );
    // One tick is a second; allow the executor's scheduling on a busy machine.
    expect(Date.now() - left).toBeLessThan(3_000);
    expect(allowed.data.eventId).toBe(eventId);
    const now = await status(eventId, c!);
    expect(now.json).toMatchObject({ status: 'admitted', position: 0 });
    // The room's shared state moved on queue:{id} too.
    const updated = await ws.next<{ type: string; data: { servingCounter: number } }>(
      (m) => m.type === 'queue-updated' && (m.data as { servingCounter: number }).servingCounter === 1,
      5_000,
    );
    expect(updated.data).toMatchObject({ eventId, servingCounter: 1, waiting: 0 });
    // The token from the message works on the purchase routes.
    expect((await lock(eventId, [seatIds[0]!], c!, allowed.data.admissionToken)).status).toBe(200);
  });

  it('admits the next in line when an admitted session ends, in ticket order, and releases what it held', async () => {
    const { eventId, seatIds } = await roomEvent({ threshold: 1, admissionRate: 10 });
    const [a, b, c] = await createUsers(db, stack.env, 3, 'expiry');
    const first = await join(eventId, a!);
    expect(first.json.status).toBe('admitted');
    // A holds a seat when the session ends: the seat goes back on sale with the session.
    expect((await lock(eventId, [seatIds[0]!], a!, first.json.admissionToken)).status).toBe(200);
    expect((await join(eventId, b!)).json).toMatchObject({ status: 'waiting', ticket: 1 });
    expect((await join(eventId, c!)).json).toMatchObject({ status: 'waiting', ticket: 2, aheadOfYou: 1 });
    await sleep(1_500);
    expect((await status(eventId, b!)).json.status).toBe('waiting');
    // A's session ends now (as sessionMinutes would, only sooner).
    await redis.zadd(roomKeys(eventId).active, Date.now() - 1, a!.id);
    const bAdmitted = await until(
      () => status(eventId, b!),
      (r) => r.json.status === 'admitted',
    );
    expect(bAdmitted.json.status).toBe('admitted');
    expect((await status(eventId, c!)).json).toMatchObject({ status: 'waiting', position: 1, aheadOfYou: 0 });
    expect((await status(eventId, a!)).status).toBe(404);
    const seat = await until(
      () => db.query<{ status: string }>('SELECT status FROM seats WHERE id = $1', [seatIds[0]]),
      (r) => r.rows[0]!.status === 'available',
    );
    expect(seat.rows[0]!.status).toBe('available');
  });

  it('makes the purchase routes unusable without a valid admission token while the room is active', async () => {
    const { eventId, seatIds } = await roomEvent({ threshold: 1, admissionRate: 10 });
    const other = await roomEvent({ threshold: 1, admissionRate: 10 });
    const [a, b] = await createUsers(db, stack.env, 2, 'gate');
    const admitted = await join(eventId, a!);
    const token = admitted.json.admissionToken!;
    expect((await join(eventId, b!)).json.status).toBe('waiting');
    const otherToken = (await join(other.eventId, a!)).json.admissionToken!;
    const secret = stack.env.ADMISSION_TOKEN_SECRET!;
    const forged = signAdmissionToken('x'.repeat(64), {
      eventId,
      userId: a!.id,
      expiresAt: new Date(Date.now() + 60_000),
    });
    const expired = signAdmissionToken(secret, {
      eventId,
      userId: a!.id,
      expiresAt: new Date(Date.now() - 1),
    });
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;

    for (const [who, t] of [
      [a!, undefined],
      [a!, otherToken],
      [b!, token],
      [a!, forged],
      [a!, expired],
      [a!, tampered],
    ] as const) {
      const res = await lock(eventId, [seatIds[0]!], who, t);
      expect(res.status, `token ${String(t).slice(0, 12)}`).toBe(403);
      expect(res.json.error?.code).toBe('ADMISSION_REQUIRED');
    }
    // Nothing was held by the refusals.
    const held = await db.query(
      "SELECT count(*)::int AS n FROM seats WHERE event_id = $1 AND status <> 'available'",
      [eventId],
    );
    expect(held.rows[0]!.n).toBe(0);

    const ok = await lock(eventId, [seatIds[0]!], a!, token);
    expect(ok.status).toBe(200);
    const reserve = (t?: string) =>
      api<{ id: string; error?: { code: string } }>('/api/v1/reservations', {
        token: a!.token,
        body: { eventId, seatIds: [seatIds[0]!] },
        headers: { 'Idempotency-Key': `gate-${eventId}`, ...(t ? { 'X-Admission-Token': t } : {}) },
      });
    expect((await reserve()).json.error?.code).toBe('ADMISSION_REQUIRED');
    const reservation = await reserve(token);
    expect(reservation.status).toBe(201);
    const prepare = (t?: string) =>
      api<{ error?: { code: string } }>('/api/v1/payments/prepare', {
        token: a!.token,
        body: { reservationId: reservation.json.id },
        headers: t ? { 'X-Admission-Token': t } : {},
      });
    expect((await prepare()).json.error?.code).toBe('ADMISSION_REQUIRED');
    expect((await prepare(otherToken)).status).toBe(403);
    expect((await prepare(token)).status).toBe(201);

    // Leaving ends the admission: the same token stops working.
    await leave(eventId, a!);
    expect((await lock(eventId, [seatIds[1]!], a!, token)).json.error?.code).toBe('ADMISSION_REQUIRED');
  });

  it('says sold_out to those waiting while nothing is left, and resumes when an expired hold frees seats', async () => {
    const { eventId, seatIds } = await roomEvent(
      { threshold: 1, admissionRate: 10 },
      { seats: 2, holdSeconds: 3 },
    );
    const [a, b] = await createUsers(db, stack.env, 2, 'soldout');
    const token = (await join(eventId, a!)).json.admissionToken!;
    expect((await lock(eventId, seatIds, a!, token)).status).toBe(200);
    expect((await join(eventId, b!)).json.status).toBe('waiting');
    await leave(eventId, a!); // a slot is free, but nothing is left to sell
    const soldOut = await until(
      () => status(eventId, b!),
      (r) => r.json.status === 'sold_out',
    );
    expect(soldOut.json).toMatchObject({ status: 'sold_out', room: { soldOut: true } });
    expect(soldOut.json.message).toMatch(/taken/);
    // The hold expires (3 s, its Step Functions timer) and the seats come back: the room resumes and admits.
    const resumed = await until(
      () => status(eventId, b!),
      (r) => r.json.status === 'admitted',
      15_000,
    );
    expect(resumed.json).toMatchObject({ status: 'admitted', room: { soldOut: false } });
  });

  it('draws the pre-queue in random order at on-sale and queues later arrivals behind it in order', async () => {
    const { eventId } = await roomEvent({
      threshold: 10,
      // Slow enough that nobody is admitted while the test reads the tickets.
      admissionRate: 0.001,
      preQueueOpensAt: new Date(Date.now() - 60_000).toISOString(),
    });
    await db.query(`UPDATE events SET sales_open_at = now() + interval '15 seconds' WHERE id = $1`, [
      eventId,
    ]);
    const early = await createUsers(db, stack.env, 1_000, 'pre');
    const late = await createUsers(db, stack.env, 5, 'late');

    const answers: QueueTicket[] = [];
    for (let i = 0; i < early.length; i += 50) {
      const batch = await Promise.all(early.slice(i, i + 50).map((u) => join(eventId, u)));
      for (const r of batch) {
        expect(r.status).toBe(200);
        answers.push(r.json);
      }
    }
    expect(answers.every((t) => t.status === 'waiting' && t.ticket === null)).toBe(true);
    expect(answers[0]!.room.preQueueUntil).not.toBeNull();

    const opens = await db.query<{ at: Date }>('SELECT sales_open_at AS at FROM events WHERE id = $1', [
      eventId,
    ]);
    await sleep(Math.max(0, opens.rows[0]!.at.getTime() - Date.now()) + 2_500);
    const tickets: number[] = [];
    for (let i = 0; i < early.length; i += 50) {
      const batch = await Promise.all(early.slice(i, i + 50).map((u) => status(eventId, u)));
      tickets.push(...batch.map((r) => r.json.ticket ?? -1));
    }
    // A permutation of 1..1000…
    expect([...tickets].sort((x, y) => x - y)).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
    // …unrelated to arrival order (Spearman's rho of arrival vs ticket near 0; the identity would give 1).
    const n = tickets.length;
    const d2 = tickets.reduce((sum, t, i) => sum + (t - (i + 1)) ** 2, 0);
    const rho = 1 - (6 * d2) / (n * (n * n - 1));
    expect(Math.abs(rho)).toBeLessThan(0.15);
    // Each quarter of the arrivals is spread over the whole range (a loose uniformity check).
    for (let q = 0; q < 4; q++) {
      const quarter = tickets.slice(q * 250, (q + 1) * 250);
      expect(quarter.filter((t) => t <= 500).length).toBeGreaterThan(80);
      expect(quarter.filter((t) => t > 500).length).toBeGreaterThan(80);
    }

    const after: number[] = [];
    for (const u of late) after.push((await join(eventId, u)).json.ticket!);
    expect(after).toEqual([1001, 1002, 1003, 1004, 1005]);
  });
});
