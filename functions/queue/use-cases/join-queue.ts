import type { Logger } from '@aws-lambda-powertools/logger';
import type { QueueLeft, QueueRoom, QueueTicket } from '../../../shared/queue';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { LoopStarter, RoomSettings, RoomStore } from '../ports';
import { openDoor, preQueueOpen, roomOf, ticketOf, type ViewDeps } from './room-view';

export interface QueueDeps extends ViewDeps {
  store: RoomStore;
  settings: (eventId: string) => Promise<RoomSettings | null>;
  loop: LoopStarter;
  /** The random draw of a pre-queue arrival (crypto-quality in production). */
  random: () => number;
  logger: Pick<Logger, 'warn' | 'error'>;
}

async function settingsOf(deps: QueueDeps, eventId: string): Promise<RoomSettings> {
  const settings = await deps.settings(eventId);
  if (!settings) throw new NotFoundError('EVENT_NOT_FOUND', 'Event not found');
  return settings;
}

/** The store took the loop's lease: start the admission loop. A failure is logged; the lease lapses and the next call retries. */
async function startLoopIfAsked(deps: QueueDeps, eventId: string, startLoop: boolean) {
  if (!startLoop) return;
  await deps.loop.start(eventId).catch((error: unknown) => {
    deps.logger.error('admission loop not started; the next join or status retries', { eventId, error });
  });
}

/**
 * `POST /queue/join/:eventId`. A quiet room admits at once (with a token); an active one hands out the next
 * ticket; a user who already has a place (refresh, second tab, reconnect) gets the same one back. Before on-sale,
 * during the pre-queue, arrivals get a random draw turned into a ticket at on-sale. An event without a room
 * admits everyone without a token.
 */
export async function joinQueue(
  deps: QueueDeps,
  input: { eventId: string; userId: string },
): Promise<QueueTicket> {
  const settings = await settingsOf(deps, input.eventId);
  const now = deps.now();
  if (!settings.room) return openDoor(settings, now);
  const preQueue = preQueueOpen(settings, now);
  if (settings.status !== 'on_sale' || now >= settings.salesCloseAt.getTime()) {
    throw new ConflictError('EVENT_NOT_ON_SALE', 'This event is not on sale');
  }
  if (now < settings.salesOpenAt.getTime() && !preQueue) {
    const opens = settings.room.preQueueOpensAt ?? settings.salesOpenAt;
    throw new ConflictError('EVENT_NOT_ON_SALE', `The waiting room opens at ${opens.toISOString()}`, {
      opensAt: opens.toISOString(),
    });
  }
  const result = await deps.store.join({
    eventId: input.eventId,
    userId: input.userId,
    now,
    threshold: settings.room.threshold,
    sessionMs: settings.room.sessionMinutes * 60_000,
    preQueue,
    preScore: deps.random(),
  });
  await startLoopIfAsked(deps, input.eventId, result.startLoop);
  return ticketOf(deps, settings, input.userId, result, now);
}

/** `GET /queue/status/:eventId`: the caller's place (and heartbeat); 404 NOT_IN_QUEUE without one. */
export async function queueStatus(
  deps: QueueDeps,
  input: { eventId: string; userId: string },
): Promise<QueueTicket> {
  const settings = await settingsOf(deps, input.eventId);
  const now = deps.now();
  if (!settings.room) return openDoor(settings, now);
  const result = await deps.store.status({ eventId: input.eventId, userId: input.userId, now });
  await startLoopIfAsked(deps, input.eventId, result.startLoop);
  return ticketOf(deps, settings, input.userId, result, now);
}

/** `POST /queue/leave/:eventId`: frees the place, and the admitted slot (the next in line gets it next tick). */
export async function leaveQueue(
  deps: QueueDeps,
  input: { eventId: string; userId: string },
): Promise<QueueLeft> {
  const settings = await settingsOf(deps, input.eventId);
  if (!settings.room) return { eventId: input.eventId, left: false };
  return { eventId: input.eventId, left: await deps.store.leave(input.eventId, input.userId) };
}

/** `GET /queue/room/:eventId`: the shared part, the same for everyone. */
export async function roomState(deps: QueueDeps, input: { eventId: string }): Promise<QueueRoom> {
  const settings = await settingsOf(deps, input.eventId);
  const now = deps.now();
  if (!settings.room) return openDoor(settings, now).room;
  return roomOf(settings, await deps.store.room(input.eventId), now);
}
