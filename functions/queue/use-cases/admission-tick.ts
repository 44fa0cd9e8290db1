import type { Logger } from '@aws-lambda-powertools/logger';
import { signAdmissionToken } from '../../shared/admission/token';
import type {
  HoldReleaser,
  InventoryProbe,
  LoopStarter,
  QueueEvents,
  RoomSettings,
  RoomStore,
} from '../ports';
import { roomOf } from './room-view';

export interface TickDeps {
  store: RoomStore;
  settings: (eventId: string) => Promise<RoomSettings | null>;
  inventory: InventoryProbe;
  events: QueueEvents;
  holds: HoldReleaser;
  loop: LoopStarter;
  secret: () => Promise<string>;
  now: () => number;
  tickSeconds: number;
  graceSeconds: number;
  logger: Pick<Logger, 'warn' | 'error' | 'info'>;
}

export interface TickInput {
  eventId: string;
  iteration?: number;
}

export interface TickOutput {
  eventId: string;
  continue: boolean;
  iteration: number;
  /** When the next tick is due: one period after this one started (the state machine's Wait TimestampPath). */
  nextTickAt: string;
  admitted: number;
}

/** A Standard execution's history is capped (25,000 events, ~5 per tick): hand over to a fresh one in time. */
export const TICKS_PER_EXECUTION = 3_600;
/** Pre-queue arrivals moved into the queue per script call (bounds one Redis call's work). */
const DRAW_BATCH = 5_000;
/** Parallel posts and releases per tick. */
const CONCURRENCY = 32;

/** What the last `queue-updated` said, per event (per instance): the room is republished only when it moved. */
const lastPublished = new Map<string, { key: string; at: number }>();
const REPUBLISH_MS = 10_000;

async function inBatches<T>(items: T[], run: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += CONCURRENCY) {
    await Promise.all(items.slice(i, i + CONCURRENCY).map(run));
  }
}

/**
 * One tick of an event's admission loop (the admission state machine's task, every `tickSeconds`):
 *   1. at on-sale, the pre-queue's arrivals are drawn into the queue in their random order;
 *   2. sold out is read from the inventory (nobody is admitted to an empty house; the room resumes when seats
 *      come back);
 *   3. the store's tick expires ended sessions and admits, in exact ticket order, as many as free capacity and
 *      the rate allow, passing over users silent for longer than the grace period;
 *   4. each admitted user gets `queue-entry-allowed` with a token on `user:{id}`; users whose session ended have
 *      their holds released; the room's shared state goes out on `queue:{id}` when it moved (one message per
 *      tick at most, whatever the number waiting).
 * Cost per tick: O(k log n) in Redis for k admitted, two PostgreSQL reads (settings cached, availability
 * incremental), k + 1 broadcasts. Answers whether the loop goes on.
 */
export async function admissionTick(deps: TickDeps, input: TickInput): Promise<TickOutput> {
  const { eventId } = input;
  const iteration = (input.iteration ?? 0) + 1;
  const now = deps.now();
  // Measured from the start: a tick that took long (many admissions to announce) is followed at once.
  const nextTickAt = new Date(now + deps.tickSeconds * 1000).toISOString();
  const stop = { eventId, continue: false, iteration, nextTickAt, admitted: 0 };
  const settings = await deps.settings(eventId);
  if (!settings?.room) return stop;
  const opensAt = settings.salesOpenAt.getTime();
  const saleOpen = settings.status === 'on_sale' && opensAt <= now && now < settings.salesCloseAt.getTime();

  if (now >= opensAt) {
    for (let left = 1, calls = 0; left > 0 && calls < 200; calls++) {
      left = await deps.store.draw(eventId, now, DRAW_BATCH);
    }
  }
  let soldOut = false;
  if (saleOpen) {
    try {
      soldOut = (await deps.inventory.available(eventId)) === 0;
    } catch (error) {
      // Unknown inventory: keep admitting; the purchase routes still refuse what is gone.
      deps.logger.warn('availability unknown this tick', { eventId, error });
    }
  }
  const result = await deps.store.tick({
    eventId,
    now,
    threshold: settings.room.threshold,
    admissionRate: settings.room.admissionRate,
    sessionMs: settings.room.sessionMinutes * 60_000,
    graceMs: deps.graceSeconds * 1000,
    soldOut,
    saleOpen,
  });

  const secret = await deps.secret();
  if (result.admitted.length) {
    await deps.events.entryAllowed(
      result.admitted.map(({ userId, sessionEndsAt }) => {
        const expiresAt = new Date(sessionEndsAt);
        return {
          userId,
          data: {
            eventId,
            admissionToken: signAdmissionToken(secret, { eventId, userId, expiresAt }),
            admissionExpiresAt: expiresAt.toISOString(),
          },
        };
      }),
    );
  }
  await inBatches(result.expired, (userId) =>
    deps.holds.releaseFor(eventId, userId).catch((error: unknown) => {
      // Their hold still has its own expiry timer; this only frees the seats sooner.
      deps.logger.warn('hold of an ended session not released', { eventId, error });
    }),
  );

  const room = roomOf(settings, result.room, now);
  const key = `${room.active}|${room.soldOut}|${room.servingCounter}|${room.waiting}`;
  const last = lastPublished.get(eventId);
  if (!last || last.key !== key || now - last.at >= REPUBLISH_MS) {
    lastPublished.set(eventId, { key, at: now });
    await deps.events.roomUpdated(room);
  }
  // One line per tick: CloudWatch metric filters turn `waiting` and `lagMs` into the queue-length and
  // admission-lag alarms (infra/lib/stacks/workflows-stack.ts).
  deps.logger.info('admission tick', {
    eventId,
    admitted: result.admitted.length,
    skipped: result.skipped,
    expired: result.expired.length,
    waiting: room.waiting,
    serving: room.servingCounter,
    soldOut: room.soldOut,
    // How late this tick came after the previous one, beyond the period (a stalled loop shows here).
    lagMs: result.previousTickAt ? Math.max(0, now - result.previousTickAt - deps.tickSeconds * 1000) : 0,
  });

  const out = { ...stop, continue: result.continue, admitted: result.admitted.length };
  if (out.continue && iteration >= TICKS_PER_EXECUTION) {
    // Hand over to a fresh execution (the lease is held, so no join starts a second one meanwhile); if that
    // fails, this one goes on: its history still has room.
    try {
      await deps.loop.start(eventId, 0);
      return { ...out, continue: false };
    } catch (error) {
      deps.logger.warn('admission loop hand-over failed; continuing in this execution', { eventId, error });
    }
  }
  return out;
}
