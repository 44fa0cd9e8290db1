import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { Hold, Reservation, ReservationList } from '../../shared/booking';
import { createDb } from '../support/db';
import {
  createGaEvent,
  createSeatedEvent,
  createUsers,
  retireEvents,
  type TestUser,
} from '../support/fixtures';
import { api } from '../support/http';
import { openWs, settle, type WsClient } from '../support/ws';

/**
 * Reservations through the local stack: idempotent creation (same key → same reservation, another body → 422,
 * concurrent retries → one row), seats only from the caller's live hold, general admission that cannot
 * oversell, IDOR (another user's reservation is 404 for reading and cancelling), cancel and its inventory.
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
  await retireEvents(db, created);
  await redis.quit();
  await db.end();
});

type Body = Reservation & { error: { code: string; details?: Record<string, unknown> } };

async function seatedEvent(options: Parameters<typeof createSeatedEvent>[1] = {}) {
  const event = await createSeatedEvent(db, options);
  created.push(event.eventId);
  return event;
}
async function gaEvent(capacity: number, options: { maxSeatsPerUser?: number } = {}) {
  const event = await createGaEvent(
    db,
    [
      { name: 'Standing', price: 55_000, capacity },
      { name: 'Balcony', price: 77_000, capacity: 100 },
    ],
    options,
  );
  created.push(event.eventId);
  return event;
}

const lock = (user: TestUser, eventId: string, seatIds: string[]) =>
  api<{ hold: Hold }>('/api/v1/seats/lock', { token: user.token, body: { eventId, seatIds } });
const reserve = (user: TestUser, body: object, key: string | null = randomUUID()) =>
  api<Body>('/api/v1/reservations', {
    token: user.token,
    body,
    headers: key === null ? {} : { 'Idempotency-Key': key },
  });
const get = (user: TestUser, id: string) => api<Body>(`/api/v1/reservations/${id}`, { token: user.token });
const cancel = (user: TestUser, id: string) =>
  api<Body>(`/api/v1/reservations/${id}/cancel`, { token: user.token, method: 'POST' });
const mine = (user: TestUser, qs = '') =>
  api<ReservationList>(`/api/v1/reservations/my${qs}`, { token: user.token });
const soldOf = async (ticketTypeId: string) =>
  (await db.query<{ sold: number }>('SELECT sold FROM ticket_types WHERE id = $1', [ticketTypeId])).rows[0]!
    .sold;

describe('seated reservations', () => {
  it("reserves seats from the caller's live hold; the hold's other seats go back on sale", async () => {
    const event = await seatedEvent({ seats: 10 });
    const [buyer, watcher] = await createUsers(db, stack.env, 2, 'resv');
    const ws = await openWs({ token: watcher!.token });
    sockets.push(ws);
    ws.send({ action: 'join-event', eventId: event.eventId });
    await settle(ws);

    const [s0, s1, s2] = event.seatIds;
    const held = await lock(buyer!, event.eventId, [s0!, s1!, s2!]);
    expect(held.status).toBe(200);

    const res = await reserve(buyer!, { eventId: event.eventId, seatIds: [s1!, s0!] });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    const r = res.json;
    expect(r).toMatchObject({
      eventId: event.eventId,
      status: 'pending_payment',
      total: 300_000,
      currency: 'KRW',
      payment: null,
    });
    expect(r.eventTitle).toMatch(/^Test concert/);
    expect(r.items).toEqual([
      { seatId: s0, ticketTypeId: null, label: 'A R001-1', quantity: 1, unitPrice: 150_000 },
      { seatId: s1, ticketTypeId: null, label: 'A R001-2', quantity: 1, unitPrice: 150_000 },
    ]);
    const payFor = Date.parse(r.expiresAt) - Date.now();
    expect(payFor).toBeGreaterThan(590_000);
    expect(payFor).toBeLessThanOrEqual(600_000);

    const seats = await db.query<{
      id: string;
      status: string;
      reservation_id: string | null;
      hold_id: string | null;
    }>('SELECT id, status, reservation_id, hold_id FROM seats WHERE id = ANY($1)', [[s0, s1, s2]]);
    const byId = Object.fromEntries(seats.rows.map((s) => [s.id, s]));
    expect(byId[s0!]).toMatchObject({ status: 'reserved', reservation_id: r.id, hold_id: null });
    expect(byId[s1!]).toMatchObject({ status: 'reserved', reservation_id: r.id, hold_id: null });
    expect(byId[s2!]).toMatchObject({ status: 'available', reservation_id: null, hold_id: null });
    const hold = await db.query('SELECT status FROM holds WHERE id = $1', [held.json.hold.id]);
    expect(hold.rows[0].status).toBe('converted');
    expect(await redis.get(`seat:{${event.eventId}}:${s2}`)).toBeNull();
    expect(
      (await api<{ hold: Hold | null }>(`/api/v1/holds/${event.eventId}`, { token: buyer!.token })).json.hold,
    ).toBeNull();

    const reserved = await ws.next<{ type: string; data: { seats: { id: string; status: string }[] } }>(
      (m) => m.type === 'seat-locked' && m.data.seats.some((s) => s.id === s0 && s.status === 'reserved'),
    );
    expect(reserved.data.seats).toEqual(
      expect.arrayContaining([
        { id: s0, status: 'reserved' },
        { id: s1, status: 'reserved' },
      ]),
    );
    await ws.next<{ type: string; data: { seats: { id: string }[] } }>(
      (m) => m.type === 'seat-released' && m.data.seats.some((s) => s.id === s2),
    );

    expect((await get(buyer!, r.id)).json).toEqual(r);
  });

  it('replays a retry with the same key, refuses the key with another body (422), and changes nothing', async () => {
    const event = await seatedEvent({ seats: 10 });
    const [buyer] = await createUsers(db, stack.env, 1, 'idem');
    const [s0, s1, s2] = event.seatIds;
    await lock(buyer!, event.eventId, [s0!, s1!]);
    const key = `order-${randomUUID()}`;
    const first = await reserve(buyer!, { eventId: event.eventId, seatIds: [s0!, s1!] }, key);
    expect(first.status, first.text).toBe(201);

    const before = await db.rowCounts();
    const retry = await reserve(buyer!, { eventId: event.eventId.toUpperCase(), seatIds: [s1!, s0!] }, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json).toEqual(first.json);

    await lock(buyer!, event.eventId, [s2!]);
    const beforeReuse = await db.rowCounts();
    const reused = await reserve(buyer!, { eventId: event.eventId, seatIds: [s2!] }, key);
    expect(reused.status).toBe(422);
    expect(reused.json.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await db.rowCounts()).toEqual(beforeReuse);
    expect(beforeReuse.reservations).toBe(before.reservations);
    const s2Row = await db.query('SELECT status FROM seats WHERE id = $1', [s2]);
    expect(s2Row.rows[0].status).toBe('held');
  });

  it('requires a valid Idempotency-Key header (400) and changes nothing without one', async () => {
    const event = await seatedEvent({ seats: 4 });
    const [buyer] = await createUsers(db, stack.env, 1, 'nokey');
    await lock(buyer!, event.eventId, [event.seatIds[0]!]);
    const before = await db.rowCounts();
    for (const key of [null, 'short', 'has spaces in it', 'x'.repeat(200), 'bad/slash-key']) {
      const res = await reserve(buyer!, { eventId: event.eventId, seatIds: [event.seatIds[0]!] }, key);
      expect(res.status, `${key}: ${res.text}`).toBe(400);
      expect(res.json.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await db.rowCounts()).toEqual(before);
  });

  it('refuses seats that are not in the live hold with 409 HOLD_EXPIRED naming them', async () => {
    const event = await seatedEvent({ seats: 10 });
    const [buyer, other, nobody] = await createUsers(db, stack.env, 3, 'nothold');
    const [s0, s1, s2] = event.seatIds;
    await lock(buyer!, event.eventId, [s0!]);
    await lock(other!, event.eventId, [s1!]);
    const before = await db.rowCounts();

    const notMine = await reserve(buyer!, { eventId: event.eventId, seatIds: [s0!, s1!, s2!] });
    expect(notMine.status).toBe(409);
    expect(notMine.json.error.code).toBe('HOLD_EXPIRED');
    expect([...((notMine.json.error.details?.seatIds ?? []) as string[])].sort()).toEqual([s1, s2].sort());

    const noHold = await reserve(nobody!, { eventId: event.eventId, seatIds: [s2!] });
    expect(noHold.status).toBe(409);
    expect(noHold.json.error).toMatchObject({ code: 'HOLD_EXPIRED', details: { seatIds: [s2] } });
    expect(await db.rowCounts()).toEqual(before);
    const seats = await db.query('SELECT status FROM seats WHERE id = ANY($1) ORDER BY label', [
      [s0, s1, s2],
    ]);
    expect(seats.rows.map((r) => r.status)).toEqual(['held', 'held', 'available']);
  });

  it('gives concurrent requests with one key one reservation', async () => {
    const event = await seatedEvent({ seats: 4 });
    const [buyer] = await createUsers(db, stack.env, 1, 'samekey');
    await lock(buyer!, event.eventId, event.seatIds.slice(0, 2));
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        reserve(buyer!, { eventId: event.eventId, seatIds: event.seatIds.slice(0, 2) }, key),
      ),
    );
    for (const a of answers) expect(a.status, a.text).toBe(201);
    expect(new Set(answers.map((a) => a.json.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
    const rows = await db.query('SELECT count(*)::int AS n FROM reservations WHERE user_id = $1', [
      buyer!.id,
    ]);
    expect(rows.rows[0].n).toBe(1);
  });
});

describe('IDOR and listing', () => {
  it("answers another user's reservation with 404 for reading and cancelling, and lists only one's own", async () => {
    const event = await seatedEvent({ seats: 10 });
    const [alice, mallory] = await createUsers(db, stack.env, 2, 'idor');
    await lock(alice!, event.eventId, [event.seatIds[0]!]);
    const r = (await reserve(alice!, { eventId: event.eventId, seatIds: [event.seatIds[0]!] })).json;

    const peek = await get(mallory!, r.id);
    expect(peek.status).toBe(404);
    expect(peek.json.error.code).toBe('NOT_FOUND');
    const before = await db.rowCounts();
    const kill = await cancel(mallory!, r.id);
    expect(kill.status).toBe(404);
    expect(kill.json.error.code).toBe('NOT_FOUND');
    expect(await db.rowCounts()).toEqual(before);
    expect((await get(alice!, r.id)).json.status).toBe('pending_payment');
    expect((await get(mallory!, randomUUID())).status).toBe(404);

    expect((await mine(mallory!)).json).toMatchObject({ items: [], total: 0, page: 1 });
    const list = await mine(alice!);
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ total: 1, page: 1, pageSize: 10, totalPages: 1 });
    expect(list.json.items[0]).toEqual(r);
    // Mallory's hold view of the event is her own (none), never Alice's.
    await lock(alice!, event.eventId, [event.seatIds[5]!]);
    expect(
      (await api<{ hold: Hold | null }>(`/api/v1/holds/${event.eventId}`, { token: mallory!.token })).json
        .hold,
    ).toBeNull();
  });

  it('pages newest first and filters by status', async () => {
    const ga = await gaEvent(100);
    const [buyer] = await createUsers(db, stack.env, 1, 'list');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await reserve(buyer!, {
        eventId: ga.eventId,
        items: [{ ticketTypeId: ga.ticketTypes[0]!.id, quantity: 1 }],
      });
      expect(res.status, res.text).toBe(201);
      ids.push(res.json.id);
    }
    expect((await cancel(buyer!, ids[0]!)).status).toBe(200);
    const page1 = (await mine(buyer!, '?pageSize=2')).json;
    expect(page1).toMatchObject({ total: 3, totalPages: 2, page: 1, pageSize: 2 });
    expect(page1.items.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    const page2 = (await mine(buyer!, '?pageSize=2&page=2')).json;
    expect(page2.items.map((r) => r.id)).toEqual([ids[0]]);
    const cancelled = (await mine(buyer!, '?status=cancelled')).json;
    expect(cancelled.items.map((r) => r.id)).toEqual([ids[0]]);
    expect((await mine(buyer!, '?status=bogus')).status).toBe(400);
  });
});

describe('cancel', () => {
  it('cancels a pending reservation, returns its seats, and refuses a second cancel (409)', async () => {
    const event = await seatedEvent({ seats: 10 });
    const [buyer, next] = await createUsers(db, stack.env, 2, 'cancel');
    const seats = event.seatIds.slice(0, 2);
    await lock(buyer!, event.eventId, seats);
    const r = (await reserve(buyer!, { eventId: event.eventId, seatIds: seats })).json;

    const res = await cancel(buyer!, r.id);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ id: r.id, status: 'cancelled' });
    const rows = await db.query('SELECT status, reservation_id FROM seats WHERE id = ANY($1)', [seats]);
    for (const row of rows.rows) expect(row).toEqual({ status: 'available', reservation_id: null });

    const again = await cancel(buyer!, r.id);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('RESERVATION_NOT_PENDING');
    expect((await lock(next!, event.eventId, seats)).status).toBe(200);
  });

  it('refunds a confirmed reservation through the payments context and frees its seats', async () => {
    const event = await seatedEvent({ seats: 4 });
    const [buyer] = await createUsers(db, stack.env, 1, 'refund');
    const seats = event.seatIds.slice(0, 1);
    await lock(buyer!, event.eventId, seats);
    const r = (await reserve(buyer!, { eventId: event.eventId, seatIds: seats })).json;
    // Paid (as the payment saga leaves it): reservation confirmed, seat sold.
    await db.query(`UPDATE reservations SET status = 'confirmed' WHERE id = $1`, [r.id]);
    await db.query(`UPDATE seats SET status = 'sold' WHERE id = ANY($1)`, [seats]);

    const res = await cancel(buyer!, r.id);
    expect(res.status, res.text).toBe(200);
    expect(res.json.status).toBe('refunded');
    const rows = await db.query('SELECT status, reservation_id FROM seats WHERE id = ANY($1)', [seats]);
    expect(rows.rows[0]).toEqual({ status: 'available', reservation_id: null });
    expect((await cancel(buyer!, r.id)).json.error.code).toBe('RESERVATION_NOT_PENDING');
  });
});

describe('cancellation policy of a paid reservation', () => {
  /** A confirmed (paid, as the payment saga leaves it) reservation of one seat. */
  async function paidReservation(prefix: string) {
    const event = await seatedEvent({ seats: 4 });
    const [buyer] = await createUsers(db, stack.env, 1, prefix);
    const seats = event.seatIds.slice(0, 1);
    await lock(buyer!, event.eventId, seats);
    const r = (await reserve(buyer!, { eventId: event.eventId, seatIds: seats })).json;
    await db.query(`UPDATE reservations SET status = 'confirmed' WHERE id = $1`, [r.id]);
    await db.query(`UPDATE seats SET status = 'sold' WHERE id = ANY($1)`, [seats]);
    return { event, buyer: buyer!, seats, r };
  }

  it('refuses a cancel after the cancellation deadline with 409 CANCELLATION_CLOSED, changing nothing', async () => {
    // Prepare
    const { event, buyer, seats, r } = await paidReservation('deadline');
    await db.query(
      `UPDATE events SET cancellation_deadline = date_trunc('second', now()) - interval '1 minute' WHERE id = $1`,
      [event.eventId],
    );
    const detail = await api<{ cancellationDeadline: string }>(`/api/v1/events/${event.eventId}`);
    const before = await db.rowCounts();

    // Act
    const res = await cancel(buyer, r.id);

    // Assess
    expect(res.status, res.text).toBe(409);
    expect(res.json.error).toMatchObject({
      code: 'CANCELLATION_CLOSED',
      details: { cancellableUntil: detail.json.cancellationDeadline },
    });
    expect(await db.rowCounts()).toEqual(before);
    expect((await get(buyer, r.id)).json.status).toBe('confirmed');
    const seat = await db.query('SELECT status FROM seats WHERE id = ANY($1)', [seats]);
    expect(seat.rows[0].status).toBe('sold');
  });

  it('refuses a cancel once the event has started, whatever the deadline says', async () => {
    // Prepare
    const { event, buyer, r } = await paidReservation('started');
    await db.query(
      `UPDATE events SET starts_at = now() - interval '1 minute', cancellation_deadline = now() + interval '1 day'
       WHERE id = $1`,
      [event.eventId],
    );
    // Act
    const res = await cancel(buyer, r.id);
    // Assess
    expect(res.status, res.text).toBe(409);
    expect(res.json.error.code).toBe('CANCELLATION_CLOSED');
    expect((await get(buyer, r.id)).json.status).toBe('confirmed');
  });

  it("shows the deadline on the event (default: the event's start) and refunds before it", async () => {
    // Prepare
    const { event, buyer, r } = await paidReservation('before-deadline');
    const byDefault = await api<{ startsAt: string; cancellationDeadline: string }>(
      `/api/v1/events/${event.eventId}`,
    );
    expect(byDefault.json.cancellationDeadline).toBe(byDefault.json.startsAt);
    await db.query(`UPDATE events SET cancellation_deadline = now() + interval '1 day' WHERE id = $1`, [
      event.eventId,
    ]);
    // Act
    const res = await cancel(buyer, r.id);
    // Assess
    expect(res.status, res.text).toBe(200);
    expect(res.json.status).toBe('refunded');
  });
});

