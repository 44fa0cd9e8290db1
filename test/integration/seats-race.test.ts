import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Hold } from '../../shared/booking';
import { createDb } from '../support/db';
import { createSeatedEvent, createUsers, retireEvents, type TestUser } from '../support/fixtures';
import { api } from '../support/http';

/**
 * The race proof, in the style of pretix's concurrency tests: many buyers lock the same few seats at the same
 * moment. With the guards disabled (test-only switch: no Redis filter, no `status = 'available'` condition, no
 * row-count check) the double sale happens; with them on, every seat ends with exactly one owner — in the
 * answers the buyers got and in PostgreSQL.
 */
const stack = inject('stack');
const db = createDb(stack.databaseUrl);
const created: string[] = [];
afterAll(async () => {
  await retireEvents(db, created);
  await db.end();
});

type LockAnswer = { status: number; user: TestUser; body: { hold?: Hold; error?: { code: string } } };

async function lockAll(
  attempts: { user: TestUser; seatIds: string[] }[],
  eventId: string,
  headers?: Record<string, string>,
): Promise<LockAnswer[]> {
  return Promise.all(
    attempts.map(async ({ user, seatIds }) => {
      const res = await api<LockAnswer['body']>('/api/v1/seats/lock', {
        token: user.token,
        body: { eventId, seatIds },
        headers,
      });
      return { status: res.status, user, body: res.json };
    }),
  );
}

/** seat id → the users whose successful answer listed it in their hold. */
function ownersByAnswer(answers: LockAnswer[]): Map<string, Set<string>> {
  const owners = new Map<string, Set<string>>();
  for (const a of answers) {
    if (a.status !== 200) continue;
    for (const seat of a.body.hold?.seats ?? []) {
      const set = owners.get(seat.id) ?? new Set<string>();
      set.add(a.user.id);
      owners.set(seat.id, set);
    }
  }
  return owners;
}

describe('concurrent locks on the same seats', () => {
  it('with the guard disabled (test switch), the same seat is sold to two people', async () => {
    const event = await createSeatedEvent(db, { seats: 2 });
    created.push(event.eventId);
    const users = await createUsers(db, stack.env, 20, 'race-off');
    const seat = event.seatIds[0]!;
    const answers = await lockAll(
      users.map((user) => ({ user, seatIds: [seat] })),
      event.eventId,
      { 'x-test-disable-seat-guard': '1' },
    );
    const told = ownersByAnswer(answers).get(seat) ?? new Set();
    console.log(`[race] guard off: ${told.size} of 20 buyers were told they hold the same seat`);
    expect(told.size).toBeGreaterThanOrEqual(2);
    // Every one of them holds an active hold that claims the seat, yet the seat row names only one.
    const holds = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM holds WHERE event_id = $1 AND status = 'active'`,
      [event.eventId],
    );
    expect(holds.rows[0]!.n).toBeGreaterThanOrEqual(2);
  });

  it('with the guard on, 500 concurrent lock attempts on 10 seats give exactly one owner per seat', async () => {
    const event = await createSeatedEvent(db, { seats: 10, maxSeatsPerUser: 4 });
    created.push(event.eventId);
    const users = await createUsers(db, stack.env, 100, 'race-on');
    // 100 buyers × 5 attempts, each for one or two seats picked pseudo-randomly (deterministic per attempt).
    const attempts = users.flatMap((user, u) =>
      Array.from({ length: 5 }, (_, k) => {
        const first = (u * 7 + k * 3) % 10;
        const seatIds = [event.seatIds[first]!];
        if ((u + k) % 3 === 0) seatIds.push(event.seatIds[(first + 1) % 10]!);
        return { user, seatIds };
      }),
    );
    expect(attempts).toHaveLength(500);

    const started = performance.now();
    const answers = await lockAll(attempts, event.eventId);
    const ms = performance.now() - started;
    const byStatus = answers.reduce<Record<number, number>>((acc, a) => {
      acc[a.status] = (acc[a.status] ?? 0) + 1;
      return acc;
    }, {});
    console.log(`[race] guard on: 500 attempts in ${ms.toFixed(0)} ms, answers ${JSON.stringify(byStatus)}`);

    // Only the contract's answers: success, taken (409) or over the limit (422); never a 5xx.
    for (const a of answers) expect([200, 409, 422], JSON.stringify(a.body)).toContain(a.status);
    for (const a of answers.filter((x) => x.status === 409))
      expect(a.body.error?.code).toBe('SEAT_UNAVAILABLE');

    // Answers: no seat was ever promised to two buyers.
    const owners = ownersByAnswer(answers);
    for (const [seat, set] of owners) expect(set.size, `seat ${seat}`).toBe(1);
    expect(owners.size).toBe(10);

    // PostgreSQL: each seat is held by one active hold, whose owner is the one the answers named.
    const rows = await db.query<{
      id: string;
      status: string;
      user_id: string | null;
      hold_status: string | null;
    }>(
      `SELECT s.id, s.status, h.user_id, h.status AS hold_status
       FROM seats s LEFT JOIN holds h ON h.id = s.hold_id WHERE s.event_id = $1`,
      [event.eventId],
    );
    expect(rows.rows).toHaveLength(10);
    for (const r of rows.rows) {
      expect(r.status).toBe('held');
      expect(r.hold_status).toBe('active');
      expect([...(owners.get(r.id) ?? [])]).toEqual([r.user_id]);
    }
    // No buyer holds more than the limit, and no buyer has two active holds.
    const perUser = await db.query<{ seats: number; holds: number }>(
      `SELECT count(s.id)::int AS seats, count(DISTINCT h.id)::int AS holds
       FROM holds h LEFT JOIN seats s ON s.hold_id = h.id
       WHERE h.event_id = $1 AND h.status = 'active' GROUP BY h.user_id`,
      [event.eventId],
    );
    for (const r of perUser.rows) {
      expect(r.seats).toBeLessThanOrEqual(4);
      expect(r.holds).toBe(1);
    }
  });

  it('without the Redis filter (as if Redis lost every key), PostgreSQL alone still gives one owner per seat', async () => {
    const event = await createSeatedEvent(db, { seats: 3, maxSeatsPerUser: 4 });
    created.push(event.eventId);
    const users = await createUsers(db, stack.env, 60, 'race-pg');
    const answers = await lockAll(
      users.map((user, i) => ({ user, seatIds: [event.seatIds[i % 3]!] })),
      event.eventId,
      { 'x-test-disable-seat-guard': 'redis' },
    );
    for (const a of answers) expect([200, 409], JSON.stringify(a.body)).toContain(a.status);
    const owners = ownersByAnswer(answers);
    expect(owners.size).toBe(3);
    for (const set of owners.values()) expect(set.size).toBe(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
    const held = await db.query<{ n: number }>(
      `SELECT count(DISTINCT hold_id)::int AS n FROM seats WHERE event_id = $1 AND status = 'held'`,
      [event.eventId],
    );
    expect(held.rows[0]!.n).toBe(3);
  });
});
