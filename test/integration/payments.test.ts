import { randomUUID } from 'node:crypto';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type PaymentPrepared, type PaymentStatusResult, SANDBOX_TEST_CARDS } from '../../shared/booking';
import { invokeLocal, localAws } from '../support/aws';
import { createDb } from '../support/db';
import { createGaEvent, createSeatedEvent, retireEvents } from '../support/fixtures';
import { api, registerUser } from '../support/http';
import { openWs, settle } from '../support/ws';

/**
 * Payments through the REST API on the local stack: prepare → confirm → the payment saga (the ASL file CDK
 * deploys, run by the local Step Functions executor) → status, with the sandbox provider. Reservations are set
 * up directly in PostgreSQL (seats `reserved`, GA quantities counted in ticket_types.sold), as the reservations
 * context would leave them.
 */

const stack = inject('stack');
const db = createDb(stack.databaseUrl);
const sfn = new SFNClient({ ...localAws, endpoint: stack.sfnEndpoint });
const lambda = new LambdaClient({ ...localAws, endpoint: stack.env.AWS_ENDPOINT_URL_LAMBDA });
const created: string[] = [];
afterAll(async () => {
  sfn.destroy();
  lambda.destroy();
  await retireEvents(db, created);
  await db.end();
});

type Card = keyof typeof SANDBOX_TEST_CARDS;
const paymentKey = (card: Card) => `sandbox_${SANDBOX_TEST_CARDS[card]}_${randomUUID()}`;
const TERMINAL = new Set(['approved', 'failed', 'cancelled', 'refunded']);

async function seatedReservation(
  userId: string,
  options: { seats?: number; expiresInSeconds?: number } = {},
) {
  const event = await createSeatedEvent(db, { seats: 6 });
  created.push(event.eventId);
  const seatIds = event.seatIds.slice(0, options.seats ?? 2);
  const hold = await db.query<{ id: string }>(
    `INSERT INTO holds (event_id, user_id, status, expires_at, closed_at)
     VALUES ($1, $2, 'converted', now() + interval '5 minutes', now()) RETURNING id`,
    [event.eventId, userId],
  );
  const prices = await db.query<{ id: string; price: number }>(
    `SELECT s.id, pt.price FROM seats s JOIN price_tiers pt ON pt.event_id = s.event_id AND pt.tier = s.tier
      WHERE s.id = ANY($1)`,
    [seatIds],
  );
  const total = prices.rows.reduce((sum, r) => sum + r.price, 0);
  const reservation = await db.query<{ id: string }>(
    `INSERT INTO reservations (user_id, event_id, hold_id, total, idempotency_key, request_hash, expires_at)
     VALUES ($1, $2, $3, $4, $5, 'test', now() + ($6 || ' seconds')::interval) RETURNING id`,
    [userId, event.eventId, hold.rows[0]!.id, total, randomUUID(), String(options.expiresInSeconds ?? 600)],
  );
  const reservationId = reservation.rows[0]!.id;
  for (const p of prices.rows) {
    await db.query(
      'INSERT INTO reservation_items (reservation_id, seat_id, unit_price) VALUES ($1, $2, $3)',
      [reservationId, p.id, p.price],
    );
  }
  const reserved = await db.query(
    `UPDATE seats SET status = 'reserved', reservation_id = $1 WHERE id = ANY($2) AND status = 'available'`,
    [reservationId, seatIds],
  );
  expect(reserved.rowCount).toBe(seatIds.length);
  return { reservationId, eventId: event.eventId, seatIds, total };
}

async function gaReservation(userId: string, quantity = 2) {
  const event = await createGaEvent(db);
  created.push(event.eventId);
  const type = event.ticketTypes[0]!;
  const reservation = await db.query<{ id: string }>(
    `INSERT INTO reservations (user_id, event_id, total, idempotency_key, request_hash, expires_at)
     VALUES ($1, $2, $3, $4, 'test', now() + interval '10 minutes') RETURNING id`,
    [userId, event.eventId, type.price * quantity, randomUUID()],
  );
  const reservationId = reservation.rows[0]!.id;
  await db.query(
    'INSERT INTO reservation_items (reservation_id, ticket_type_id, quantity, unit_price) VALUES ($1, $2, $3, $4)',
    [reservationId, type.id, quantity, type.price],
  );
  // ticket_types.sold counts pending and confirmed GA tickets.
  await db.query('UPDATE ticket_types SET sold = sold + $2 WHERE id = $1', [type.id, quantity]);
  return { reservationId, eventId: event.eventId, ticketTypeId: type.id, total: type.price * quantity };
}

