import { randomUUID } from 'node:crypto';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Hold } from '../../shared/booking';
import { localAws } from '../support/aws';
import { createDb } from '../support/db';
import {
  createGaEvent,
  createSeatedEvent,
  createUsers,
  retireEvents,
  type TestUser,
} from '../support/fixtures';
import { api } from '../support/http';

/**
 * Hold churn (issue 11 item 5): a lock/unlock loop must not start one hold-expiry execution per round, or one
 * account drains the StartExecution bucket that payment confirmation also needs. The emptied hold keeps its
 * deadline and its execution for the rest of the window, and the next lock reuses both; counted at the local
 * Step Functions emulator. Expiry still releases at the deadline.
 */
const stack = inject('stack');
const db = createDb(stack.databaseUrl);
const sfn = new SFNClient({ ...localAws, endpoint: stack.sfnEndpoint });
const created: string[] = [];
afterAll(async () => {
  await retireEvents(db, created);
  sfn.destroy();
  await db.end();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const lock = (user: TestUser, eventId: string, seatIds: string[]) =>
  api<{ hold: Hold }>('/api/v1/seats/lock', { token: user.token, body: { eventId, seatIds } });
const unlock = (user: TestUser, eventId: string, seatIds: string[]) =>
  api<{ hold: Hold | null }>('/api/v1/seats/unlock', { token: user.token, body: { eventId, seatIds } });
type Answer = { id: string; error?: { code: string; details?: Record<string, unknown> } };
const reserve = (user: TestUser, body: object) =>
  api<Answer>('/api/v1/reservations', {
    token: user.token,
    body,
    headers: { 'Idempotency-Key': randomUUID() },
  });
const cancel = (user: TestUser, id: string) =>
  api<Answer>(`/api/v1/reservations/${id}/cancel`, { token: user.token, method: 'POST' });

/** Hold-expiry executions started for the user's holds (executions are named after their hold). */
async function executionsFor(userId: string): Promise<number> {
  const holds = await db.query<{ id: string }>('SELECT id FROM holds WHERE user_id = $1', [userId]);
  const ids = new Set(holds.rows.map((h) => h.id));
  let count = 0;
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: stack.env.HOLD_EXPIRY_STATE_MACHINE_ARN!,
        maxResults: 1000,
        nextToken,
      }),
    );
    count += (page.executions ?? []).filter((e) => ids.has(e.name ?? '')).length;
    nextToken = page.nextToken;
  } while (nextToken);
  return count;
}

