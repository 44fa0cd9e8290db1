import { type AdmissionGate, getAdmissionGate } from '../shared/admission';
import { getPool, getRedis, getSfn } from '../shared/clients';
import { loadConfig } from '../shared/config';
import { broadcastInventoryEvents } from '../shared/inventory/broadcast-inventory-events';
import { redisSeatGuard } from '../shared/inventory/redis-seat-guard';
import { sfnHoldTimer } from '../shared/inventory/sfn-hold-timer';
import { createLogger } from '../shared/logger';
import { once } from '../shared/once';
import { pgHoldRepository } from './adapters/pg-hold-repository';
import { pgReleaseRepository } from './adapters/pg-release-repository';
import { pgSeatMapRepository } from './adapters/pg-seat-map-repository';
import type { HoldRepository, HoldTimer, InventoryEvents, SeatGuard } from './ports';
import { createSeatMapReader } from './use-cases/get-seat-map';
import type { ReleaseDeps } from './use-cases/release-hold';

/**
 * Wiring of the seats context, once per cold start. Config parts: the seats function needs `database`,
 * `redis`, `holdExpiry` and the publisher parts; the hold-expiry task and the sweep need `database`, `redis`
 * and the publisher parts.
 */
export const logger = createLogger('seats');

const events = (): InventoryEvents => broadcastInventoryEvents(getPool, logger);

export const getReleaseDeps = once(
  async (): Promise<ReleaseDeps> => ({
    releases: pgReleaseRepository(await getPool()),
    guard: redisSeatGuard(await getRedis()),
    events: events(),
    logger,
  }),
);

export interface SeatsDeps {
  holds: HoldRepository;
  admission: AdmissionGate;
  guard: SeatGuard;
  timer: HoldTimer;
  events: InventoryEvents;
  logger: typeof logger;
  seatMap: ReturnType<typeof createSeatMapReader>;
  /** True only in the local stage with TIKETI_TEST_SWITCHES=1 (the race test's guard bypass). */
  testSwitches: boolean;
}

export const getSeatsDeps = once(async (): Promise<SeatsDeps> => {
  const config = loadConfig(['database', 'redis', 'holdExpiry', 'admission']);
  const [pool, redis, admission] = await Promise.all([getPool(), getRedis(), getAdmissionGate()]);
  return {
    holds: pgHoldRepository(pool),
    admission,
    guard: redisSeatGuard(redis),
    timer: holdTimer(config.HOLD_EXPIRY_STATE_MACHINE_ARN),
    events: events(),
    logger,
    seatMap: createSeatMapReader({ repo: pgSeatMapRepository(pool) }),
    testSwitches: config.STAGE === 'local' && config.TIKETI_TEST_SWITCHES === '1',
  };
});

/** The hold-expiry timer starter (the reservations context builds its own for general-admission reservations). */
export const holdTimer = (stateMachineArn: string): HoldTimer =>
  sfnHoldTimer({ sfn: getSfn, stateMachineArn, logger });