const prepare = (token: string, reservationId: string) =>
  api<PaymentPrepared>('/api/v1/payments/prepare', { token, body: { reservationId } });
const confirm = (token: string, paymentId: string, key: string, headers?: Record<string, string>) =>
  api<PaymentStatusResult>('/api/v1/payments/confirm', {
    token,
    body: { paymentId, paymentKey: key },
    headers,
  });
const status = (token: string, paymentId: string) =>
  api<PaymentStatusResult>(`/api/v1/payments/${paymentId}/status`, { token });

async function prepared(token: string, reservationId: string) {
  const res = await prepare(token, reservationId);
  expect(res.status, res.text).toBe(201);
  return res.json;
}

/** Polls the status route until the payment is terminal (bounded). */
async function outcome(token: string, paymentId: string, timeoutMs = 20_000): Promise<PaymentStatusResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await status(token, paymentId);
    expect(res.status, res.text).toBe(200);
    if (TERMINAL.has(res.json.status)) return res.json;
    if (Date.now() > deadline) throw new Error(`payment ${paymentId} still ${res.json.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The saga execution's final state (its output is the whole execution state). */
async function execution(paymentId: string, timeoutMs = 10_000) {
  const row = await db.query<{ execution_arn: string }>('SELECT execution_arn FROM payments WHERE id = $1', [
    paymentId,
  ]);
  const arn = row.rows[0]?.execution_arn;
  expect(arn).toBeTruthy();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn: arn! }));
    if (out.status !== 'RUNNING' || Date.now() > deadline) {
      return { status: out.status, output: out.output ? JSON.parse(out.output) : undefined };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const seatStatuses = async (ids: string[]) =>
  (
    await db.query<{ status: string; reservation_id: string | null }>(
      'SELECT status, reservation_id FROM seats WHERE id = ANY($1) ORDER BY id',
      [ids],
    )
  ).rows;
const reservationStatus = async (id: string) =>
  (await db.query<{ status: string }>('SELECT status FROM reservations WHERE id = $1', [id])).rows[0]?.status;
const charges = async (orderId: string) =>
  (await db.query<{ status: string }>('SELECT status FROM sandbox_charges WHERE order_id = $1', [orderId]))
    .rows;

describe('payments: prepare', () => {
  it('prepares a pending reservation once: amount, order id, sandbox test cards; a repeat returns the same', async () => {
    const buyer = await registerUser('pay');
    const r = await seatedReservation(buyer.user.id);
    const first = await prepared(buyer.accessToken, r.reservationId);
    expect(first).toMatchObject({
      reservationId: r.reservationId,
      amount: r.total,
      currency: 'KRW',
      provider: 'sandbox',
      providerData: { testCards: SANDBOX_TEST_CARDS },
    });
    expect(first.orderName).toMatch(/\(2 tickets\)$/);
    expect(first.orderId).toContain(first.paymentId);
    const again = await prepared(buyer.accessToken, r.reservationId);
    expect(again.paymentId).toBe(first.paymentId);
    const rows = await db.query('SELECT status FROM payments WHERE reservation_id = $1', [r.reservationId]);
    expect(rows.rows).toEqual([{ status: 'ready' }]);
  });

  it('concurrent prepares agree on one payment', async () => {
    const buyer = await registerUser('pay');
    const r = await seatedReservation(buyer.user.id);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => prepare(buyer.accessToken, r.reservationId)),
    );
    expect(results.map((x) => x.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((x) => x.json.paymentId)).size).toBe(1);
  });

  it('refuses an expired or no longer pending reservation with 409 RESERVATION_NOT_PENDING', async () => {
    const buyer = await registerUser('pay');
    const expired = await seatedReservation(buyer.user.id, { expiresInSeconds: -5 });
    const res = await prepare(buyer.accessToken, expired.reservationId);
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ error: { code: 'RESERVATION_NOT_PENDING' } });

    const cancelled = await seatedReservation(buyer.user.id);
    await db.query("UPDATE reservations SET status = 'cancelled' WHERE id = $1", [cancelled.reservationId]);
    expect((await prepare(buyer.accessToken, cancelled.reservationId)).status).toBe(409);
    const rows = await db.query('SELECT 1 FROM payments WHERE reservation_id = ANY($1)', [
      [expired.reservationId, cancelled.reservationId],
    ]);
    expect(rows.rowCount).toBe(0);
  });
});

describe('payments: the saga', () => {
  it('approve → reservation confirmed, seats sold, one charge, execution succeeded', async () => {
    const buyer = await registerUser('pay');
    const r = await seatedReservation(buyer.user.id);
    const p = await prepared(buyer.accessToken, r.reservationId);
    const res = await confirm(buyer.accessToken, p.paymentId, paymentKey('approve'));
    expect(res.status, res.text).toBe(202);
    expect(res.json).toMatchObject({
      paymentId: p.paymentId,
      reservationId: r.reservationId,
      amount: r.total,
    });

    const done = await outcome(buyer.accessToken, p.paymentId);
    expect(done).toMatchObject({ status: 'approved', reservationStatus: 'confirmed', failureCode: null });
    expect(await seatStatuses(r.seatIds)).toEqual(
      r.seatIds.map(() => ({ status: 'sold', reservation_id: r.reservationId })),
    );
    expect(await charges(p.orderId)).toEqual([{ status: 'approved' }]);
    const exec = await execution(p.paymentId);
    expect(exec.status).toBe('SUCCEEDED');
    expect(exec.output.confirmation.result).toMatchObject({ seatsSold: 2 });

    // Paid: nothing more to prepare.
    const again = await prepare(buyer.accessToken, r.reservationId);
    expect(again.status).toBe(409);
  });

  it('approve after delay: in progress meanwhile, then approved (GA tickets stay counted)', async () => {
    const buyer = await registerUser('pay');
    const r = await gaReservation(buyer.user.id, 3);
    const p = await prepared(buyer.accessToken, r.reservationId);
    const res = await confirm(buyer.accessToken, p.paymentId, paymentKey('approveAfterDelay'));
    expect(res.status).toBe(202);
    expect(res.json.status).toBe('in_progress');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await status(buyer.accessToken, p.paymentId)).json.status).toBe('in_progress');

    const done = await outcome(buyer.accessToken, p.paymentId);
    expect(done).toMatchObject({ status: 'approved', reservationStatus: 'confirmed' });
    const sold = await db.query('SELECT sold FROM ticket_types WHERE id = $1', [r.ticketTypeId]);
    expect(sold.rows[0].sold).toBe(3);
  });

  it('decline → payment failed with the reason, reservation cancelled, seats free, nothing charged', async () => {
    const buyer = await registerUser('pay');
    const r = await seatedReservation(buyer.user.id);
    const p = await prepared(buyer.accessToken, r.reservationId);
    expect((await confirm(buyer.accessToken, p.paymentId, paymentKey('decline'))).status).toBe(202);

    const done = await outcome(buyer.accessToken, p.paymentId);
    expect(done).toMatchObject({
      status: 'failed',
      reservationStatus: 'cancelled',
      failureCode: 'REJECT_CARD_PAYMENT',
    });
    expect(done.failureMessage).toBeTruthy();
    expect(await seatStatuses(r.seatIds)).toEqual(
      r.seatIds.map(() => ({ status: 'available', reservation_id: null })),
    );
    expect(await charges(p.orderId)).toEqual([]);
    const exec = await execution(p.paymentId);
    expect(exec.status).toBe('SUCCEEDED');
    expect(exec.output.error.Error).toBe('PaymentDeclinedError');
    expect(exec.output.void).toBeUndefined();
  });

  it('decline of GA tickets gives the quantities back', async () => {
    const buyer = await registerUser('pay');
    const r = await gaReservation(buyer.user.id, 2);
    const p = await prepared(buyer.accessToken, r.reservationId);
    await confirm(buyer.accessToken, p.paymentId, paymentKey('decline'));
    expect(await outcome(buyer.accessToken, p.paymentId)).toMatchObject({
      status: 'failed',
      reservationStatus: 'cancelled',
    });
    const sold = await db.query('SELECT sold FROM ticket_types WHERE id = $1', [r.ticketTypeId]);
    expect(sold.rows[0].sold).toBe(0);
  });

  it('provider timeout → the charge is voided, payment failed, seats free', async () => {
    const buyer = await registerUser('pay');
    const r = await seatedReservation(buyer.user.id);
    const p = await prepared(buyer.accessToken, r.reservationId);
    await confirm(buyer.accessToken, p.paymentId, paymentKey('timeout'));

    const done = await outcome(buyer.accessToken, p.paymentId);
    expect(done).toMatchObject({
      status: 'failed',
      reservationStatus: 'cancelled',
      failureCode: 'PROVIDER_TIMEOUT',
    });
    // The sandbox did charge before its answer got lost: the void cancelled it.
    expect(await charges(p.orderId)).toEqual([{ status: 'cancelled' }]);
    expect(await seatStatuses(r.seatIds)).toEqual(
      r.seatIds.map(() => ({ status: 'available', reservation_id: null })),
    );
    const exec = await execution(p.paymentId);
    expect(exec.output.error.Error).toBe('ProviderTimeoutError');
    expect(exec.output.void.result).toEqual({ cancelled: true, alreadyCancelled: false });
  });

  it('failure after the charge, before confirmation (test switch) → refunded, seats free', async () => {
    const buyer = await registerUser('pay');
    const r = await seatedReservation(buyer.user.id);
    const p = await prepared(buyer.accessToken, r.reservationId);
    const res = await confirm(buyer.accessToken, p.paymentId, paymentKey('approve'), {
      'x-test-fault': 'after-charge',
    });
    expect(res.status).toBe(202);

    const done = await outcome(buyer.accessToken, p.paymentId);
    expect(done).toMatchObject({
      status: 'refunded',
      reservationStatus: 'cancelled',
      failureCode: 'CONFIRMATION_FAILED',
    });
    expect(await charges(p.orderId)).toEqual([{ status: 'cancelled' }]);
    expect(await seatStatuses(r.seatIds)).toEqual(
      r.seatIds.map(() => ({ status: 'available', reservation_id: null })),
    );
    const exec = await execution(p.paymentId);
    expect(exec.status).toBe('SUCCEEDED');
    expect(exec.output.error.Error).toBe('InjectedFaultError');
    expect(exec.output.refund.result).toMatchObject({ cancelled: true });
  });

  it('the database pool exhausted during confirmation (test switch) → retried and confirmed, not refunded', async () => {
    // Prepare
    const buyer = await registerUser('pay');
    const r = await seatedReservation(buyer.user.id);
    const p = await prepared(buyer.accessToken, r.reservationId);

    // Act: the first ConfirmReservation attempt finds every pool client taken and gets pg's connect timeout.
    const res = await confirm(buyer.accessToken, p.paymentId, paymentKey('approve'), {
      'x-test-fault': 'pool-exhausted',
    });
    expect(res.status, res.text).toBe(202);

    // Assess (the execution first: the status route shares the pool that is held for pg's 5 s connect timeout)
    const exec = await execution(p.paymentId, 25_000);
    expect(exec.status).toBe('SUCCEEDED');
    expect(exec.output.error).toBeUndefined();
    expect(exec.output.refund).toBeUndefined();
    expect(exec.output.confirmation.result).toMatchObject({ seatsSold: 2 });
    expect(await outcome(buyer.accessToken, p.paymentId)).toMatchObject({
      status: 'approved',
      reservationStatus: 'confirmed',
    });
    expect(await charges(p.orderId)).toEqual([{ status: 'approved' }]);
    expect(await seatStatuses(r.seatIds)).toEqual(
      r.seatIds.map(() => ({ status: 'sold', reservation_id: r.reservationId })),
    );
  });

  it('duplicate confirms, concurrent and sequential → one saga, one charge', async () => {
    const buyer = await registerUser('pay');
    const r = await seatedReservation(buyer.user.id);
    const p = await prepared(buyer.accessToken, r.reservationId);
    const key = paymentKey('approve');
    const concurrent = await Promise.all(
      Array.from({ length: 6 }, () => confirm(buyer.accessToken, p.paymentId, key)),
    );
    expect(concurrent.map((x) => x.status)).toEqual([202, 202, 202, 202, 202, 202]);
    expect(await outcome(buyer.accessToken, p.paymentId)).toMatchObject({ status: 'approved' });

    const again = await confirm(buyer.accessToken, p.paymentId, key);
    expect(again.status).toBe(202);
    expect(again.json.status).toBe('approved');
    expect(await charges(p.orderId)).toEqual([{ status: 'approved' }]);
    const sandboxRows = await db.query('SELECT 1 FROM sandbox_charges WHERE payment_key = $1', [key]);
    expect(sandboxRows.rowCount).toBe(1);

    // Another paymentKey for a payment already confirmed is refused, and charges nothing.
    const other = await confirm(buyer.accessToken, p.paymentId, paymentKey('approve'));
    expect(other.status).toBe(409);
    expect(other.json).toMatchObject({ error: { code: 'PAYMENT_NOT_CONFIRMABLE' } });
    expect(await charges(p.orderId)).toHaveLength(1);
  });

  it('late payment: the reservation expired while the buyer paid → refunded automatically', async () => {
    const buyer = await registerUser('pay');
    const r = await seatedReservation(buyer.user.id);
    const p = await prepared(buyer.accessToken, r.reservationId);
    // The deadline passes between prepare and confirm (the expiry job has not run yet).
    await db.query("UPDATE reservations SET expires_at = now() - interval '1 second' WHERE id = $1", [
      r.reservationId,
    ]);
    await confirm(buyer.accessToken, p.paymentId, paymentKey('approve'));

    const done = await outcome(buyer.accessToken, p.paymentId);
    expect(done).toMatchObject({
      status: 'refunded',
      reservationStatus: 'expired',
      failureCode: 'RESERVATION_EXPIRED',
    });
    expect(await charges(p.orderId)).toEqual([{ status: 'cancelled' }]);
    expect(await seatStatuses(r.seatIds)).toEqual(
      r.seatIds.map(() => ({ status: 'available', reservation_id: null })),
    );
    expect((await execution(p.paymentId)).output.error.Error).toBe('ReservationNotPayableError');
  });

  it('late payment after the expiry job released the reservation → refunded, seats stay with their new owner', async () => {
    const buyer = await registerUser('pay');
    const r = await seatedReservation(buyer.user.id);
    const p = await prepared(buyer.accessToken, r.reservationId);
    // What the expiry does: reservation expired, seats back on sale — and someone else already holds one.
    await db.query("UPDATE reservations SET status = 'expired', expires_at = now() WHERE id = $1", [
      r.reservationId,
    ]);
    await db.query("UPDATE seats SET status = 'available', reservation_id = NULL WHERE id = ANY($1)", [
      r.seatIds,
    ]);
    const other = await registerUser('pay');
    const otherHold = await db.query<{ id: string }>(
      "INSERT INTO holds (event_id, user_id, expires_at) VALUES ($1, $2, now() + interval '5 minutes') RETURNING id",
      [r.eventId, other.user.id],
    );
    await db.query("UPDATE seats SET status = 'held', hold_id = $2 WHERE id = $1", [
      r.seatIds[0],
      otherHold.rows[0]!.id,
    ]);

    await confirm(buyer.accessToken, p.paymentId, paymentKey('approve'));
    const done = await outcome(buyer.accessToken, p.paymentId);
    expect(done).toMatchObject({
      status: 'refunded',
      reservationStatus: 'expired',
      failureCode: 'RESERVATION_EXPIRED',
    });
    expect(await charges(p.orderId)).toEqual([{ status: 'cancelled' }]);
    const seats = await db.query<{ id: string; status: string }>(
      'SELECT id, status FROM seats WHERE id = ANY($1)',
      [r.seatIds],
    );
    const byId = Object.fromEntries(seats.rows.map((s) => [s.id, s.status]));
    expect(byId[r.seatIds[0]!]).toBe('held');
    expect(byId[r.seatIds[1]!]).toBe('available');
  });
});

describe("payments: a payment key is bound to its order (someone else's key never refunds them)", () => {
  it("confirming my order with someone else's already used key → 409, their payment untouched", async () => {
    // Prepare: A paid with keyA.
    const a = await registerUser('pay');
    const b = await registerUser('pay');
    const ra = await seatedReservation(a.user.id);
    const rb = await seatedReservation(b.user.id);
    const pa = await prepared(a.accessToken, ra.reservationId);
    const keyA = paymentKey('approve');
    await confirm(a.accessToken, pa.paymentId, keyA);
    expect((await outcome(a.accessToken, pa.paymentId)).status).toBe('approved');
    const pb = await prepared(b.accessToken, rb.reservationId);

    // Act: B confirms B's payment with A's key (and a fault that would void whatever B's charge did).
    const res = await confirm(b.accessToken, pb.paymentId, keyA, { 'x-test-fault': 'charge-timeout' });

    // Assess: refused at the door; nothing of A's moved, B's payment can still be confirmed properly.
    expect(res.status, res.text).toBe(409);
    expect(res.json).toMatchObject({ error: { code: 'PAYMENT_NOT_CONFIRMABLE' } });
    expect(await charges(pa.orderId)).toEqual([{ status: 'approved' }]);
    expect(await status(a.accessToken, pa.paymentId)).toMatchObject({
      json: { status: 'approved', reservationStatus: 'confirmed' },
    });
    const row = await db.query('SELECT status, payment_key FROM payments WHERE id = $1', [pb.paymentId]);
    expect(row.rows[0]).toEqual({ status: 'ready', payment_key: null });
    await confirm(b.accessToken, pb.paymentId, paymentKey('approve'));
    expect((await outcome(b.accessToken, pb.paymentId)).status).toBe('approved');
  });

  it("a key the provider files under another order: the saga's void cancels nothing, that order still pays", async () => {
    // Prepare: A authorized keyA at the provider for A's order; A's confirm has not reached us yet.
    const a = await registerUser('pay');
    const b = await registerUser('pay');
    const ra = await seatedReservation(a.user.id);
    const rb = await seatedReservation(b.user.id);
    const pa = await prepared(a.accessToken, ra.reservationId);
    const pb = await prepared(b.accessToken, rb.reservationId);
    const keyA = paymentKey('approve');
    await db.query(
      `INSERT INTO sandbox_charges (payment_key, idempotency_key, order_id, amount, card)
       VALUES ($1, $2, $3, $4, $5)`,
      [keyA, pa.paymentId, pa.orderId, pa.amount, SANDBOX_TEST_CARDS.approve],
    );

    // Act: B confirms first with A's key, and the provider's answer to B's charge is lost (→ void).
    const res = await confirm(b.accessToken, pb.paymentId, keyA, { 'x-test-fault': 'charge-timeout' });
    expect(res.status, res.text).toBe(202);

    // Assess: B's order fails without cancelling anything; A's charge stands and A's confirm completes.
    expect(await outcome(b.accessToken, pb.paymentId)).toMatchObject({
      status: 'failed',
      reservationStatus: 'cancelled',
      failureCode: 'PAYMENT_KEY_MISMATCH',
    });
    const exec = await execution(pb.paymentId);
    expect(exec.status).toBe('SUCCEEDED');
    expect(exec.output.error.Error).toBe('PaymentKeyMismatchError');
    expect(exec.output.void).toBeUndefined();
    expect(await charges(pa.orderId)).toEqual([{ status: 'approved' }]);
    expect(await charges(pb.orderId)).toEqual([]);

    // B's failed attempt does not hold the key: its owner confirms with it.
    const mine = await confirm(a.accessToken, pa.paymentId, keyA);
    expect(mine.status, mine.text).toBe(202);
    expect(await outcome(a.accessToken, pa.paymentId)).toMatchObject({
      status: 'approved',
      reservationStatus: 'confirmed',
    });
    expect(await charges(pa.orderId)).toEqual([{ status: 'approved' }]);
  });
});

describe('payments: realtime', () => {
  type Msg = { type: string; data: { eventId: string; seats?: { id: string; status: string }[] } };

  it('watchers of the event see the seats sold on approval and released on decline', async () => {
    const buyer = await registerUser('pay');
    const watcher = await registerUser('watch');
    const sold = await seatedReservation(buyer.user.id);
    const released = await seatedReservation(buyer.user.id);
    const client = await openWs({ token: watcher.accessToken });
    try {
      client.send({ action: 'join-event', eventId: sold.eventId });
      client.send({ action: 'join-event', eventId: released.eventId });
      await settle(client);

      const p1 = await prepared(buyer.accessToken, sold.reservationId);
      await confirm(buyer.accessToken, p1.paymentId, paymentKey('approve'));
      const locked = await client.next<Msg>(
        (m) => m.type === 'seat-locked' && m.data.eventId === sold.eventId,
      );
      expect(locked.data.seats!.map((x) => x.status)).toEqual(['sold', 'sold']);
      expect(locked.data.seats!.map((x) => x.id).sort()).toEqual([...sold.seatIds].sort());

      const p2 = await prepared(buyer.accessToken, released.reservationId);
      await confirm(buyer.accessToken, p2.paymentId, paymentKey('decline'));
      const freed = await client.next<Msg>(
        (m) => m.type === 'seat-released' && m.data.eventId === released.eventId,
      );
      expect(freed.data.seats!.map((x) => x.id).sort()).toEqual([...released.seatIds].sort());
      expect(freed.data.seats!.every((x) => x.status === 'available')).toBe(true);
      // Released seats change the event's availability (a sale does not: reserved already counted as sold).
      await client.next<Msg>((m) => m.type === 'ticket-updated' && m.data.eventId === released.eventId);
    } finally {
      await client.close();
    }
  });
});

describe('payments: access and validation', () => {
  it("another user's payment or reservation is 404 everywhere, and nothing changes", async () => {
    const owner = await registerUser('pay');
    const intruder = await registerUser('pay');
    const r = await seatedReservation(owner.user.id);
    const p = await prepared(owner.accessToken, r.reservationId);

    const steal = await prepare(intruder.accessToken, r.reservationId);
    expect(steal.status).toBe(404);
    expect(steal.json).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await status(intruder.accessToken, p.paymentId)).status).toBe(404);
    const hijack = await confirm(intruder.accessToken, p.paymentId, paymentKey('approve'));
    expect(hijack.status).toBe(404);

    const row = await db.query('SELECT status, payment_key FROM payments WHERE id = $1', [p.paymentId]);
    expect(row.rows[0]).toEqual({ status: 'ready', payment_key: null });
    expect(await charges(p.orderId)).toEqual([]);
  });

  it('requires authentication and valid input', async () => {
    const buyer = await registerUser('pay');
    const anonymous = await api('/api/v1/payments/prepare', { body: { reservationId: randomUUID() } });
    expect(anonymous.status).toBe(401);
    const badKey = await confirm(buyer.accessToken, randomUUID(), '');
    expect(badKey.status).toBe(400);
    expect(badKey.json).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await status(buyer.accessToken, 'not-a-uuid')).status).toBe(400);
    expect((await status(buyer.accessToken, randomUUID())).status).toBe(404);
    const extra = await api('/api/v1/payments/prepare', {
      token: buyer.accessToken,
      body: { reservationId: randomUUID(), amount: 1 },
    });
    expect(extra.status).toBe(400);
  });
});

describe('payments: refunding a confirmed reservation', () => {
  it('refundConfirmedReservation refunds the payment and frees seats and GA tickets', async () => {
    // The use case runs in this process against the stack's services (the reservations cancel route calls it).
    Object.assign(process.env, stack.env);
    const { refundConfirmedReservation } = await import('../../functions/payments/public');
    const { closeClients } = await import('../../functions/shared/clients');
    try {
      const buyer = await registerUser('pay');
      const r = await seatedReservation(buyer.user.id);
      const p = await prepared(buyer.accessToken, r.reservationId);
      await confirm(buyer.accessToken, p.paymentId, paymentKey('approve'));
      expect((await outcome(buyer.accessToken, p.paymentId)).status).toBe('approved');

      const intruder = await registerUser('pay');
      await expect(
        refundConfirmedReservation(
          { pool: db },
          { reservationId: r.reservationId, userId: intruder.user.id, reason: 'not mine' },
        ),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });

      await refundConfirmedReservation(
        { pool: db },
        { reservationId: r.reservationId, userId: buyer.user.id, reason: 'Cannot attend' },
      );
      expect(await reservationStatus(r.reservationId)).toBe('refunded');
      expect(await seatStatuses(r.seatIds)).toEqual(
        r.seatIds.map(() => ({ status: 'available', reservation_id: null })),
      );
      expect(await charges(p.orderId)).toEqual([{ status: 'cancelled' }]);
      const after = await status(buyer.accessToken, p.paymentId);
      expect(after.json).toMatchObject({ status: 'refunded', reservationStatus: 'refunded' });

      // Twice: the reservation is no longer confirmed.
      await expect(
        refundConfirmedReservation(
          { pool: db },
          { reservationId: r.reservationId, userId: buyer.user.id, reason: 'again' },
        ),
      ).rejects.toMatchObject({ code: 'RESERVATION_NOT_PENDING' });

      const ga = await gaReservation(buyer.user.id, 2);
      const gp = await prepared(buyer.accessToken, ga.reservationId);
      await confirm(buyer.accessToken, gp.paymentId, paymentKey('approve'));
      expect((await outcome(buyer.accessToken, gp.paymentId)).status).toBe('approved');
      await refundConfirmedReservation(
        { pool: db },
        { reservationId: ga.reservationId, userId: buyer.user.id, reason: 'Cannot attend' },
      );
      const sold = await db.query('SELECT sold FROM ticket_types WHERE id = $1', [ga.ticketTypeId]);
      expect(sold.rows[0].sold).toBe(0);
    } finally {
      await closeClients();
    }
  });
});

describe('payments: reconciling payments left in progress', () => {
  /** As if payments.confirm died after flipping the payment and before starting its saga, `minutesAgo` ago. */
  const strand = async (paymentId: string, key: string, minutesAgo: number) =>
    db.query(
      `UPDATE payments SET status = 'in_progress', payment_key = $2,
              updated_at = now() - make_interval(mins => $3) WHERE id = $1 AND status = 'ready'`,
      [paymentId, key, minutesAgo],
    );
  const reconcile = () => invokeLocal(lambda, 'reconcile-payments');
  const paymentRow = async (id: string) =>
    (
      await db.query<{ status: string; failure_code: string | null }>(
        'SELECT status, failure_code FROM payments WHERE id = $1',
        [id],
      )
    ).rows[0];

  it('starts the missing saga of a payable one, fails a lapsed one uncharged, leaves a recent one', async () => {
    // Prepare: three stranded payments: payable, reservation lapsed, and one stranded only a moment ago.
    const buyer = await registerUser('pay');
    const payable = await seatedReservation(buyer.user.id);
    const lapsed = await seatedReservation(buyer.user.id);
    const recent = await seatedReservation(buyer.user.id);
    const [p1, p2, p3] = [
      await prepared(buyer.accessToken, payable.reservationId),
      await prepared(buyer.accessToken, lapsed.reservationId),
      await prepared(buyer.accessToken, recent.reservationId),
    ];
    await strand(p1.paymentId, paymentKey('approve'), 10);
    await strand(p2.paymentId, paymentKey('approve'), 10);
    await db.query(`UPDATE reservations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      lapsed.reservationId,
    ]);
    await strand(p3.paymentId, paymentKey('approve'), 0);

    // Act
    const result = await reconcile();

    // Assess: the payable one is charged once and confirmed through its saga, now started.
    expect(result.restarted).toBeGreaterThanOrEqual(1);
    expect((await outcome(buyer.accessToken, p1.paymentId)).status).toBe('approved');
    expect(await reservationStatus(payable.reservationId)).toBe('confirmed');
    expect(await charges(p1.orderId)).toHaveLength(1);
    // The lapsed one failed without any charge; the recent one is left to its confirm.
    expect(await paymentRow(p2.paymentId)).toEqual({ status: 'failed', failure_code: 'NOT_STARTED' });
    expect(await charges(p2.orderId)).toHaveLength(0);
    expect((await paymentRow(p3.paymentId))?.status).toBe('in_progress');

    // A second run changes nothing for them: the saga exists now, and the failed one is no longer in progress.
    await reconcile();
    expect(await charges(p1.orderId)).toHaveLength(1);
    expect(await paymentRow(p2.paymentId)).toEqual({ status: 'failed', failure_code: 'NOT_STARTED' });
  });
});
