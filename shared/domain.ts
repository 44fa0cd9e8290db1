import { z } from 'zod';

/** Shared domain schemas: the shapes every context, the web client and the OpenAPI document agree on. */

export const uuidSchema = z.uuid();
export const isoDateTimeSchema = z.iso.datetime({ offset: true });

export const ROLES = ['user', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const userSchema = z
  .object({
    id: uuidSchema,
    email: z.email(),
    name: z.string(),
    role: roleSchema,
    createdAt: isoDateTimeSchema,
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof userSchema>;

export const EVENT_STATUSES = ['draft', 'on_sale', 'closed', 'cancelled'] as const;
export const eventStatusSchema = z.enum(EVENT_STATUSES);
export type EventStatus = z.infer<typeof eventStatusSchema>;

export const SEAT_STATUSES = ['available', 'held', 'reserved', 'sold', 'blocked'] as const;
export const seatStatusSchema = z.enum(SEAT_STATUSES);
export type SeatStatus = z.infer<typeof seatStatusSchema>;

export const RESERVATION_STATUSES = [
  'pending_payment',
  'confirmed',
  'expired',
  'cancelled',
  'refunded',
] as const;
export const reservationStatusSchema = z.enum(RESERVATION_STATUSES);

export const waitingRoomSettingsSchema = z
  .object({
    threshold: z.int().positive(),
    admissionRate: z.number().positive(),
    sessionMinutes: z.int().positive(),
    preQueueOpensAt: isoDateTimeSchema.nullable(),
  })
  .meta({ id: 'WaitingRoomSettings' });

export const availabilitySchema = z
  .object({
    total: z.int().nonnegative(),
    available: z.int().nonnegative(),
    held: z.int().nonnegative(),
    sold: z.int().nonnegative(),
  })
  .meta({ id: 'Availability' });
export type Availability = z.infer<typeof availabilitySchema>;

export const eventSummarySchema = z
  .object({
    id: uuidSchema,
    title: z.string(),
    venue: z.string(),
    startsAt: isoDateTimeSchema,
    salesOpenAt: isoDateTimeSchema,
    salesCloseAt: isoDateTimeSchema,
    status: eventStatusSchema,
    imageUrl: z.string().nullable(),
    hasSeatMap: z.boolean(),
    minPrice: z.int().nonnegative().nullable(),
    currency: z.literal('KRW'),
    availability: availabilitySchema,
  })
  .meta({ id: 'EventSummary' });
export type EventSummary = z.infer<typeof eventSummarySchema>;

export const ticketTypeSchema = z
  .object({
    id: uuidSchema,
    name: z.string(),
    price: z.int().nonnegative(),
    capacity: z.int().nonnegative(),
    available: z.int().nonnegative(),
    sold: z.int().nonnegative(),
    held: z.int().nonnegative(),
  })
  .meta({ id: 'TicketType' });
export type TicketType = z.infer<typeof ticketTypeSchema>;

export const priceTierSchema = z
  .object({ tier: z.string(), price: z.int().nonnegative(), seats: z.int().nonnegative() })
  .meta({ id: 'PriceTier' });

export const eventDetailSchema = eventSummarySchema
  .extend({
    description: z.string(),
    maxSeatsPerUser: z.int().positive(),
    /** Until when a paid booking can be cancelled and refunded by the buyer (default: the event's start). */
    cancellationDeadline: isoDateTimeSchema,
    ticketTypes: z.array(ticketTypeSchema),
    priceTiers: z.array(priceTierSchema),
    waitingRoom: waitingRoomSettingsSchema.nullable(),
  })
  .meta({ id: 'EventDetail' });
export type EventDetail = z.infer<typeof eventDetailSchema>;

export function paginated<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.int().positive(),
    pageSize: z.int().positive(),
    total: z.int().nonnegative(),
    totalPages: z.int().nonnegative(),
  });
}

/** Limits shared by client-side and server-side validation, so both reject the same input. */
export const LIMITS = {
  emailMax: 254,
  passwordMin: 8,
  /** bcrypt reads only the first 72 BYTES (UTF-8): a longer new password is refused, not silently cut. */
  passwordMax: 72,
  /** Sign-in still accepts what sign-up allowed before the byte cap (bcrypt compares the first 72 bytes). */
  loginPasswordMax: 128,
  nameMax: 100,
  searchMax: 100,
  pageSizeMax: 100,
  pageMax: 10_000,
  refreshTokenMax: 512,
} as const;
