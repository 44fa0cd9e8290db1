import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Reservation } from '../../../shared/booking';
import type { CancelOutcome, ReservationRepository } from '../ports';
import { cancellationClosesAt, cancelReservation } from './cancel-reservation';

/** The cancellation policy of a paid reservation, with in-memory ports. No network. */

const USER = randomUUID();
const ID = randomUUID();
const NOW = new Date('2026-12-20T10:00:00.000Z');
const at = (minutesFromNow: number) => new Date(NOW.getTime() + minutesFromNow * 60_000);

function fakes(outcome: CancelOutcome) {
  const refunds: string[] = [];
  const reservations: ReservationRepository = {
    findByKey: async () => null,
    createSeated: async () => ({ kind: 'duplicate' }),
    createGeneralAdmission: async () => ({ kind: 'duplicate' }),
    get: async (id) => ({ id, status: 'refunded' }) as Reservation,
    list: async () => ({ items: [], total: 0 }),
    cancelPending: async () => outcome,
    setHoldExecutionArn: async () => {},
  };
  const deps = {
    reservations,
    refunds: {
      async refundConfirmed(input: { reservationId: string }) {
        refunds.push(input.reservationId);
      },
    },
    guard: { claim: async () => ({ taken: [], claimed: [] }), release: async () => {} },
    events: { seatsChanged: async () => {}, ticketTypesChanged: async () => {} },
    logger: { warn: () => {}, error: () => {} } as never,
    now: () => NOW,
  };
  return { deps, refunds };
}

describe('cancellationClosesAt', () => {
  it.each([
    ['no deadline: the event start', null, 60, 60],
    ['a deadline before the start', 30, 60, 30],
    ['a deadline after the start: still the start', 90, 60, 60],
  ])('%s', (_name, deadline, start, expected) => {
    // Prepare + Act
    const closes = cancellationClosesAt({
      startsAt: at(start),
      cancellationDeadline: deadline === null ? null : at(deadline),
    });
    // Assess
    expect(closes).toEqual(at(expected));
  });
});

describe('cancelReservation of a confirmed reservation', () => {
  it('refunds before the deadline', async () => {
    // Prepare
    const f = fakes({ kind: 'confirmed', startsAt: at(120), cancellationDeadline: at(1) });
    // Act
    const out = await cancelReservation(f.deps, USER, ID);
    // Assess
    expect(out.status).toBe('refunded');
    expect(f.refunds).toEqual([ID]);
  });

  it.each([
    ['at the deadline', { startsAt: at(120), cancellationDeadline: at(0) }, at(0)],
    ['after the deadline', { startsAt: at(120), cancellationDeadline: at(-5) }, at(-5)],
    ['after the start, without a deadline', { startsAt: at(-1), cancellationDeadline: null }, at(-1)],
    ['after the start, with a later deadline', { startsAt: at(-1), cancellationDeadline: at(60) }, at(-1)],
  ])('refuses %s with 409 CANCELLATION_CLOSED and refunds nothing', async (_name, event, closes) => {
    // Prepare
    const f = fakes({ kind: 'confirmed', ...event });
    // Act
    const refused = cancelReservation(f.deps, USER, ID);
    // Assess
    await expect(refused).rejects.toMatchObject({
      code: 'CANCELLATION_CLOSED',
      details: { cancellableUntil: closes.toISOString() },
    });
    expect(f.refunds).toEqual([]);
  });
});
