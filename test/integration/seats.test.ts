import { gzipSync } from 'node:zlib';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { SEED_EVENT_IDS } from '../../functions/db/seed';
import { type Hold, type SeatMap, type SeatStatusView, seatIdAt } from '../../shared/booking';
import { localAws } from '../support/aws';
import { createDb } from '../support/db';
import { createSeatedEvent, createUsers, retireEvents, type TestUser } from '../support/fixtures';
import { api } from '../support/http';
import { openWs, settle, type WsClient } from '../support/ws';

/**
 * Seat map and holds through the local stack: the columnar map with live statuses and ETags, lock/unlock
 * all-or-nothing with the Redis filter and PostgreSQL as the truth, the per-user limit, the fixed deadline,
 * the expiry timer started with each hold, broadcasts without the holder's id.
 */
const stack = inject('stack');
const db = createDb(stack.databaseUrl);
const redis = new Redis(stack.redisUrl);
const sfn = new SFNClient({ ...localAws, endpoint: stack.sfnEndpoint });
const created: string[] = [];
const sockets: WsClient[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await retireEvents(db, created);
  sfn.destroy();
  await redis.quit();
  await db.end();
});

type ErrorBody = { error: { code: string; details?: { seatIds?: string[]; limit?: number; held?: number } } };

async function seatedEvent(options: Parameters<typeof createSeatedEvent>[1] = {}) {
  const event = await createSeatedEvent(db, options);
  created.push(event.eventId);
  return event;
}

const lock = (user: TestUser, eventId: string, seatIds: string[], headers?: Record<string, string>) =>
  api<{ hold: Hold } & ErrorBody>('/api/v1/seats/lock', {
    token: user.token,
    body: { eventId, seatIds },
    headers,
  });
const unlock = (user: TestUser, eventId: string, seatIds: string[]) =>
  api<{ hold: Hold | null } & ErrorBody>('/api/v1/seats/unlock', {
    token: user.token,
    body: { eventId, seatIds },
  });
const holdOf = (user: TestUser, eventId: string) =>
  api<{ hold: Hold | null }>(`/api/v1/holds/${eventId}`, { token: user.token });
const map = (eventId: string, headers?: Record<string, string>, query = '') =>
  api<SeatMap & SeatStatusView>(`/api/v1/seats/events/${eventId}${query}`, { headers });

const statusesOf = async (ids: string[]) =>
  Object.fromEntries(
    (
      await db.query<{ id: string; status: string }>('SELECT id, status FROM seats WHERE id = ANY($1)', [ids])
    ).rows.map((r) => [r.id, r.status]),
  );
const seatKey = (eventId: string, seatId: string) => `seat:{${eventId}}:${seatId}`;