describe('general admission', () => {
  it('reserves by ticket type, counts it as sold, publishes availability, and returns it on cancel', async () => {
    const ga = await gaEvent(10);
    const [buyer, watcher] = await createUsers(db, stack.env, 2, 'ga');
    const ws = await openWs({ token: watcher!.token });
    sockets.push(ws);
    ws.send({ action: 'join-event', eventId: ga.eventId });
    await settle(ws);
    const [standing, balcony] = ga.ticketTypes;

    const res = await reserve(buyer!, {
      eventId: ga.eventId,
      items: [
        { ticketTypeId: balcony!.id, quantity: 1 },
        { ticketTypeId: standing!.id, quantity: 2 },
      ],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({
      status: 'pending_payment',
      total: 2 * 55_000 + 77_000,
      currency: 'KRW',
    });
    expect(res.json.items).toEqual([
      { seatId: null, ticketTypeId: standing!.id, label: 'Standing', quantity: 2, unitPrice: 55_000 },
      { seatId: null, ticketTypeId: balcony!.id, label: 'Balcony', quantity: 1, unitPrice: 77_000 },
    ]);
    expect(await soldOf(standing!.id)).toBe(2);
    const update = await ws.next<{ type: string; data: { ticketTypes: { id: string }[] } }>(
      (m) => m.type === 'ticket-updated',
    );
    expect(update.data.ticketTypes).toContainEqual({ id: standing!.id, available: 8, held: 2, sold: 0 });

    const cancelled = await cancel(buyer!, res.json.id);
    expect(cancelled.status).toBe(200);
    expect(await soldOf(standing!.id)).toBe(0);
    expect(await soldOf(balcony!.id)).toBe(0);
    await ws.next<{ type: string; data: { ticketTypes: { id: string; available: number }[] } }>(
      (m) =>
        m.type === 'ticket-updated' &&
        m.data.ticketTypes.some((t) => t.id === standing!.id && t.available === 10),
    );
  });

  it('refuses over the per-user limit (422), unknown types (404) and sold-out types (409), changing nothing', async () => {
    const ga = await gaEvent(3, { maxSeatsPerUser: 4 });
    const [buyer] = await createUsers(db, stack.env, 1, 'ga-no');
    const standing = ga.ticketTypes[0]!;
    const before = await db.rowCounts();

    const tooMany = await reserve(buyer!, {
      eventId: ga.eventId,
      items: [
        { ticketTypeId: standing.id, quantity: 3 },
        { ticketTypeId: ga.ticketTypes[1]!.id, quantity: 2 },
      ],
    });
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.error).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      details: { limit: 4, alreadyYours: 0, requested: 5 },
    });

    const unknown = randomUUID();
    const missing = await reserve(buyer!, {
      eventId: ga.eventId,
      items: [{ ticketTypeId: unknown, quantity: 1 }],
    });
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 'NOT_FOUND', details: { ticketTypeIds: [unknown] } });

    const soldOut = await reserve(buyer!, {
      eventId: ga.eventId,
      items: [{ ticketTypeId: standing.id, quantity: 4 }],
    });
    expect(soldOut.status).toBe(409);
    expect(soldOut.json.error).toMatchObject({ code: 'SOLD_OUT', details: { ticketTypeIds: [standing.id] } });
    expect(await db.rowCounts()).toEqual(before);
    expect(await soldOf(standing.id)).toBe(0);
  });

  it('cannot oversell under concurrent requests', async () => {
    const ga = await gaEvent(10);
    const standing = ga.ticketTypes[0]!;
    const buyers = await createUsers(db, stack.env, 40, 'ga-rush');
    const answers = await Promise.all(
      buyers.map((b, i) =>
        reserve(b, {
          eventId: ga.eventId,
          items: [{ ticketTypeId: standing.id, quantity: (i % 2) + 1 }],
        }).then((res) => ({ res, quantity: (i % 2) + 1 })),
      ),
    );
    for (const { res } of answers) expect([201, 409], res.text).toContain(res.status);
    for (const { res } of answers.filter((a) => a.res.status === 409))
      expect(res.json.error.code).toBe('SOLD_OUT');
    const sold = answers.filter((a) => a.res.status === 201).reduce((n, a) => n + a.quantity, 0);
    console.log(`[reservations] 40 concurrent GA requests on 10 tickets: ${sold} sold`);
    expect(sold).toBeLessThanOrEqual(10);
    expect(sold).toBe(10); // a one-ticket request always fits until the last ticket is gone
    expect(await soldOf(standing.id)).toBe(sold);
    const items = await db.query<{ n: number }>(
      `SELECT coalesce(sum(ri.quantity), 0)::int AS n FROM reservation_items ri
       JOIN reservations r ON r.id = ri.reservation_id WHERE ri.ticket_type_id = $1 AND r.status = 'pending_payment'`,
      [standing.id],
    );
    expect(items.rows[0]!.n).toBe(sold);
  });
});
