import type { QueueRoom, QueueTicket } from '../../../shared/queue';
import { signAdmissionToken } from '../../shared/admission/token';
import { NotFoundError } from '../../shared/errors';
import type { PlaceResult, RoomSettings, RoomSnapshot } from '../ports';

/** What every queue use case needs to turn the store's answers into the contract's shapes. */
export interface ViewDeps {
  secret: () => Promise<string>;
  now: () => number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The pre-queue is collecting (arrivals get a random draw) from preQueueOpensAt until on-sale. */
export function preQueueOpen(settings: RoomSettings, now: number): boolean {
  const opens = settings.room?.preQueueOpensAt?.getTime();
  return opens !== undefined && opens <= now && now < settings.salesOpenAt.getTime();
}

export function roomOf(settings: RoomSettings, snapshot: RoomSnapshot, now: number): QueueRoom {
  return {
    eventId: settings.eventId,
    active: snapshot.active,
    soldOut: snapshot.soldOut,
    servingCounter: snapshot.servingCounter,
    waiting: snapshot.waiting,
    admissionRate: snapshot.admissionRate,
    preQueueUntil: preQueueOpen(settings, now) ? settings.salesOpenAt.toISOString() : null,
    at: iso(now),
  };
}

/** An event without a waiting room: everyone is admitted, nobody needs a token. */
export function openDoor(settings: RoomSettings, now: number): QueueTicket {
  return {
    eventId: settings.eventId,
    status: 'admitted',
    ticket: null,
    position: 0,
    aheadOfYou: 0,
    estimatedWaitSeconds: 0,
    room: {
      eventId: settings.eventId,
      active: false,
      soldOut: false,
      servingCounter: 0,
      waiting: 0,
      admissionRate: 0,
      preQueueUntil: null,
      at: iso(now),
    },
  };
}

export const SOLD_OUT_MESSAGE =
  'All seats are taken right now. If some come back (an expired hold, a cancellation), the queue moves again.';
export const PRE_QUEUE_MESSAGE = 'Your place will be drawn at random when the sale opens.';

/** The user's ticket in the contract's shape; an admitted user gets a fresh token for the rest of the session. */
export async function ticketOf(
  deps: ViewDeps,
  settings: RoomSettings,
  userId: string,
  result: PlaceResult,
  now: number,
): Promise<QueueTicket> {
  const room = roomOf(settings, result.room, now);
  const { place } = result;
  const base = { eventId: settings.eventId, room };
  // ETA from the measured rate; before any admission, the configured one.
  const rate = room.admissionRate > 0 ? room.admissionRate : (settings.room?.admissionRate ?? 0);
  const eta = (ahead: number, startsAt = now) =>
    room.soldOut || rate <= 0
      ? null
      : Math.max(0, Math.ceil((startsAt - now) / 1000)) + Math.ceil((ahead + 1) / rate);

  switch (place.kind) {
    case 'admitted': {
      const expiresAt = new Date(place.sessionEndsAt);
      return {
        ...base,
        status: 'admitted',
        ticket: null,
        position: 0,
        aheadOfYou: 0,
        estimatedWaitSeconds: 0,
        admissionToken: signAdmissionToken(await deps.secret(), {
          eventId: settings.eventId,
          userId,
          expiresAt,
        }),
        admissionExpiresAt: expiresAt.toISOString(),
      };
    }
    case 'waiting':
      return {
        ...base,
        status: room.soldOut ? 'sold_out' : 'waiting',
        ticket: place.ticket,
        position: Math.max(1, place.ticket - room.servingCounter),
        aheadOfYou: place.aheadOfYou,
        estimatedWaitSeconds: eta(place.aheadOfYou),
        ...(room.soldOut ? { message: SOLD_OUT_MESSAGE } : {}),
      };
    case 'pre':
      return {
        ...base,
        status: room.soldOut ? 'sold_out' : 'waiting',
        ticket: place.ticket,
        position: place.ticket ? Math.max(1, place.ticket - room.servingCounter) : place.rank + 1,
        aheadOfYou: place.aheadOfYou,
        estimatedWaitSeconds: eta(place.aheadOfYou, settings.salesOpenAt.getTime()),
        message: room.soldOut ? SOLD_OUT_MESSAGE : PRE_QUEUE_MESSAGE,
      };
    default:
      throw new NotFoundError('NOT_IN_QUEUE', 'You are not in the waiting room for this event');
  }
}
