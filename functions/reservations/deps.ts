import { type AdmissionGate, getAdmissionGate } from '../shared/admission';
import { getPool, getRedis, getSfn } from '../shared/clients';
import { loadConfig } from '../shared/config';
import { broadcastInventoryEvents } from '../shared/inventory/broadcast-inventory-events';
import type { HoldTimer, InventoryEvents, SeatGuard } from '../shared/inventory/ports';
import { redisSeatGuard } from '../shared/inventory/redis-seat-guard';
import { sfnHoldTimer } from '../shared/inventory/sfn-hold-timer';
import { createLogger } from '../shared/logger';
import { paymentsRefunds } from './adapters/payments-refunds';
import { pgReservationRepository } from './adapters/pg-reservation-repository';
import type { Refunds, ReservationRepository } from './ports';

/**
 * Wiring of the reservations context, once per cold start. Config parts: `database`, `redis`, `holdExpiry`
 * (timer of general-admission reservations, RESERVATION_PAYMENT_SECONDS) and the publisher parts; refunds of
 * confirmed reservations run the payments context's use case in-process (its provider config too).
 */
export const logger = createLogger('reservations');

export interface ReservationsDeps {
  reservations: ReservationRepository;
  admission: AdmissionGate;
  guard: SeatGuard;
  timer: HoldTimer;
  events: InventoryEvents;
  refunds: Refunds;
  paymentSeconds: number;
  logger: typeof logger;
  /** True only in the local stage with TIKETI_TEST_SWITCHES=1 (the limit race test's switch). */
  testSwitches: boolean;
}

let deps: Promise<ReservationsDeps> | undefined;
export function getReservationsDeps(): Promise<ReservationsDeps> {
  deps ??= (async () => {
    const config = loadConfig(['database', 'redis', 'holdExpiry', 'admission']);
    const [pool, redis, admission] = await Promise.all([getPool(), getRedis(), getAdmissionGate()]);
    return {
      reservations: pgReservationRepository(pool),
      admission,
      guard: redisSeatGuard(redis),
      timer: sfnHoldTimer({ sfn: getSfn, stateMachineArn: config.HOLD_EXPIRY_STATE_MACHINE_ARN, logger }),
      events: broadcastInventoryEvents(getPool, logger),
      refunds: paymentsRefunds(pool),
      paymentSeconds: config.RESERVATION_PAYMENT_SECONDS,
      logger,
      testSwitches: config.STAGE === 'local' && config.TIKETI_TEST_SWITCHES === '1',
    };
  })().catch((err) => {
    deps = undefined;
    throw err;
  });
  return deps;
}
