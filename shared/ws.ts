import { z } from 'zod';
import { errorCodeSchema } from './errors';

/**
 * WebSocket protocol. Client → server frames carry `action` (API Gateway route selection
 * `$request.body.action`); server → client frames are `{ type, data }` with the seeds' event names.
 * The user id always comes from the verified `$connect` token, never from a frame.
 */

/** API Gateway refuses frames over 128 KB with close code 1009; the local emulator does the same. */
export const WS_MAX_FRAME_BYTES = 128 * 1024;
/** API Gateway closes idle connections after 10 minutes; clients ping well inside that. */
export const WS_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
export const WS_HEARTBEAT_MS = 5 * 60 * 1000;
export const WS_CLOSE_MESSAGE_TOO_BIG = 1009;

const eventIdSchema = z.uuid();

export const clientMessageSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('ping') }),
  z.object({ action: z.literal('join-event'), eventId: eventIdSchema }),
  z.object({ action: z.literal('leave-event'), eventId: eventIdSchema }),
  z.object({ action: z.literal('join-seat-selection'), eventId: eventIdSchema }),
  z.object({
    action: z.literal('seat-selection-changed'),
    eventId: eventIdSchema,
    seatIds: z.array(z.uuid()).max(50),
  }),
  z.object({ action: z.literal('join-queue'), eventId: eventIdSchema }),
  z.object({ action: z.literal('resume') }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientAction = ClientMessage['action'];
export const CLIENT_ACTIONS = clientMessageSchema.options.map((o) => o.shape.action.value) as ClientAction[];

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

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pong'), data: z.object({ at: z.string() }).optional() }),
  z.object({ type: z.literal('error'), data: z.object({ code: errorCodeSchema, message: z.string() }) }),
  z.object({ type: z.literal('ticket-updated'), data: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('seat-locked'), data: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('seat-released'), data: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('queue-updated'), data: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('queue-entry-allowed'), data: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('session-restored'), data: z.record(z.string(), z.unknown()) }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Realtime topics. */
export const topics = {
  event: (eventId: string) => `event:${eventId}`,
  queue: (eventId: string) => `queue:${eventId}`,
  user: (userId: string) => `user:${userId}`,
} as const;