describe('hold churn', () => {
  it('20 lock/unlock rounds inside one hold window start one hold-expiry execution', async () => {
    // Prepare
    const event = await createSeatedEvent(db, { seats: 10 });
    created.push(event.eventId);
    const [churner] = await createUsers(db, stack.env, 1, 'churn');
    const seat = event.seatIds[0]!;

    // Act
    const seen = new Set<string>();
    for (let round = 0; round < 20; round++) {
      const locked = await lock(churner!, event.eventId, [seat]);
      expect(locked.status, locked.text).toBe(200);
      seen.add(`${locked.json.hold.id} ${locked.json.hold.expiresAt}`);
      const unlocked = await unlock(churner!, event.eventId, [seat]);
      expect(unlocked.status, unlocked.text).toBe(200);
      expect(unlocked.json.hold).toBeNull();
    }

    // Assess: one execution; the same hold and deadline every round (churning does not extend the window).
    expect(await executionsFor(churner!.id)).toBe(1);
    expect(seen.size).toBe(1);
    const holds = await db.query('SELECT count(*)::int AS n FROM holds WHERE user_id = $1', [churner!.id]);
    expect(holds.rows[0].n).toBe(1);
    // The seat is free for others meanwhile.
    const [other] = await createUsers(db, stack.env, 1, 'churn-other');
    expect((await lock(other!, event.eventId, [seat])).status).toBe(200);
  });

  it('a seat locked again after an unlock is still released at the deadline by the one timer', async () => {
    // Prepare: a 2 s hold window.
    const event = await createSeatedEvent(db, { seats: 4, holdSeconds: 2 });
    created.push(event.eventId);
    const [buyer] = await createUsers(db, stack.env, 1, 'churn-expiry');
    const [s0, s1] = event.seatIds;
    const first = await lock(buyer!, event.eventId, [s0!]);
    expect(first.status, first.text).toBe(200);
    expect((await unlock(buyer!, event.eventId, [s0!])).status).toBe(200);

    // Act
    const again = await lock(buyer!, event.eventId, [s1!]);
    expect(again.status, again.text).toBe(200);
    expect(again.json.hold.id).toBe(first.json.hold.id);

    // Assess: released at the original deadline, by the hold's only execution.
    const deadline = Date.parse(first.json.hold.expiresAt);
    let status = 'held';
    while (status === 'held' && Date.now() < deadline + 10_000) {
      await sleep(200);
      status = (await db.query('SELECT status FROM seats WHERE id = $1', [s1])).rows[0].status;
    }
    expect(status).toBe('available');
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
    const hold = await db.query('SELECT status FROM holds WHERE id = $1', [first.json.hold.id]);
    expect(hold.rows[0].status).toBe('expired');
    expect(await executionsFor(buyer!.id)).toBe(1);
    // After the window a lock starts a fresh hold (and its timer).
    const fresh = await lock(buyer!, event.eventId, [s0!]);
    expect(fresh.status, fresh.text).toBe(200);
    expect(fresh.json.hold.id).not.toBe(first.json.hold.id);
    expect(await executionsFor(buyer!.id)).toBe(2);
  });

  it('a lock → reserve → cancel loop is capped at 10 new holds (and executions) per buyer and event', async () => {
    // Prepare
    const event = await createSeatedEvent(db, { seats: 10 });
    created.push(event.eventId);
    const [churner] = await createUsers(db, stack.env, 1, 'churn-checkout');
    const seat = event.seatIds[0]!;

    // Act: 12 rounds through checkout; each round's hold is converted, so the next lock needs a new one.
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof lock>> | undefined;
    for (let round = 0; round < 12; round++) {
      const locked = await lock(churner!, event.eventId, [seat]);
      statuses.push(locked.status);
      if (locked.status !== 200) {
        refused = locked;
        continue;
      }
      const order = await reserve(churner!, { eventId: event.eventId, seatIds: [seat] });
      expect(order.status, order.text).toBe(201);
      expect((await cancel(churner!, order.json.id)).status).toBe(200);
    }

    // Assess
    expect(statuses).toEqual([...Array(10).fill(200), 429, 429]);
    expect(refused!.json).toMatchObject({ error: { code: 'TOO_MANY_REQUESTS' } });
    const retryAfter = Number(refused!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(await executionsFor(churner!.id)).toBe(10);
    // The seat is not kept from others by the refusal.
    const [other] = await createUsers(db, stack.env, 1, 'churn-checkout-other');
    expect((await lock(other!, event.eventId, [seat])).status).toBe(200);
  });

  it('a GA reserve → cancel loop is capped the same way', async () => {
    // Prepare
    const ga = await createGaEvent(db, [{ name: 'Standing', price: 30_000, capacity: 100 }]);
    created.push(ga.eventId);
    const [churner] = await createUsers(db, stack.env, 1, 'churn-ga');
    const body = { eventId: ga.eventId, items: [{ ticketTypeId: ga.ticketTypes[0]!.id, quantity: 1 }] };

    // Act
    const statuses: number[] = [];
    for (let round = 0; round < 12; round++) {
      const order = await reserve(churner!, body);
      statuses.push(order.status);
      if (order.status === 201) expect((await cancel(churner!, order.json.id)).status).toBe(200);
    }

    // Assess
    expect(statuses).toEqual([...Array(10).fill(201), 429, 429]);
    expect(await executionsFor(churner!.id)).toBe(10);
  });
});
