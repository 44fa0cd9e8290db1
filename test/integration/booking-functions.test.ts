import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { pgReservationRepository } from '../../functions/reservations/adapters/pg-reservation-repository';
import { pgHoldRepository } from '../../functions/seats/adapters/pg-hold-repository';
import { createDb } from '../support/db';
import { createSeatedEvent, createUsers, retireEvents } from '../support/fixtures';

/**
 * The server-side booking functions (tiketi_lock_seats, tiketi_reserve_seats) through their adapters against
 * real PostgreSQL: every refusal comes back as the same outcome the statement-by-statement transaction gave,
 * and a refusal raised after a write leaves nothing behind (the call's implicit transaction rolls back).
 */
const stack = inject('stack');
const db = createDb(stack.databaseUrl);
const holds = pgHoldRepository(db);
const reservations = pgReservationRepository(db);
const created: string[] = [];
afterAll(async () => {
  await retireEvents(db, created);
  await db.end();
});

async function setup() {
  const event = await createSeatedEvent(db, { seats: 10, maxSeatsPerUser: 2 });
  created.push(event.eventId);
  const [a, b] = await createUsers(db, stack.env, 2);
  return { ...event, a: a!, b: b! };
}

const holdsOf = async (eventId: string) =>
  (await db.query('SELECT user_id, status FROM holds WHERE event_id = $1', [eventId])).rows;
const seatRows = async (eventId: string) =>
  (await db.query('SELECT id, status, hold_id FROM seats WHERE event_id = $1 ORDER BY id', [eventId])).rows;

describe('tiketi_lock_seats', () => {
  it('refuses a draft, a missing and a closed event without writing', async () => {
    // Prepare
    const { eventId, seatIds, a } = await setup();
    const lock = (id: string) => holds.lock({ eventId: id, userId: a.id, seatIds: [seatIds[0]!] });
    // Act + Assess
    expect(await lock(randomUUID())).toEqual({ kind: 'event-not-found' });
    await db.query(`UPDATE events SET sales_close_at = now() - interval '1 minute' WHERE id = $1`, [eventId]);
    expect(await lock(eventId)).toEqual({ kind: 'not-on-sale' });
    await db.query(`UPDATE events SET status = 'draft' WHERE id = $1`, [eventId]);
    expect(await lock(eventId)).toEqual({ kind: 'event-not-found' });
    expect(await holdsOf(eventId)).toEqual([]);
  });

  it('rolls back the new hold when a seat is taken, and names the taken seat', async () => {
    // Prepare: b holds seat 1.
    const { eventId, seatIds, a, b } = await setup();
    expect((await holds.lock({ eventId, userId: b.id, seatIds: [seatIds[1]!] })).kind).toBe('ok');
    const before = await seatRows(eventId);
    // Act: a asks for seats 0 and 1.
    const outcome = await holds.lock({ eventId, userId: a.id, seatIds: [seatIds[0]!, seatIds[1]!] });
    // Assess: refused, and neither a's hold nor its claim on seat 0 survived.
    expect(outcome).toEqual({ kind: 'unavailable', seatIds: [seatIds[1]] });
    expect((await holdsOf(eventId)).map((h) => h.user_id)).toEqual([b.id]);
    expect(await seatRows(eventId)).toEqual(before);
  });

  it('refuses past the per-user limit with the limit and what is held, changing nothing', async () => {
    // Prepare
    const { eventId, seatIds, a } = await setup();
    const first = await holds.lock({ eventId, userId: a.id, seatIds: [seatIds[0]!] });
    expect(first.kind).toBe('ok');
    const before = await seatRows(eventId);
    // Act
    const outcome = await holds.lock({ eventId, userId: a.id, seatIds: [seatIds[1]!, seatIds[2]!] });
    // Assess
    expect(outcome).toEqual({ kind: 'limit-exceeded', limit: 2, alreadyYours: 1, requested: 2 });
    expect(await seatRows(eventId)).toEqual(before);
  });
});

describe('tiketi_reserve_seats', () => {
  const reserve = (userId: string, eventId: string, seatIds: string[]) =>
    reservations.createSeated({
      userId,
      eventId,
      seatIds,
      idempotencyKey: randomUUID(),
      requestHash: 'h',
      paymentSeconds: 60,
    });
  const reservationCount = async (eventId: string) =>
    (await db.query('SELECT count(*)::int AS n FROM reservations WHERE event_id = $1', [eventId])).rows[0].n;

  it('rolls back the reservation row when a seat is not in the live hold, naming it', async () => {
    // Prepare: a holds seat 0 only.
    const { eventId, seatIds, a } = await setup();
    expect((await holds.lock({ eventId, userId: a.id, seatIds: [seatIds[0]!] })).kind).toBe('ok');
    const before = await seatRows(eventId);
    // Act
    const outcome = await reserve(a.id, eventId, [seatIds[0]!, seatIds[3]!]);
    // Assess
    expect(outcome).toEqual({ kind: 'hold-expired', seatIds: [seatIds[3]] });
    expect(await reservationCount(eventId)).toBe(0);
    expect(await seatRows(eventId)).toEqual(before);
  });

  it('refuses without a live hold, and on a closed event, writing nothing', async () => {
    // Prepare
    const { eventId, seatIds, a } = await setup();
    // Act + Assess
    expect(await reserve(a.id, eventId, [seatIds[0]!])).toEqual({
      kind: 'hold-expired',
      seatIds: [seatIds[0]],
    });
    await db.query(`UPDATE events SET sales_close_at = now() - interval '1 minute' WHERE id = $1`, [eventId]);
    expect(await reserve(a.id, eventId, [seatIds[0]!])).toEqual({ kind: 'not-on-sale' });
    expect(await reservationCount(eventId)).toBe(0);
  });
});
