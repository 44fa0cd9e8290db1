import { randomUUID } from 'node:crypto';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { Hold, Reservation } from '../../shared/booking';
import { invokeLocal, localAws } from '../support/aws';
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
 * The hold-expiry state machine (the ASL file CDK deploys) run by the local executor against real PostgreSQL:
 * a hold left alone is released at its deadline and everyone watching hears it; a converted hold's timer goes
 * on to the reservation's payment deadline; releasing twice changes nothing; the sweep catches holds whose
 * timer never started.
 */
const stack = inject('stack');
const db = createDb(stack.databaseUrl);
const redis = new Redis(stack.redisUrl);
const sfn = new SFNClient({ ...localAws, endpoint: stack.sfnEndpoint });
const lambda = new LambdaClient({ ...localAws, endpoint: stack.env.AWS_ENDPOINT_URL_LAMBDA });
const created: string[] = [];
const sockets: WsClient[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await retireEvents(db, created);
  sfn.destroy();
  lambda.destroy();
  await redis.quit();
  await db.end();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function seatedEvent(options: Parameters<typeof createSeatedEvent>[1] = {}) {
  const event = await createSeatedEvent(db, options);
  created.push(event.eventId);
  return event;
}

/** A hold written straight into PostgreSQL (no timer): `count` seats, deadline in `expiresInMs`. */
async function dbHold(eventId: string, seatIds: string[], expiresInMs: number) {
  const [user] = await createUsers(db, stack.env, 1, 'hold');
  const hold = await db.query<{ id: string; expires_at: Date }>(
    `INSERT INTO holds (event_id, user_id, expires_at) VALUES ($1, $2, now() + ($3 || ' milliseconds')::interval)
     RETURNING id, expires_at`,
    [eventId, user!.id, String(expiresInMs)],
  );
  const { id, expires_at } = hold.rows[0]!;
  await db.query(`UPDATE seats SET status = 'held', hold_id = $1 WHERE id = ANY($2)`, [id, seatIds]);
  return { holdId: id, expiresAt: expires_at.toISOString(), user: user! };
}

async function run(input: object, name = randomUUID()) {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stack.env.HOLD_EXPIRY_STATE_MACHINE_ARN!,
      name,
      input: JSON.stringify(input),
    }),
  );
  return waitFor(executionArn!);
}

async function waitFor(executionArn: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (out.status !== 'RUNNING' || Date.now() > deadline) return out;
    await sleep(100);
  }
}

const resultOf = (out: { output?: string }) => JSON.parse(out.output!).release.result;

const invoke = (fn: string, payload: object) => invokeLocal(lambda, fn, payload);

const statuses = async (ids: string[]) =>
  (
    await db.query<{ status: string }>('SELECT status FROM seats WHERE id = ANY($1) ORDER BY id', [ids])
  ).rows.map((r) => r.status);

const lock = (user: TestUser, eventId: string, seatIds: string[]) =>
  api<{ hold: Hold }>('/api/v1/seats/lock', { token: user.token, body: { eventId, seatIds } });
const reserve = (user: TestUser, body: object, key = randomUUID()) =>
  api<Reservation & { error?: { code: string } }>('/api/v1/reservations', {
    token: user.token,
    body,
    headers: { 'Idempotency-Key': key },
  });

