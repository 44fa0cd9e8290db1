import { z } from 'zod';

/**
 * The waiting room's contract (routes in routes.ts, messages in ws.ts). Design, after the AWS Virtual Waiting
 * Room: each waiting user holds a ticket number from a per-event counter; the room's serving counter is the
 * highest ticket let in so far; position = ticket − serving counter. The shared part of the room (serving counter,
 * waiting count, sold-out flag, measured admission rate) is the same for everyone, so it is cacheable and is what
 * `queue-updated` carries; a client computes its own position from its ticket.
 */

export const QUEUE_STATUSES = ['admitted', 'waiting', 'sold_out'] as const;
export const queueStatusSchema = z.enum(QUEUE_STATUSES);
export type QueueStatus = z.infer<typeof queueStatusSchema>;

/** Header carrying the admission token on the routes marked `admission` in routes.ts. */
export const ADMISSION_HEADER = 'x-admission-token';

/** The room as everyone sees it (cacheable for a second; the `queue-updated` payload). */
export const queueRoomSchema = z
  .object({
    eventId: z.uuid(),
    /** True while the room gates the purchase routes (active users reached the threshold, or people wait). */
    active: z.boolean(),
    /** Inventory is gone: nobody is admitted until seats or tickets free up again. */
    soldOut: z.boolean(),
    /** Highest ticket number admitted (or passed over) so far. */
    servingCounter: z.int().nonnegative(),
    /** People waiting now. */
    waiting: z.int().nonnegative(),
    /** Measured admissions per second over the last minute (0 before any). */
    admissionRate: z.number().nonnegative(),
    /** Until when the pre-queue collects arrivals who will be drawn in random order at on-sale; null if none. */
    preQueueUntil: z.iso.datetime({ offset: true }).nullable(),
    at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'QueueRoom' });
export type QueueRoom = z.infer<typeof queueRoomSchema>;

/** One user's place: what join and status answer. */
export const queueTicketSchema = z
  .object({
    eventId: z.uuid(),
    status: queueStatusSchema,
    /** The user's ticket number (null when admitted without waiting, or while the pre-queue draw is pending). */
    ticket: z.int().positive().nullable(),
    /** ticket − serving counter while waiting; 0 once admitted. */
    position: z.int().nonnegative(),
    /** People still waiting before this user (excludes those who left). */
    aheadOfYou: z.int().nonnegative(),
    /** From the measured admission rate (the configured one before any measurement); null when unknown. */
    estimatedWaitSeconds: z.int().nonnegative().nullable(),
    /** Present once admitted: send it as X-Admission-Token until `admissionExpiresAt`. */
    admissionToken: z.string().optional(),
    admissionExpiresAt: z.iso.datetime({ offset: true }).optional(),
    /** Human-readable reason, e.g. for sold_out. */
    message: z.string().optional(),
    room: queueRoomSchema,
  })
  .meta({ id: 'QueueTicket' });
export type QueueTicket = z.infer<typeof queueTicketSchema>;

export const queueLeftSchema = z.object({ eventId: z.uuid(), left: z.boolean() }).meta({ id: 'QueueLeft' });
export type QueueLeft = z.infer<typeof queueLeftSchema>;

/** `queue-entry-allowed` on `user:{id}`: the user's turn came. */
export const queueEntryAllowedSchema = z.object({
  eventId: z.uuid(),
  admissionToken: z.string(),
  admissionExpiresAt: z.iso.datetime({ offset: true }),
});
export type QueueEntryAllowed = z.infer<typeof queueEntryAllowedSchema>;
