import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Reservation } from '../../../shared/booking';
import type { AppError } from '../../shared/errors';
import type { CreateOutcome, ReservationRepository } from '../ports';
import { createReservation } from './create-reservation';
import { requestHash } from './request-hash';

/** Idempotency and refusals of reservation creation with in-memory ports. No network. */

const USER = randomUUID();
const EVENT = randomUUID();
const SEAT = randomUUID();
const KEY = 'checkout-123456';

const reservation = (id: string = randomUUID()): Reservation => ({
  id,
  eventId: EVENT,
  eventTitle: 'Test',
  status: 'pending_payment',
  items: [],
  total: 0,
  currency: 'KRW',
  expiresAt: new Date(Date.now() + 600_000).toISOString(),
  createdAt: new Date().toISOString(),
  payment: null,
});

function fakes(outcome: CreateOutcome, existing: { id: string; requestHash: string } | null = null) {
  const calls: string[] = [];
  let byKey = existing;
  const reservations: ReservationRepository = {
    findByKey: async () => byKey,
    async createSeated() {
      calls.push('createSeated');
      if (outcome.kind === 'duplicate')
        byKey = { id: 'winner', requestHash: requestHash({ eventId: EVENT, seatIds: [SEAT] }) };
      return outcome;
    },
    async createGeneralAdmission() {
      calls.push('createGa');
      return outcome;
    },
    get: async (id) => (id === 'winner' || id === existing?.id ? reservation(id) : null),
    list: async () => ({ items: [], total: 0 }),
    cancelPending: async () => ({ kind: 'not-found' }),
    async setHoldExecutionArn(holdId, arn) {
      calls.push(`arn:${holdId}:${arn}`);
    },
  };
  const deps = {
    reservations,
    admission: { require: async () => {} },
    guard: {
      claim: async () => ({ taken: [], claimed: [] }),
      release: async (_e: string, ids: readonly string[]) => {
        calls.push(`guard-release:${ids.length}`);
      },
    },
    timer: {
      async start(input: { holdId: string; expiresAt: Date }) {
        calls.push(`timer:${input.holdId}`);
        return 'arn:exec';
      },
    },
    events: {
      seatsChanged: async (_e: string, changes: unknown[]) => {
        calls.push(`seats:${changes.length}`);
      },
      ticketTypesChanged: async () => {
        calls.push('ticket-updated');
      },
    },
    paymentSeconds: 600,
    logger: { warn: () => {}, error: () => {} } as never,
  };
  return { deps, calls };
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return (e as AppError).code;
  }
};

describe('createReservation', () => {
  it.each([undefined, '', 'short', 'with space!', 'x'.repeat(129)])(
    'requires a valid Idempotency-Key (%j)',
    async (key) => {
      const f = fakes({ kind: 'event-not-found' });
      expect(await codeOf(createReservation(f.deps, USER, key, { eventId: EVENT, seatIds: [SEAT] }))).toBe(
        'VALIDATION_FAILED',
      );
      expect(f.calls).toEqual([]);
    },
  );

  it('replays the reservation a key already made, and refuses the key for another body', async () => {
    const body = { eventId: EVENT, seatIds: [SEAT] };
    const f = fakes({ kind: 'event-not-found' }, { id: 'earlier', requestHash: requestHash(body) });
    const out = await createReservation(f.deps, USER, KEY, body);
    expect(out).toMatchObject({ replayed: true, reservation: { id: 'earlier' } });
    expect(
      await codeOf(createReservation(f.deps, USER, KEY, { eventId: EVENT, seatIds: [randomUUID()] })),
    ).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(f.calls).toEqual([]);
  });

  it('answers a same-key race with the winner', async () => {
    const f = fakes({ kind: 'duplicate' });
    const out = await createReservation(f.deps, USER, KEY, { eventId: EVENT, seatIds: [SEAT] });
    expect(out).toMatchObject({ replayed: true, reservation: { id: 'winner' } });
  });

  it('starts the timer of a general-admission reservation and publishes availability', async () => {
    const r = reservation();
    const f = fakes({
      kind: 'created',
      reservation: r,
      holdId: 'h1',
      reservedSeatIds: [],
      releasedSeatIds: [],
      startTimer: true,
      generalAdmission: true,
    });
    const out = await createReservation(f.deps, USER, KEY, {
      eventId: EVENT,
      items: [{ ticketTypeId: randomUUID(), quantity: 2 }],
    });
    expect(out).toEqual({ reservation: r, replayed: false });
    expect(f.calls).toEqual(['createGa', 'timer:h1', 'arn:h1:arn:exec', 'seats:0', 'ticket-updated']);
  });

  it("broadcasts reserved seats and gives back the hold's other seats", async () => {
    const f = fakes({
      kind: 'created',
      reservation: reservation(),
      holdId: 'h1',
      reservedSeatIds: [SEAT],
      releasedSeatIds: [randomUUID(), randomUUID()],
      startTimer: false,
      generalAdmission: false,
    });
    await createReservation(f.deps, USER, KEY, { eventId: EVENT, seatIds: [SEAT] });
    expect(f.calls).toEqual(['createSeated', 'guard-release:2', 'seats:3']);
  });

  it.each([
    [{ kind: 'hold-expired', seatIds: [SEAT] }, 'HOLD_EXPIRED'],
    [{ kind: 'sold-out', ticketTypeIds: [SEAT] }, 'SOLD_OUT'],
    [{ kind: 'ticket-type-not-found', ticketTypeIds: [SEAT] }, 'NOT_FOUND'],
    [{ kind: 'limit-exceeded', limit: 4, alreadyYours: 2, requested: 5 }, 'LIMIT_EXCEEDED'],
    [{ kind: 'too-many-holds', retryAfterSeconds: 30 }, 'TOO_MANY_REQUESTS'],
    [{ kind: 'not-on-sale' }, 'EVENT_NOT_ON_SALE'],
    [{ kind: 'event-not-found' }, 'EVENT_NOT_FOUND'],
  ] as [CreateOutcome, string][])('maps a refusal to its error code (%#)', async (outcome, code) => {
    const f = fakes(outcome);
    expect(await codeOf(createReservation(f.deps, USER, KEY, { eventId: EVENT, seatIds: [SEAT] }))).toBe(
      code,
    );
    expect(f.calls).toEqual(['createSeated']);
  });
});