describe('hold expiry on Step Functions', () => {
  it('releases the seats at the deadline, and a second run changes nothing', async () => {
    const event = await seatedEvent({ seats: 5 });
    const seatIds = event.seatIds.slice(0, 3).sort();
    const hold = await dbHold(event.eventId, seatIds, 800);
    expect(await statuses(seatIds)).toEqual(['held', 'held', 'held']);

    const first = await run({ holdId: hold.holdId, eventId: event.eventId, expiresAt: hold.expiresAt });
    expect(first.status, `${first.error} ${first.cause}`).toBe('SUCCEEDED');
    const result = resultOf(first);
    expect(result).toMatchObject({ done: true, action: 'hold-expired' });
    expect([...result.seatIds].sort()).toEqual(seatIds);
    expect(await statuses(seatIds)).toEqual(['available', 'available', 'available']);
    const row = await db.query('SELECT status, closed_at FROM holds WHERE id = $1', [hold.holdId]);
    expect(row.rows[0].status).toBe('expired');
    expect(row.rows[0].closed_at).not.toBeNull();

    const again = await run({ holdId: hold.holdId, eventId: event.eventId, expiresAt: hold.expiresAt });
    expect(again.status).toBe('SUCCEEDED');
    expect(resultOf(again)).toEqual({ done: true, action: 'none', seatIds: [] });
  });

  it("follows a converted hold to its reservation's payment deadline, then returns the seats", async () => {
    const event = await seatedEvent({ seats: 5 });
    const [buyer] = await createUsers(db, stack.env, 1, 'convert');
    const seats = event.seatIds.slice(0, 2);
    const held = await lock(buyer!, event.eventId, seats);
    expect(held.status, held.text).toBe(200);
    const reservation = await reserve(buyer!, { eventId: event.eventId, seatIds: seats });
    expect(reservation.status, reservation.text).toBe(201);
    await db.query(
      `UPDATE reservations SET expires_at = now() + interval '1500 milliseconds' WHERE id = $1`,
      [reservation.json.id],
    );

    // Fired "at the hold's deadline" (now): not due yet → waits until the reservation's deadline → expires it.
    const started = Date.now();
    const out = await run({
      holdId: held.json.hold.id,
      eventId: event.eventId,
      expiresAt: new Date().toISOString(),
    });
    expect(out.status, `${out.error} ${out.cause}`).toBe('SUCCEEDED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const result = resultOf(out);
    expect(result).toMatchObject({ done: true, action: 'reservation-expired' });
    expect([...result.seatIds].sort()).toEqual([...seats].sort());
    expect(await statuses(seats)).toEqual(['available', 'available']);
    const r = await db.query('SELECT status FROM reservations WHERE id = $1', [reservation.json.id]);
    expect(r.rows[0].status).toBe('expired');
    const seatRows = await db.query('SELECT reservation_id, hold_id FROM seats WHERE id = ANY($1)', [seats]);
    for (const s of seatRows.rows) expect(s).toEqual({ reservation_id: null, hold_id: null });
  });

  it('returns general-admission quantities when a GA reservation expires', async () => {
    const ga = await createGaEvent(db, [{ name: 'Standing', price: 30_000, capacity: 10 }]);
    created.push(ga.eventId);
    const [buyer] = await createUsers(db, stack.env, 1, 'ga-expire');
    const type = ga.ticketTypes[0]!;
    const res = await reserve(buyer!, {
      eventId: ga.eventId,
      items: [{ ticketTypeId: type.id, quantity: 3 }],
    });
    expect(res.status, res.text).toBe(201);
    expect((await db.query('SELECT sold FROM ticket_types WHERE id = $1', [type.id])).rows[0].sold).toBe(3);
    const hold = await db.query<{ id: string; status: string; execution_arn: string | null }>(
      'SELECT h.id, h.status, h.execution_arn FROM holds h JOIN reservations r ON r.hold_id = h.id WHERE r.id = $1',
      [res.json.id],
    );
    expect(hold.rows[0]).toMatchObject({ status: 'converted' });
    expect(hold.rows[0]!.execution_arn).toMatch(/:execution:/);

    await db.query(`UPDATE reservations SET expires_at = now() WHERE id = $1`, [res.json.id]);
    const result = await invoke('release-hold', { holdId: hold.rows[0]!.id, eventId: ga.eventId });
    expect(result).toEqual({ done: true, action: 'reservation-expired', seatIds: [] });
    expect((await db.query('SELECT sold FROM ticket_types WHERE id = $1', [type.id])).rows[0].sold).toBe(0);
    expect(
      (await db.query('SELECT status FROM reservations WHERE id = $1', [res.json.id])).rows[0].status,
    ).toBe('expired');
    // Twice: nothing more is returned.
    expect(await invoke('release-hold', { holdId: hold.rows[0]!.id, eventId: ga.eventId })).toMatchObject({
      done: true,
      action: 'none',
    });
    expect((await db.query('SELECT sold FROM ticket_types WHERE id = $1', [type.id])).rows[0].sold).toBe(0);
  });

  it('fails the execution on input the task refuses (not a transient error)', async () => {
    const out = await run({
      holdId: 'not-a-uuid',
      eventId: randomUUID(),
      expiresAt: new Date().toISOString(),
    });
    expect(out.status).toBe('FAILED');
    expect(out.error).toBe('HoldReleaseFailed');
  });
});

describe('acceptance: a hold left alone', () => {
  it('is released at its deadline, the watchers hear it, and someone else can buy the seat; releasing twice is harmless', async () => {
    const event = await seatedEvent({ seats: 4, holdSeconds: 2 });
    const [alice, bob, watcher] = await createUsers(db, stack.env, 3, 'abandon');
    const ws = await openWs({ token: watcher!.token });
    sockets.push(ws);
    ws.send({ action: 'join-event', eventId: event.eventId });
    await settle(ws);

    const seat = event.seatIds[1]!;
    const held = await lock(alice!, event.eventId, [seat]);
    expect(held.status, held.text).toBe(200);
    const deadline = Date.parse(held.json.hold.expiresAt);
    expect(deadline - Date.now()).toBeLessThanOrEqual(2_000);

    // Bob is refused while Alice holds it.
    expect((await lock(bob!, event.eventId, [seat])).status).toBe(409);

    const released = await ws.next<{ type: string; data: { seats: { id: string; status: string }[] } }>(
      (m) => m.type === 'seat-released' && m.data.seats.some((s) => s.id === seat),
      10_000,
    );
    const heardAt = Date.now();
    expect(heardAt).toBeGreaterThanOrEqual(deadline);
    expect(heardAt - deadline).toBeLessThan(4_000);
    expect(released.data.seats).toEqual([{ id: seat, status: 'available' }]);
    expect(await statuses([seat])).toEqual(['available']);
    const hold = await db.query('SELECT status FROM holds WHERE id = $1', [held.json.hold.id]);
    expect(hold.rows[0].status).toBe('expired');
    expect(await redis.get(`seat:{${event.eventId}}:${seat}`)).toBeNull();
    expect(
      (await api<{ hold: Hold | null }>(`/api/v1/holds/${event.eventId}`, { token: alice!.token })).json.hold,
    ).toBeNull();

    // Bob locks and reserves it.
    const bobHold = await lock(bob!, event.eventId, [seat]);
    expect(bobHold.status, bobHold.text).toBe(200);
    const reservation = await reserve(bob!, { eventId: event.eventId, seatIds: [seat] });
    expect(reservation.status, reservation.text).toBe(201);
    expect(reservation.json).toMatchObject({ status: 'pending_payment', total: 110_000 });

    // Alice's timer runs again (a retried task): nothing changes for Bob.
    expect(await invoke('release-hold', { holdId: held.json.hold.id, eventId: event.eventId })).toEqual({
      done: true,
      action: 'none',
      seatIds: [],
    });
    const seatRow = await db.query('SELECT status, reservation_id FROM seats WHERE id = $1', [seat]);
    expect(seatRow.rows[0]).toEqual({ status: 'reserved', reservation_id: reservation.json.id });
    // Alice cannot reserve with her expired hold.
    const late = await reserve(alice!, { eventId: event.eventId, seatIds: [seat] });
    expect(late.status).toBe(409);
    expect(late.json.error?.code).toBe('HOLD_EXPIRED');
  });
});

describe('the backstop sweep', () => {
  it('releases holds and pending reservations whose timer never fired, overdue by more than a minute', async () => {
    const event = await seatedEvent({ seats: 6 });
    const stale = await dbHold(event.eventId, event.seatIds.slice(0, 2), -120_000);
    const recent = await dbHold(event.eventId, event.seatIds.slice(2, 3), -10_000);
    const [buyer] = await createUsers(db, stack.env, 1, 'sweep');
    expect((await lock(buyer!, event.eventId, event.seatIds.slice(4, 6))).status).toBe(200);
    const reservation = await reserve(buyer!, { eventId: event.eventId, seatIds: event.seatIds.slice(4, 6) });
    expect(reservation.status, reservation.text).toBe(201);
    await db.query(`UPDATE reservations SET expires_at = now() - interval '2 minutes' WHERE id = $1`, [
      reservation.json.id,
    ]);

    // The stack's own sweep timer may get there first; either way the same use case ran, and the rows tell.
    const result = await invoke('sweep-expired-holds', {});
    expect(result).toMatchObject({ checked: expect.any(Number), released: expect.any(Number) });
    expect(await statuses(event.seatIds.slice(0, 2))).toEqual(['available', 'available']);
    expect((await db.query('SELECT status FROM holds WHERE id = $1', [stale.holdId])).rows[0].status).toBe(
      'expired',
    );
    // Within the grace minute the timer is trusted to come.
    expect((await db.query('SELECT status FROM holds WHERE id = $1', [recent.holdId])).rows[0].status).toBe(
      'active',
    );
    expect(await statuses(event.seatIds.slice(2, 3))).toEqual(['held']);
    expect(
      (await db.query('SELECT status FROM reservations WHERE id = $1', [reservation.json.id])).rows[0].status,
    ).toBe('expired');
    expect(await statuses(event.seatIds.slice(4, 6))).toEqual(['available', 'available']);
    await db.query(`UPDATE holds SET status = 'released', closed_at = now() WHERE id = $1`, [recent.holdId]);
    await db.query(`UPDATE seats SET status = 'available', hold_id = NULL WHERE hold_id = $1`, [
      recent.holdId,
    ]);
  });
});
