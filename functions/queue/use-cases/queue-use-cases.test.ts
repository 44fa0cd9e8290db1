import { describe, expect, it } from 'vitest';
import { verifyAdmissionToken } from '../../shared/admission/token';
import type { AppError } from '../../shared/errors';
import type { PlaceResult, RoomSettings, RoomSnapshot, RoomStore, TickInput, TickResult } from '../ports';
import { admissionTick, TICKS_PER_EXECUTION } from './admission-tick';
import { joinQueue, leaveQueue, type QueueDeps, queueStatus } from './join-queue';

/** The queue use cases with a fake room store: what they ask the store, and how they answer. No network. */

const SECRET = 'k'.repeat(64);
const EVENT = '0b9b7c1e-1111-4222-8333-444455556666';
const USER = 'a1a1a1a1-1111-4222-8333-444455556666';
const NOW = Date.UTC(2026, 10, 22, 3, 0, 0);
const quiet = { warn: () => {}, error: () => {}, info: () => {} };

const settings = (over: Partial<RoomSettings> = {}, room: Partial<NonNullable<RoomSettings['room']>> = {}) =>
  ({
    eventId: EVENT,
    status: 'on_sale',
    salesOpenAt: new Date(NOW - 60_000),
    salesCloseAt: new Date(NOW + 86_400_000),
    room: { threshold: 2, admissionRate: 4, sessionMinutes: 10, preQueueOpensAt: null, ...room },
    ...over,
  }) as RoomSettings;

const snapshot = (over: Partial<RoomSnapshot> = {}): RoomSnapshot => ({
  active: true,
  soldOut: false,
  servingCounter: 10,
  waiting: 5,
  admissionRate: 0,
  ...over,
});

function fakeStore(place: PlaceResult['place'], over: Partial<PlaceResult> = {}) {
  const calls: { op: string; input: unknown }[] = [];
  const result = (): PlaceResult => ({ place, room: snapshot(), startLoop: false, ...over });
  const store: RoomStore = {
    async join(input) {
      calls.push({ op: 'join', input });
      return result();
    },
    async status(input) {
      calls.push({ op: 'status', input });
      return result();
    },
    async leave(eventId, userId) {
      calls.push({ op: 'leave', input: { eventId, userId } });
      return true;
    },
    room: async () => snapshot(),
    draw: async () => 0,
    tick: async () => {
      throw new Error('not in these tests');
    },
  };
  return { store, calls };
}

function queueDeps(store: RoomStore, s: RoomSettings | null = settings(), loopFails = false) {
  const loops: string[] = [];
  const errors: string[] = [];
  const deps: QueueDeps = {
    store,
    settings: async () => s,
    loop: {
      async start(eventId) {
        loops.push(eventId);
        if (loopFails) throw new Error('throttled');
      },
    },
    secret: async () => SECRET,
    now: () => NOW,
    random: () => 0.25,
    logger: { warn: () => {}, error: (m: string) => void errors.push(m) },
  };
  return { deps, loops, errors };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: AppError) => e.code,
  );