describe('seat map', () => {
  it('is columnar, in map order, with live statuses, an ETag and 304 on a match', async () => {
    const event = await seatedEvent({ seats: 30, perRow: 10 });
    const res = await map(event.eventId);
    expect(res.status, res.text).toBe(200);
    const m = res.json;
    expect(m.seats.count).toBe(30);
    expect(m.seats.status).toBe('a'.repeat(30));
    expect(Array.from({ length: 30 }, (_, i) => seatIdAt(m, i))).toEqual(event.seatIds);
    expect(m.tiers.map((t) => [t.name, t.price])).toEqual([
      ['VIP', 150_000],
      ['R', 110_000],
      ['S', 80_000],
    ]);
    expect(new Set(m.tiers.map((t) => t.color)).size).toBe(3);
    expect(m.sections.map((s) => s.name)).toEqual(['A']);
    expect(m.seats.row.slice(0, 11)).toEqual([...Array(10).fill('R001'), 'R002']);
    expect(m.seats.number.slice(0, 3)).toEqual([1, 2, 3]);
    expect(m.seats.tier.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(m.width).toBe(90);
    expect(m.height).toBe(20);
    expect(Math.abs(Date.parse(m.readAt) - Date.now())).toBeLessThan(5_000);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);

    const again = await map(event.eventId, { 'If-None-Match': etag! });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');

    // A lock changes one status; the map shows it at once and its ETag moves.
    const [user] = await createUsers(db, stack.env, 1);
    expect((await lock(user!, event.eventId, [event.seatIds[4]!])).status).toBe(200);
    const after = await map(event.eventId, { 'If-None-Match': etag! });
    expect(after.status).toBe(200);
    expect(after.json.seats.status).toBe(`aaaah${'a'.repeat(25)}`);
    expect(after.headers.get('etag')).not.toBe(etag);

    const statusOnly = await map(event.eventId, {}, '?view=status');
    expect(statusOnly.status).toBe(200);
    expect(statusOnly.json).toMatchObject({
      eventId: event.eventId,
      count: 30,
      status: after.json.seats.status,
    });
    expect(statusOnly.json).not.toHaveProperty('seats');
    expect(statusOnly.headers.get('etag')).not.toBe(after.headers.get('etag'));
  });

  it('answers 404 EVENT_NOT_FOUND for unknown and draft events', async () => {
    for (const id of ['00000000-0000-4000-8000-00000000dead', SEED_EVENT_IDS.draft]) {
      const res = await api<ErrorBody>(`/api/v1/seats/events/${id}`);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('EVENT_NOT_FOUND');
    }
  });

  it('keeps a 20,000-seat map under 400 KB gzipped, with every id recoverable', async () => {
    const event = await seatedEvent({ seats: 20_000, perRow: 100 });
    const res = await map(event.eventId);
    expect(res.status).toBe(200);
    const gzipped = gzipSync(Buffer.from(res.text)).length;
    console.log(
      `[seats] 20,000-seat map: ${(res.text.length / 1024).toFixed(0)} KB JSON, ${(gzipped / 1024).toFixed(0)} KB gzipped`,
    );
    expect(gzipped).toBeLessThanOrEqual(400 * 1024);
    const m = res.json;
    expect(m.seats.count).toBe(20_000);
    for (const column of [m.seats.section, m.seats.row, m.seats.number, m.seats.x, m.seats.y, m.seats.tier]) {
      expect(column).toHaveLength(20_000);
    }
    expect(m.seats.status).toHaveLength(20_000);
    for (let i = 0; i < 20_000; i++) {
      if (seatIdAt(m, i) !== event.seatIds[i])
        expect.fail(`seat ${i}: ${seatIdAt(m, i)} ≠ ${event.seatIds[i]}`);
    }

    // Warm: the layout is cached, only the statuses are read.
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      expect((await map(event.eventId, {}, '?view=status')).status).toBe(200);
      times.push(performance.now() - started);
    }
    console.log(`[seats] warm status reads of 20,000 seats: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  });
});

describe('holds', () => {
  it('locks all or nothing, names taken seats, and starts one expiry timer per hold', async () => {
    const event = await seatedEvent({ seats: 10 });
    const [a, b] = await createUsers(db, stack.env, 2);
    const [s0, s1, s2] = event.seatIds;

    const first = await lock(a!, event.eventId, [s0!, s1!]);
    expect(first.status, first.text).toBe(200);
    const hold = first.json.hold;
    expect(hold.seats.map((s) => s.id)).toEqual([s0, s1]);
    expect(hold.seats[0]).toEqual({ id: s0, label: 'A R001-1', tierName: 'VIP', price: 150_000 });
    expect(hold.maxSeats).toBe(4);
    expect(Date.parse(hold.expiresAt) - Date.now()).toBeGreaterThan(290_000);
    expect(await statusesOf([s0!, s1!])).toEqual({ [s0!]: 'held', [s1!]: 'held' });
    expect(await redis.get(seatKey(event.eventId, s0!))).toBe(a!.id);

    const row = await db.query('SELECT status, execution_arn FROM holds WHERE id = $1', [hold.id]);
    expect(row.rows[0].status).toBe('active');
    expect(row.rows[0].execution_arn).toMatch(new RegExp(`:execution:[^:]+:${hold.id}$`));
    const execution = await sfn.send(
      new DescribeExecutionCommand({ executionArn: row.rows[0].execution_arn }),
    );
    expect(execution.status).toBe('RUNNING');
    expect(JSON.parse(execution.input!)).toMatchObject({ holdId: hold.id, eventId: event.eventId });

    // B wants one of A's seats and a free one: nothing happens, the taken one is named.
    const conflict = await lock(b!, event.eventId, [s1!, s2!]);
    expect(conflict.status).toBe(409);
    expect(conflict.json.error).toMatchObject({ code: 'SEAT_UNAVAILABLE', details: { seatIds: [s1] } });
    expect(await statusesOf([s2!])).toEqual({ [s2!]: 'available' });
    expect(await redis.get(seatKey(event.eventId, s2!))).toBeNull();
    expect((await db.query('SELECT 1 FROM holds WHERE user_id = $1', [b!.id])).rowCount).toBe(0);

    // Adding a seat keeps the deadline; locking seats already held is harmless.
    await new Promise((r) => setTimeout(r, 1_100));
    const more = await lock(a!, event.eventId, [s1!, s2!]);
    expect(more.status, more.text).toBe(200);
    expect(more.json.hold.id).toBe(hold.id);
    expect(more.json.hold.expiresAt).toBe(hold.expiresAt);
    expect(more.json.hold.seats.map((s) => s.id)).toEqual([s0, s1, s2]);
    expect(
      (await db.query('SELECT count(*)::int AS n FROM holds WHERE user_id = $1', [a!.id])).rows[0].n,
    ).toBe(1);
  });

  it('refuses seats above the per-user limit with 422 LIMIT_EXCEEDED and changes nothing', async () => {
    const event = await seatedEvent({ seats: 10, maxSeatsPerUser: 3 });
    const [a] = await createUsers(db, stack.env, 1);
    expect((await lock(a!, event.eventId, event.seatIds.slice(0, 2))).status).toBe(200);
    const res = await lock(a!, event.eventId, event.seatIds.slice(2, 4));
    expect(res.status).toBe(422);
    expect(res.json.error).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      details: { limit: 3, alreadyYours: 2, requested: 2 },
    });
    expect(Object.values(await statusesOf(event.seatIds.slice(2, 4)))).toEqual(['available', 'available']);
    expect(await redis.get(seatKey(event.eventId, event.seatIds[2]!))).toBeNull();
  });

  it('keeps PostgreSQL the truth when Redis forgot a seat, and gives back the keys it set', async () => {
    const event = await seatedEvent({ seats: 10 });
    const [a, b] = await createUsers(db, stack.env, 2);
    const [s0, s1] = event.seatIds;
    expect((await lock(a!, event.eventId, [s0!])).status).toBe(200);
    await redis.del(seatKey(event.eventId, s0!)); // as if Redis lost the key
    const res = await lock(b!, event.eventId, [s1!, s0!]);
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({ code: 'SEAT_UNAVAILABLE', details: { seatIds: [s0] } });
    expect(await redis.get(seatKey(event.eventId, s1!))).toBeNull();
    expect(await redis.get(seatKey(event.eventId, s0!))).toBeNull();
    expect(await statusesOf([s0!, s1!])).toEqual({ [s0!]: 'held', [s1!]: 'available' });
  });

  it('unlocks seats, shows no hold after its last seat, and frees them for others', async () => {
    const event = await seatedEvent({ seats: 10 });
    const [a, b] = await createUsers(db, stack.env, 2);
    const [s0, s1, s2] = event.seatIds;
    const locked = await lock(a!, event.eventId, [s0!, s1!]);
    const holdId = locked.json.hold.id;

    const none = await unlock(a!, event.eventId, [s2!]);
    expect(none.status).toBe(404);
    expect(none.json.error.code).toBe('NOT_FOUND');
    expect((await unlock(b!, event.eventId, [s0!])).status).toBe(404); // not B's to unlock

    const partial = await unlock(a!, event.eventId, [s0!, s2!]);
    expect(partial.status).toBe(200);
    expect(partial.json.hold?.seats.map((s) => s.id)).toEqual([s1]);
    expect(await redis.get(seatKey(event.eventId, s0!))).toBeNull();

    const last = await unlock(a!, event.eventId, [s1!]);
    expect(last.status).toBe(200);
    expect(last.json.hold).toBeNull();
    // The emptied hold keeps its deadline and timer for the rest of its window (hold-churn.test.ts).
    const row = await db.query('SELECT status, closed_at FROM holds WHERE id = $1', [holdId]);
    expect(row.rows[0].status).toBe('active');
    expect(row.rows[0].closed_at).toBeNull();
    expect((await holdOf(a!, event.eventId)).json.hold).toBeNull();

    const taken = await lock(b!, event.eventId, [s0!, s1!]);
    expect(taken.status, taken.text).toBe(200);
    expect(taken.json.hold.seats.map((s) => s.id)).toEqual([s0, s1]);
  });

  it("shows only the caller's own hold", async () => {
    const event = await seatedEvent({ seats: 10 });
    const [a, b] = await createUsers(db, stack.env, 2);
    const locked = await lock(a!, event.eventId, [event.seatIds[0]!]);
    const mine = await holdOf(a!, event.eventId);
    expect(mine.status).toBe(200);
    expect(mine.json.hold).toEqual(locked.json.hold);
    const theirs = await holdOf(b!, event.eventId);
    expect(theirs.status).toBe(200);
    expect(theirs.json.hold).toBeNull();
  });

  it('refuses events that are not on sale (409) or do not exist (404)', async () => {
    const [a] = await createUsers(db, stack.env, 1);
    const seat = (
      await db.query<{ id: string }>('SELECT id FROM seats WHERE event_id = $1 LIMIT 1', [
        SEED_EVENT_IDS.symphony,
      ])
    ).rows[0]!.id;
    const closed = await seatedEvent({ seats: 2 });
    await db.query(`UPDATE events SET status = 'closed' WHERE id = $1`, [closed.eventId]);
    const res = await lock(a!, closed.eventId, [closed.seatIds[0]!]);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('EVENT_NOT_ON_SALE');
    const unknown = await lock(a!, '00000000-0000-4000-8000-00000000dead', [seat]);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('EVENT_NOT_FOUND');
    // A seat of another event is not this event's seat: named as unavailable.
    const other = await seatedEvent({ seats: 2 });
    const wrong = await lock(a!, other.eventId, [seat]);
    expect(wrong.status).toBe(409);
    expect(wrong.json.error).toMatchObject({ code: 'SEAT_UNAVAILABLE', details: { seatIds: [seat] } });
  });

  it('broadcasts seat-locked / seat-released on the event topic without the holder', async () => {
    const event = await seatedEvent({ seats: 10 });
    const [a, watcher] = await createUsers(db, stack.env, 2);
    const ws = await openWs({ token: watcher!.token });
    sockets.push(ws);
    ws.send({ action: 'join-event', eventId: event.eventId });
    await settle(ws);

    const seat = event.seatIds[3]!;
    expect((await lock(a!, event.eventId, [seat])).status).toBe(200);
    const locked = await ws.next<{ type: string; data: { seats: { id: string }[] } }>(
      (m) => m.type === 'seat-locked' && m.data.seats.some((s) => s.id === seat),
    );
    expect(locked).toEqual({
      type: 'seat-locked',
      data: { eventId: event.eventId, seats: [{ id: seat, status: 'held' }] },
    });

    expect((await unlock(a!, event.eventId, [seat])).status).toBe(200);
    const released = await ws.next<{ type: string; data: { seats: { id: string }[] } }>(
      (m) => m.type === 'seat-released' && m.data.seats.some((s) => s.id === seat),
    );
    expect(released.data).toEqual({ eventId: event.eventId, seats: [{ id: seat, status: 'available' }] });
  });

  it('follows seat changes with the event availability (ticket-updated)', async () => {
    const event = await seatedEvent({ seats: 10 });
    const [a, watcher] = await createUsers(db, stack.env, 2);
    const ws = await openWs({ token: watcher!.token });
    sockets.push(ws);
    ws.send({ action: 'join-event', eventId: event.eventId });
    await settle(ws);

    type Updated = { type: string; data: { eventId: string; availability: Record<string, number> } };
    expect((await lock(a!, event.eventId, event.seatIds.slice(0, 3))).status).toBe(200);
    const afterLock = await ws.next<Updated>((m) => m.type === 'ticket-updated');
    expect(afterLock.data).toMatchObject({
      eventId: event.eventId,
      availability: { total: 10, available: 7, held: 3, sold: 0 },
    });

    expect((await unlock(a!, event.eventId, event.seatIds.slice(0, 1))).status).toBe(200);
    const afterUnlock = await ws.next<Updated>(
      (m) => m.type === 'ticket-updated' && m.data.availability.available !== 7,
    );
    expect(afterUnlock.data.availability).toMatchObject({ available: 8, held: 2 });
  });
});
