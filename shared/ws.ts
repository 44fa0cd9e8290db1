import { z } from 'zod';
import { SEAT_STATUSES } from './domain';
import { errorCodeSchema } from './errors';
import { queueEntryAllowedSchema, queueRoomSchema } from './queue';

/**
 * WebSocket protocol. Client → server frames carry `action` (API Gateway route selection
 * `$request.body.action`); server → client frames are `{ type, data }` with the seeds' event names.
 * The user id always comes from the verified `$connect` token, never from a frame: client frames are strict
 * objects, so a frame naming a user (or carrying any unknown field) is refused with an `error` and changes nothing.
 */

/** API Gateway refuses frames over 128 KB with close code 1009; the local emulator does the same. */
export const WS_MAX_FRAME_BYTES = 128 * 1024;
/** API Gateway closes idle connections after 10 minutes; clients ping well inside that. */
export const WS_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
export const WS_HEARTBEAT_MS = 5 * 60 * 1000;
export const WS_CLOSE_MESSAGE_TOO_BIG = 1009;
/** Most seats one `seat-selection-changed` may carry (selection is private UI state, not a hold). */
export const WS_MAX_SELECTED_SEATS = 50;

const eventIdSchema = z.uuid();

export const clientMessageSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('ping') }),
  z.strictObject({ action: z.literal('join-event'), eventId: eventIdSchema }),
  z.strictObject({ action: z.literal('leave-event'), eventId: eventIdSchema }),
  z.strictObject({ action: z.literal('join-seat-selection'), eventId: eventIdSchema }),
  z.strictObject({
    action: z.literal('seat-selection-changed'),
    eventId: eventIdSchema,
    seatIds: z.array(z.uuid()).max(WS_MAX_SELECTED_SEATS),
  }),
  z.strictObject({ action: z.literal('join-queue'), eventId: eventIdSchema }),
  z.strictObject({ action: z.literal('resume') }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientAction = ClientMessage['action'];
export const CLIENT_ACTIONS = clientMessageSchema.options.map((o) => o.shape.action.value) as ClientAction[];

/** Fields a frame must never carry: identity comes from the connection's verified token. */
export const WS_IDENTITY_FIELDS = ['userId', 'user_id', 'sub'] as const;

export const SERVER_MESSAGE_TYPES = [
  'pong',
  'error',
  'ticket-updated',
  'seat-locked',
  'seat-released',
  'queue-updated',
  'queue-entry-allowed',
  'session-restored',
] as const;
export type ServerMessageType = (typeof SERVER_MESSAGE_TYPES)[number];

/**
 * One seat's new state. `userId` is optional and the booking contexts leave it out: a broadcast must not tell
 * everyone who holds which seat (the holder's own screen knows from its hold).
 */
export const seatChangeSchema = z.object({
  id: z.uuid(),
  status: z.enum(SEAT_STATUSES),
  userId: z.uuid().optional(),
});
export type SeatChange = z.infer<typeof seatChangeSchema>;

/**
 * `seat-locked` (held/reserved/sold/blocked) and `seat-released` (available): a burst of changes on one event
 * is coalesced into one message per type carrying every seat (split only to stay under the 128 KB frame limit).
 */
export const seatChangesDataSchema = z.object({
  eventId: z.uuid(),
  seats: z.array(seatChangeSchema).min(1),
});
export type SeatChangesData = z.infer<typeof seatChangesDataSchema>;

export const ticketUpdatedDataSchema = z.object({
  eventId: z.uuid(),
  availability: z
    .object({
      total: z.int().nonnegative(),
      available: z.int().nonnegative(),
      held: z.int().nonnegative(),
      sold: z.int().nonnegative(),
    })
    .optional(),
  ticketTypes: z
    .array(
      z.object({
        id: z.uuid(),
        available: z.int().nonnegative(),
        held: z.int().nonnegative(),
        sold: z.int().nonnegative(),
      }),
    )
    .optional(),
});
export type TicketUpdatedData = z.infer<typeof ticketUpdatedDataSchema>;

/** The waiting room this user follows (the place itself lives in the room; `GET /queue/status` reads it). */
export const sessionQueueSchema = z.looseObject({ eventId: z.uuid() });
export type SessionQueue = z.infer<typeof sessionQueueSchema>;

/** A user's realtime session (Redis, per user, shared by their tabs), as `resume` returns it. */
export const sessionRestoredDataSchema = z.object({
  currentEventId: z.uuid().nullable(),
  selectedSeatIds: z.array(z.uuid()),
  queue: sessionQueueSchema.nullable(),
  /** Topics this connection is subscribed to after the resume. */
  topics: z.array(z.string()),
});
export type SessionRestoredData = z.infer<typeof sessionRestoredDataSchema>;

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pong'), data: z.object({ at: z.string() }).optional() }),
  z.object({ type: z.literal('error'), data: z.object({ code: errorCodeSchema, message: z.string() }) }),
  z.object({ type: z.literal('ticket-updated'), data: ticketUpdatedDataSchema }),
  z.object({ type: z.literal('seat-locked'), data: seatChangesDataSchema }),
  z.object({ type: z.literal('seat-released'), data: seatChangesDataSchema }),
  z.object({ type: z.literal('queue-updated'), data: queueRoomSchema }),
  z.object({ type: z.literal('queue-entry-allowed'), data: queueEntryAllowedSchema }),
  z.object({ type: z.literal('session-restored'), data: sessionRestoredDataSchema }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Realtime topics. */
export const topics = {
  event: (eventId: string) => `event:${eventId}`,
  queue: (eventId: string) => `queue:${eventId}`,
  user: (userId: string) => `user:${userId}`,
} as const;
