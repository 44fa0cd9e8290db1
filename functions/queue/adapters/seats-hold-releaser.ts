import type { Logger } from '@aws-lambda-powertools/logger';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { broadcastInventoryEvents } from '../../seats/adapters/broadcast-inventory-events';
import { pgHoldRepository } from '../../seats/adapters/pg-hold-repository';
import { redisSeatGuard } from '../../seats/adapters/redis-seat-guard';
import { unlockSeats } from '../../seats/use-cases/unlock-seats';
import { once } from '../../shared/once';
import type { HoldReleaser } from '../ports';

/**
 * When an admitted session ends, whatever the user still holds goes back on sale through the seats context's
 * own unlock (the same conditional release, guard keys and `seat-released` broadcast as a user's unlock).
 * Reservations are left alone: they have their own payment deadline.
 */
export function seatsHoldReleaser(deps: {
  pool: () => Promise<Pool>;
  redis: () => Promise<Redis>;
  logger: Pick<Logger, 'warn' | 'error'>;
}): HoldReleaser {
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
