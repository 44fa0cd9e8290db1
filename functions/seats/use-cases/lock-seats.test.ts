import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Hold } from '../../../shared/booking';
import type { SeatChange } from '../../../shared/ws';
import { type AppError, ForbiddenError } from '../../shared/errors';
import type { HoldRepository, LockOutcome, SeatGuard } from '../ports';
import { lockSeats } from './lock-seats';
import { unlockSeats } from './unlock-seats';

/** The lock/unlock use cases with in-memory ports: the order of guard, database, timer and broadcast. */

const EVENT = randomUUID();
const USER = randomUUID();
const [S1, S2, S3] = [randomUUID(), randomUUID(), randomUUID()];

const hold = (seatIds: string[]): Hold => ({
  id: randomUUID(),
  eventId: EVENT,
  expiresAt: new Date(Date.now() + 300_000).toISOString(),
  maxSeats: 4,
  seats: seatIds.map((id) => ({ id, label: id.slice(0, 4), tierName: 'R', price: 1000 })),
});

function fakes(options: {
  taken?: string[];
  guardFails?: boolean;
  outcome?: LockOutcome | Error;
  sale?: { holdSeconds: number; onSale: boolean } | null;
  arn?: string | null;
  refuseAdmission?: boolean;
}) {
  const calls: string[] = [];
  const admissions: string[] = [];
  const claimed = new Map<string, string>(); // seat → owner
  const published: SeatChange[][] = [];
  const arns: string[] = [];
  const guard: SeatGuard = {
    async claim(_eventId, seatIds, owner, ttlMs) {
      calls.push(`claim:${seatIds.length}:${ttlMs}`);
      if (options.guardFails) throw new Error('redis down');
      if (options.taken?.length) return { taken: options.taken, claimed: [] };
      const fresh = seatIds.filter((id) => !claimed.has(id));
      for (const id of fresh) claimed.set(id, owner);
      return { taken: [], claimed: fresh };
    },
    async release(_eventId, seatIds, owner) {
      calls.push(`release:${[...seatIds].sort().join(',')}`);
      for (const id of seatIds) if (claimed.get(id) === owner) claimed.delete(id);
    },
  };
  const holds: HoldRepository = {
    saleInfo: async () => (options.sale === undefined ? { holdSeconds: 300, onSale: true } : options.sale),
    async lock(input) {
      calls.push(`lock${input.unguarded ? ':unguarded' : ''}`);
      const o = options.outcome ?? {
        kind: 'ok',
        hold: hold(input.seatIds),
        created: true,
        locked: input.seatIds,
        expired: [],
      };
      if (o instanceof Error) throw o;
      return o;
    },
    async unlock() {
      return { kind: 'ok', hold: null, released: [S1] };
    },
    findLive: async () => null,
    async setExecutionArn(_holdId, arn) {
      arns.push(arn);
    },
  };
  const deps = {
    holds,
    guard,
    admission: {
      async require(input: { eventId: string; userId: string; token: string | undefined }) {
        admissions.push(input.token ?? '-');
        if (options.refuseAdmission) throw new ForbiddenError('enter through the room', 'ADMISSION_REQUIRED');
      },
    },
    timer: {
      async start() {
        calls.push('timer');
        return options.arn === undefined ? 'arn:exec' : options.arn;
      },
    },
    events: {
      async seatsChanged(_eventId: string, changes: SeatChange[]) {
        published.push(changes);
      },
      async ticketTypesChanged() {},
    },
    logger: { warn: () => {}, error: () => {} },
  };
  return { deps, calls, admissions, claimed, published, arns };
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return (e as AppError).code;
  }
  return 'resolved';
};