describe('joinQueue', () => {
  it('gives a waiting user position = ticket − serving, people ahead and an ETA from the configured rate', async () => {
    // Prepare
    const { store, calls } = fakeStore({ kind: 'waiting', ticket: 17, aheadOfYou: 6 });
    // Act
    const ticket = await joinQueue(queueDeps(store).deps, { eventId: EVENT, userId: USER });
    // Assess
    expect(ticket).toMatchObject({ status: 'waiting', ticket: 17, position: 7, aheadOfYou: 6 });
    expect(ticket.estimatedWaitSeconds).toBe(2); // ceil((6 + 1) / 4 per second)
    expect(ticket.admissionToken).toBeUndefined();
    expect(calls[0]).toEqual({
      op: 'join',
      input: {
        eventId: EVENT,
        userId: USER,
        now: NOW,
        threshold: 2,
        sessionMs: 600_000,
        preQueue: false,
        preScore: 0.25,
      },
    });
  });

  it('hands an admitted user a token for this event and user that ends with the session', async () => {
    const end = NOW + 600_000;
    const { store } = fakeStore({ kind: 'admitted', sessionEndsAt: end });
    const ticket = await joinQueue(queueDeps(store).deps, { eventId: EVENT, userId: USER });
    expect(ticket).toMatchObject({
      status: 'admitted',
      position: 0,
      admissionExpiresAt: new Date(end).toISOString(),
    });
    expect(verifyAdmissionToken(SECRET, ticket.admissionToken)).toEqual({
      eventId: EVENT,
      userId: USER,
      expiresAt: new Date(end),
    });
  });

  it('says sold_out to a waiting user while nothing is left, without an ETA', async () => {
    const { store } = fakeStore(
      { kind: 'waiting', ticket: 12, aheadOfYou: 1 },
      { room: snapshot({ soldOut: true }) },
    );
    const ticket = await joinQueue(queueDeps(store).deps, { eventId: EVENT, userId: USER });
    expect(ticket).toMatchObject({ status: 'sold_out', position: 2, estimatedWaitSeconds: null });
    expect(ticket.message).toMatch(/taken/);
  });

  it('starts the admission loop when the store hands it the lease; a failed start is logged, not the join', async () => {
    const { store } = fakeStore({ kind: 'waiting', ticket: 11, aheadOfYou: 0 }, { startLoop: true });
    const ok = queueDeps(store);
    await joinQueue(ok.deps, { eventId: EVENT, userId: USER });
    expect(ok.loops).toEqual([EVENT]);
    const failing = queueDeps(store, settings(), true);
    expect(await codeOf(joinQueue(failing.deps, { eventId: EVENT, userId: USER }))).toBe('resolved');
    expect(failing.errors).toHaveLength(1);
  });

  it('collects pre-queue arrivals with a random draw, and refuses joins before the room opens or after the sale', async () => {
    const { store, calls } = fakeStore({ kind: 'pre', rank: 3, ticket: null, aheadOfYou: 3 });
    const preQueue = settings(
      { salesOpenAt: new Date(NOW + 60_000) },
      { preQueueOpensAt: new Date(NOW - 60_000) },
    );
    const ticket = await joinQueue(queueDeps(store, preQueue).deps, { eventId: EVENT, userId: USER });
    expect(calls[0]!.input).toMatchObject({ preQueue: true, preScore: 0.25 });
    expect(ticket).toMatchObject({ status: 'waiting', ticket: null, position: 4 });
    expect(ticket.room.preQueueUntil).toBe(new Date(NOW + 60_000).toISOString());
    // ETA counts the wait until on-sale too.
    expect(ticket.estimatedWaitSeconds).toBe(60 + 1);

    const early = settings({ salesOpenAt: new Date(NOW + 60_000) });
    const after = settings({ salesCloseAt: new Date(NOW - 1) });
    const closed = settings({ status: 'closed' });
    for (const s of [early, after, closed]) {
      const fresh = fakeStore({ kind: 'none' });
      expect(await codeOf(joinQueue(queueDeps(fresh.store, s).deps, { eventId: EVENT, userId: USER }))).toBe(
        'EVENT_NOT_ON_SALE',
      );
      expect(fresh.calls).toEqual([]);
    }
  });

  it('admits everyone without a token to an event without a room, and 404s an unknown event', async () => {
    const { store, calls } = fakeStore({ kind: 'none' });
    const open = await joinQueue(queueDeps(store, settings({ room: null })).deps, {
      eventId: EVENT,
      userId: USER,
    });
    expect(open).toMatchObject({ status: 'admitted', room: { active: false } });
    expect(open.admissionToken).toBeUndefined();
    expect(calls).toEqual([]);
    expect(await codeOf(joinQueue(queueDeps(store, null).deps, { eventId: EVENT, userId: USER }))).toBe(
      'EVENT_NOT_FOUND',
    );
  });
});

describe('queueStatus and leaveQueue', () => {
  it('answers 404 NOT_IN_QUEUE to a user without a place, and leaves through the store', async () => {
    const { store, calls } = fakeStore({ kind: 'none' });
    const { deps } = queueDeps(store);
    expect(await codeOf(queueStatus(deps, { eventId: EVENT, userId: USER }))).toBe('NOT_IN_QUEUE');
    expect(await leaveQueue(deps, { eventId: EVENT, userId: USER })).toEqual({ eventId: EVENT, left: true });
    expect(calls.map((c) => c.op)).toEqual(['status', 'leave']);
  });
});

