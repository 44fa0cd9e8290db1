import type { Logger } from '@aws-lambda-powertools/logger';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { broadcastInventoryEvents } from '../shared/inventory/broadcast-inventory-events';
import { redisSeatGuard } from '../shared/inventory/redis-seat-guard';
import { once } from '../shared/once';
import { pgHoldRepository } from './adapters/pg-hold-repository';
import { unlockSeats } from './use-cases/unlock-seats';

/**
 * What other contexts may call of the seats context (functions/architecture.test.ts: nothing else of it is
 * imported from outside). The inventory code several contexts share lives in functions/shared/inventory.
 */

/**
 * Releases whatever a user still holds on an event, through the seats context's own unlock (the same conditional
 * release, guard keys and `seat-released` broadcast as the user's unlock). The waiting room calls it when an
 * admitted session ends; reservations are left alone, they have their own payment deadline.
 */
export function seatsHoldReleaser(deps: {
  pool: () => Promise<Pool>;
  redis: () => Promise<Redis>;
  logger: Pick<Logger, 'warn' | 'error'>;
}): { releaseFor(eventId: string, userId: string): Promise<void> } {
  const seats = once(async () => ({
    holds: pgHoldRepository(await deps.pool()),
    guard: redisSeatGuard(await deps.redis()),
    events: broadcastInventoryEvents(deps.pool, deps.logger),
    logger: deps.logger,
  }));
  return {
    async releaseFor(eventId, userId) {
      const unlock = await seats();
      const hold = await unlock.holds.findLive(eventId, userId);
      if (!hold?.seats.length) return;
      await unlockSeats(unlock, userId, { eventId, seatIds: hold.seats.map((s) => s.id) });
    },
  };
}
