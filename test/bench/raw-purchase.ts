import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { pgPaymentRepository } from '../../functions/payments/adapters/pg-payment-repository';
import { pgSandboxLedger } from '../../functions/payments/adapters/pg-sandbox-ledger';
import { sandboxProvider } from '../../functions/payments/providers/sandbox';
import { confirmPayment } from '../../functions/payments/use-cases/confirm-payment';
import { preparePayment } from '../../functions/payments/use-cases/prepare-payment';
import { type SagaDeps, steps } from '../../functions/payments/use-cases/saga-steps';
import { pgReservationRepository } from '../../functions/reservations/adapters/pg-reservation-repository';
import { createReservation } from '../../functions/reservations/use-cases/create-reservation';
import { pgHoldRepository } from '../../functions/seats/adapters/pg-hold-repository';
import type { HoldTimer, InventoryEvents } from '../../functions/seats/ports';
import { lockSeats } from '../../functions/seats/use-cases/lock-seats';
import { redisSeatGuard } from '../../functions/shared/inventory/redis-seat-guard';

/**
 * The second physical reference of bench:onsale: the whole purchase — lock, reserve, prepare, confirm and the
 * saga's charge and confirmation — as the same use cases with the same PostgreSQL and Redis adapters, called
 * in-process from one pool on disjoint seats (no contention, no abandonment). What is left out is exactly the
 * transport and orchestration: API Gateway, Lambda invocation, Step Functions, WebSocket broadcasts and the
 * buyers' HTTP. So it is the most any deployment of this design can sell on the machine it runs on.
 */
export async function rawPurchaseCeiling(input: {
  pool: pg.Pool;
  redis: Redis;
  eventId: string;
  seatIds: string[];
  userIds: string[];
  workers?: number;
}) {
  const { pool, redis, eventId } = input;
  const quiet = { info() {}, warn() {}, error() {}, debug() {} } as never;
  const noTimer: HoldTimer = { start: async () => null };
  // The bench's event has no waiting room; the gate's own cost is a Redis round trip measured elsewhere.
  const admission = { require: async () => {} };
  const noEvents: InventoryEvents = { seatsChanged: async () => {}, ticketTypesChanged: async () => {} };
  const holds = pgHoldRepository(pool);
  const guard = redisSeatGuard(redis);
  const payments = pgPaymentRepository(pool);
  const sandbox = sandboxProvider({ ledger: pgSandboxLedger(pool), timeoutMs: 5_000, approveDelayMs: 0 });
  const saga: SagaDeps = {
    payments,
    providerFor: async () => sandbox,
    events: { inventoryChanged: async () => {} },
    testSwitches: false,
  };
  const free = [...input.seatIds];
  let sold = 0;
  let orders = 0;
  let user = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: input.workers ?? 64 }, async () => {
      while (free.length) {
        const want = 1 + Math.floor(Math.random() * 4);
        const seatIds = free.splice(Math.floor(Math.random() * free.length), want);
        const userId = input.userIds[user++ % input.userIds.length]!;
        await lockSeats(
          { holds, admission, guard, timer: noTimer, events: noEvents, logger: quiet },
          userId,
          {
            eventId,
            seatIds,
          },
        );
        const { reservation } = await createReservation(
          {
            reservations: pgReservationRepository(pool),
            admission,
            guard,
            timer: noTimer,
            events: noEvents,
            paymentSeconds: 600,
            logger: quiet,
          },
          userId,
          randomUUID(),
          { eventId, seatIds },
        );
        const { paymentId } = await preparePayment(
          { payments, admission, provider: { name: 'sandbox' }, ids: randomUUID },
          { reservationId: reservation.id, userId },
        );
        await confirmPayment(
          { payments, saga: { start: async () => ({ executionArn: `raw:${paymentId}` }) }, logger: quiet },
          { paymentId, userId, paymentKey: `sandbox_4242424242424242_${randomUUID()}`, testFault: null },
        );
        await steps.charge(saga, { paymentId });
        await steps.confirmReservation(saga, { paymentId });
        sold += seatIds.length;
        orders++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    seats: sold,
    orders,
    seconds: Math.round(seconds * 100) / 100,
    seatsPerSecond: Math.round(sold / seconds),
  };
}