describe('admissionTick', () => {
  function tickDeps(
    over: { settings?: RoomSettings; available?: number; result?: Partial<TickResult> } = {},
  ) {
    const seen = {
      draws: 0,
      tickInputs: [] as TickInput[],
      allowed: [] as { userId: string; token: string }[],
      released: [] as string[],
      rooms: 0,
      loops: 0,
    };
    let left = 2;
    const result: TickResult = {
      admitted: [{ userId: USER, sessionEndsAt: NOW + 600_000 }],
      expired: ['b2b2b2b2-1111-4222-8333-444455556666'],
      skipped: 0,
      continue: true,
      previousTickAt: NOW - 1_000,
      room: snapshot(),
      ...over.result,
    };
    const store: RoomStore = {
      ...fakeStore({ kind: 'none' }).store,
      async draw() {
        seen.draws++;
        return --left < 0 ? 0 : left;
      },
      async tick(input) {
        seen.tickInputs.push(input);
        return result;
      },
    };
    return {
      seen,
      deps: {
        store,
        settings: async () => over.settings ?? settings(),
        inventory: { available: async () => over.available ?? 5 },
        events: {
          async entryAllowed(admitted: { userId: string; data: { admissionToken: string } }[]) {
            for (const { userId, data } of admitted)
              seen.allowed.push({ userId, token: data.admissionToken });
          },
          async roomUpdated() {
            seen.rooms++;
          },
        },
        holds: {
          async releaseFor(_eventId: string, userId: string) {
            seen.released.push(userId);
          },
        },
        loop: {
          async start() {
            seen.loops++;
          },
        },
        secret: async () => SECRET,
        now: () => NOW,
        tickSeconds: 1,
        graceSeconds: 60,
        logger: quiet,
      },
    };
  }

  it('draws the pre-queue after on-sale, admits with a signed token each, releases ended sessions, publishes once', async () => {
    // Prepare
    const { deps, seen } = tickDeps();
    // Act
    const out = await admissionTick(deps, { eventId: EVENT, iteration: 4 });
    await admissionTick(deps, { eventId: EVENT, iteration: 5 });
    // Assess
    expect(out).toEqual({
      eventId: EVENT,
      continue: true,
      iteration: 5,
      nextTickAt: new Date(NOW + 1_000).toISOString(),
      admitted: 1,
    });
    expect(seen.draws).toBeGreaterThanOrEqual(2);
    expect(seen.tickInputs[0]).toMatchObject({
      saleOpen: true,
      soldOut: false,
      threshold: 2,
      admissionRate: 4,
    });
    expect(verifyAdmissionToken(SECRET, seen.allowed[0]!.token)).toMatchObject({
      eventId: EVENT,
      userId: USER,
    });
    expect(seen.released).toEqual([
      'b2b2b2b2-1111-4222-8333-444455556666',
      'b2b2b2b2-1111-4222-8333-444455556666',
    ]);
    // The room did not move between the two ticks: one queue-updated, not two.
    expect(seen.rooms).toBe(1);
  });

  it('tells the store the house is sold out when nothing is available, and admits nobody before on-sale', async () => {
    const soldOut = tickDeps({ available: 0 });
    await admissionTick(soldOut.deps, { eventId: `${EVENT.slice(0, -1)}0` });
    expect(soldOut.seen.tickInputs[0]).toMatchObject({ soldOut: true, saleOpen: true });
    const early = tickDeps({ settings: settings({ salesOpenAt: new Date(NOW + 60_000) }) });
    await admissionTick(early.deps, { eventId: `${EVENT.slice(0, -1)}1` });
    expect(early.seen.tickInputs[0]).toMatchObject({ saleOpen: false, soldOut: false });
    expect(early.seen.draws).toBe(0);
  });

  it('stops for an event without a room, and hands over to a fresh execution before the history fills', async () => {
    const none = tickDeps({ settings: settings({ room: null }) });
    expect((await admissionTick(none.deps, { eventId: EVENT })).continue).toBe(false);
    expect(none.seen.tickInputs).toEqual([]);
    const long = tickDeps();
    const out = await admissionTick(long.deps, { eventId: EVENT, iteration: TICKS_PER_EXECUTION - 1 });
    expect(out.continue).toBe(false);
    expect(long.seen.loops).toBe(1);
  });
});
