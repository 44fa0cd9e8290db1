import { randomInt } from 'node:crypto';
import { seatsHoldReleaser } from '../seats/public';
import { getAdmissionSecret } from '../shared/admission';
import { roomSettingsReader } from '../shared/admission/settings';
import { getPool, getRedis, getSfn } from '../shared/clients';
import { loadConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import { once } from '../shared/once';
import { broadcastQueueEvents } from './adapters/broadcast-queue-events';
import { pgInventoryProbe } from './adapters/pg-inventory-probe';
import { redisRoomStore } from './adapters/redis-room-store';
import { sfnLoopStarter } from './adapters/sfn-loop-starter';
import type { TickDeps } from './use-cases/admission-tick';
import type { QueueDeps } from './use-cases/join-queue';

/**
 * Wiring of the queue context, once per cold start. The API function needs `database` (room settings),
 * `redis` (the room), `admission` (signing tokens) and `admissionLoop` (starting the loop); the tick task needs
 * those plus the publisher parts.
 */
export const logger = createLogger('queue');

const settings = once(async () => roomSettingsReader(await getPool()));
const loop = () => {
  const config = loadConfig(['admissionLoop']);
  return sfnLoopStarter(getSfn, config.ADMISSION_LOOP_STATE_MACHINE_ARN);
};

export const getQueueDeps = once(async (): Promise<QueueDeps> => {
  loadConfig(['database', 'redis', 'admission', 'admissionLoop']);
  const read = await settings();
  return {
    store: redisRoomStore(getRedis),
    settings: read,
    loop: loop(),
    secret: getAdmissionSecret,
    now: Date.now,
    // A uniform draw in [0, 1) with 48 bits of crypto randomness: the pre-queue's lottery order.
    random: () => randomInt(2 ** 48 - 1) / 2 ** 48,
    logger,
  };
});

export const getTickDeps = once(async (): Promise<TickDeps> => {
  const config = loadConfig([
    'database',
    'redis',
    'admission',
    'admissionLoop',
    'connections',
    'websocketManagement',
    'broadcast',
  ]);
  const pool = await getPool();
  return {
    store: redisRoomStore(getRedis),
    settings: await settings(),
    inventory: pgInventoryProbe(pool),
    events: broadcastQueueEvents(),
    holds: seatsHoldReleaser({ pool: getPool, redis: getRedis, logger }),
    loop: loop(),
    secret: getAdmissionSecret,
    now: Date.now,
    tickSeconds: config.QUEUE_TICK_SECONDS,
    graceSeconds: config.QUEUE_GRACE_SECONDS,
    logger,
  };
});