describe('lockSeats', () => {
  it('claims in Redis, commits in PostgreSQL, starts the timer of a new hold, broadcasts without the holder', async () => {
    const f = fakes({});
    const out = await lockSeats(f.deps, USER, { eventId: EVENT, seatIds: [S1, S2] });
    expect(out.hold.seats.map((s) => s.id)).toEqual([S1, S2]);
    expect(f.calls).toEqual(['claim:2:300000', 'lock', 'timer']);
    expect(f.admissions).toEqual(['-']);
    expect(f.arns).toEqual(['arn:exec']);
    expect(f.published).toEqual([
      [
        { id: S1, status: 'held' },
        { id: S2, status: 'held' },
      ],
    ]);
    expect(JSON.stringify(f.published)).not.toContain(USER);
  });

  it("asks the waiting room with the caller's token first; its refusal claims nothing anywhere", async () => {
    const f = fakes({ refuseAdmission: true });
    await expect(
      lockSeats(f.deps, USER, { eventId: EVENT, seatIds: [S1] }, { admissionToken: 'tok' }),
    ).rejects.toMatchObject({ code: 'ADMISSION_REQUIRED' });
    expect(f.admissions).toEqual(['tok']);
    expect(f.calls).toEqual([]);
    expect(f.published).toEqual([]);
  });

  it('starts no timer when seats are added to an existing hold', async () => {
    const f = fakes({
      outcome: { kind: 'ok', hold: hold([S1, S2]), created: false, locked: [S2], expired: [] },
    });
    await lockSeats(f.deps, USER, { eventId: EVENT, seatIds: [S2] });
    expect(f.calls).not.toContain('timer');
    expect(f.published).toEqual([[{ id: S2, status: 'held' }]]);
  });

  it('answers 409 SEAT_UNAVAILABLE from the filter without touching PostgreSQL', async () => {
    const f = fakes({ taken: [S2] });
    await expect(lockSeats(f.deps, USER, { eventId: EVENT, seatIds: [S1, S2] })).rejects.toMatchObject({
      code: 'SEAT_UNAVAILABLE',
      details: { seatIds: [S2] },
    });
    expect(f.calls).toEqual(['claim:2:300000']);
    expect(f.published).toEqual([]);
  });

  it.each([
    [{ kind: 'unavailable', seatIds: [S3] } as LockOutcome, 'SEAT_UNAVAILABLE'],
    [{ kind: 'limit-exceeded', limit: 4, alreadyYours: 3, requested: 2 } as LockOutcome, 'LIMIT_EXCEEDED'],
    [{ kind: 'too-many-holds', retryAfterSeconds: 30 } as LockOutcome, 'TOO_MANY_REQUESTS'],
    [{ kind: 'not-on-sale' } as LockOutcome, 'EVENT_NOT_ON_SALE'],
    [{ kind: 'event-not-found' } as LockOutcome, 'EVENT_NOT_FOUND'],
    [new Error('connection lost'), null],
  ])('gives back exactly the keys it set when PostgreSQL refuses (%#)', async (outcome, code) => {
    const f = fakes({ outcome });
    f.claimed.set(S1, USER); // already the caller's: must survive the compensation
    const result = await codeOf(lockSeats(f.deps, USER, { eventId: EVENT, seatIds: [S1, S2, S3] }));
    // A plain error (no AppError code) propagates as it is: the edge turns it into a safe 500.
    expect(result).toBe(code ?? undefined);
    expect(f.calls.at(-1)).toBe(`release:${[S2, S3].sort().join(',')}`);
    expect([...f.claimed.keys()]).toEqual([S1]);
    expect(f.published).toEqual([]);
  });

  it('locks on PostgreSQL alone when Redis is down', async () => {
    const f = fakes({ guardFails: true });
    const out = await lockSeats(f.deps, USER, { eventId: EVENT, seatIds: [S1] });
    expect(out.hold.seats).toHaveLength(1);
    expect(f.calls).toEqual(['claim:1:300000', 'lock', 'timer']);
  });

  it('refuses unknown and closed events before claiming anything', async () => {
    for (const [sale, code] of [
      [null, 'EVENT_NOT_FOUND'],
      [{ holdSeconds: 300, onSale: false }, 'EVENT_NOT_ON_SALE'],
    ] as const) {
      const f = fakes({ sale });
      expect(await codeOf(lockSeats(f.deps, USER, { eventId: EVENT, seatIds: [S1] }))).toBe(code);
      expect(f.calls).toEqual([]);
    }
  });

  it('skips the filter only with the test switch', async () => {
    const f = fakes({});
    await lockSeats(f.deps, USER, { eventId: EVENT, seatIds: [S1] }, { unguarded: true });
    expect(f.calls).toEqual(['lock:unguarded', 'timer']);
  });

  it('releases and broadcasts the seats of an overdue hold it replaced', async () => {
    const f = fakes({
      outcome: { kind: 'ok', hold: hold([S1]), created: true, locked: [S1], expired: [S1, S2] },
    });
    await lockSeats(f.deps, USER, { eventId: EVENT, seatIds: [S1] });
    expect(f.calls).toContain(`release:${S2}`);
    expect(f.published).toEqual([
      [
        { id: S2, status: 'available' },
        { id: S1, status: 'held' },
      ],
    ]);
  });
});

describe('unlockSeats', () => {
  it('gives back the keys and broadcasts the released seats', async () => {
    const f = fakes({});
    expect(await unlockSeats(f.deps, USER, { eventId: EVENT, seatIds: [S1, S3] })).toEqual({ hold: null });
    expect(f.calls).toEqual([`release:${S1}`]);
    expect(f.published).toEqual([[{ id: S1, status: 'available' }]]);
  });

  it('answers 404 when none of the seats is in the hold', async () => {
    const f = fakes({});
    f.deps.holds.unlock = async () => ({ kind: 'not-found' });
    expect(await codeOf(unlockSeats(f.deps, USER, { eventId: EVENT, seatIds: [S1] }))).toBe('NOT_FOUND');
    expect(f.published).toEqual([]);
  });
});
