import { z } from 'zod';
import { isoDateTimeSchema, paginated, reservationStatusSchema } from './domain';

/**
 * The booking contract: seat map, holds, reservations and payments. Server and web client both build on these
 * schemas; the route table (routes.ts) wires them to paths.
 */

export const BOOKING_LIMITS = {
  /** Seats one lock/unlock/reservation request may name (the per-event limit is an event setting, ≤ this). */
  seatsPerRequestMax: 10,
  /** Distinct ticket types / quantity per GA reservation line. */
  itemsMax: 10,
  quantityMax: 10,
  idempotencyKeyMin: 8,
  idempotencyKeyMax: 128,
  paymentKeyMax: 200,
} as const;

export const CURRENCY = 'KRW' as const;

// --- Seat map ------------------------------------------------------------------------------------------------

/**
 * Seat status codes in `SeatMap.seats.status`, one character per seat: a compact encoding that gzips to almost
 * nothing for a mostly-available venue.
 */
export const SEAT_STATUS_CODES = {
  available: 'a',
  held: 'h',
  reserved: 'r',
  sold: 's',
  blocked: 'b',
} as const;

/**
 * A venue's seats, columnar: index i of every array describes seat i. A 20,000-seat map is ≈ 350 KB gzipped,
 * dominated by the seat ids (16 random bytes each, incompressible). The label of seat i is `${sections[section[i]].name}
 * ${row[i]}-${number[i]}`, its price is `tiers[tier[i]].price`.
 */
export const seatMapSchema = z
  .object({
    eventId: z.uuid(),
    /** Bounding box of the seat coordinates, for the renderer's viewport. */
    width: z.int().nonnegative(),
    height: z.int().nonnegative(),
    /** Price tiers (VIP, R, S…) with a display colour for the legend. */
    tiers: z.array(z.object({ name: z.string(), price: z.int().nonnegative(), color: z.string() })),
    sections: z.array(z.object({ id: z.uuid(), name: z.string() })),
    seats: z.object({
      count: z.int().nonnegative(),
      /**
       * Seat UUIDs as 22-character base64url strings (their 16 bytes), concatenated: 330 KB gzipped for 20,000
       * seats where a JSON array of UUID strings is 415 KB. `seatIdAt(map, i)` gives seat i's UUID.
       */
      ids: z.string().regex(/^[A-Za-z0-9_-]*$/),
      section: z.array(z.int().nonnegative()),
      row: z.array(z.string()),
      number: z.array(z.int()),
      x: z.array(z.int()),
      y: z.array(z.int()),
      tier: z.array(z.int().nonnegative()),
      /** One SEAT_STATUS_CODES character per seat, read from PostgreSQL on every request. */
      status: z.string(),
    }),
    /** When the statuses were read; realtime changes published after this supersede them. */
    readAt: isoDateTimeSchema,
  })
  .meta({ id: 'SeatMap' });
export type SeatMap = z.infer<typeof seatMapSchema>;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export const SEAT_ID_CHARS = 22;

/** UUID → 22 base64url characters (browser and Node alike, no Buffer). */
export function compactUuid(uuid: string): string {
  const hex = uuid.replace(/-/g, '');
  let bits = 0;
  let value = 0;
  let out = '';
  for (let i = 0; i < 32; i += 2) {
    value = (value << 8) | Number.parseInt(hex.slice(i, i + 2), 16);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += B64[(value >> bits) & 63];
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += B64[(value << (6 - bits)) & 63];
  return out;
}

/** 22 base64url characters → UUID (inverse of compactUuid). */
export function expandUuid(compact: string): string {
  let bits = 0;
  let value = 0;
  let hex = '';
  for (const ch of compact) {
    value = (value << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      hex += ((value >> bits) & 255).toString(16).padStart(2, '0');
      value &= (1 << bits) - 1;
    }
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The UUID of seat `i` in a seat map. */
export const seatIdAt = (map: Pick<SeatMap, 'seats'>, i: number) =>
  expandUuid(map.seats.ids.slice(i * SEAT_ID_CHARS, (i + 1) * SEAT_ID_CHARS));

export const seatMapParamsSchema = z.object({ eventId: z.uuid() });

/**
 * `?view=status` answers only the statuses (20 KB for 20,000 seats, a few KB gzipped) for a client that already
 * has the layout: the cheap re-read after a realtime gap, and what a crowd of buyers polls.
 */
export const seatMapQuerySchema = z.object({ view: z.enum(['full', 'status']).default('full') }).strict();

export const seatStatusViewSchema = z
  .object({
    eventId: z.uuid(),
    count: z.int().nonnegative(),
    /** Same encoding and order as `SeatMap.seats.status`. */
    status: z.string(),
    readAt: isoDateTimeSchema,
  })
  .meta({ id: 'SeatStatusView' });
export type SeatStatusView = z.infer<typeof seatStatusViewSchema>;

// --- Holds -----------------------------------------------------------------------------------------------------

const seatIds = z
  .array(z.uuid())
  .min(1)
  .max(BOOKING_LIMITS.seatsPerRequestMax)
  .refine((ids) => new Set(ids).size === ids.length, { message: 'seatIds must not repeat' });

export const seatLockBodySchema = z
  .strictObject({ eventId: z.uuid(), seatIds })
  .meta({ id: 'SeatLockRequest' });
export type SeatLockBody = z.infer<typeof seatLockBodySchema>;

export const heldSeatSchema = z.object({
  id: z.uuid(),
  label: z.string(),
  tierName: z.string(),
  price: z.int().nonnegative(),
});

export const holdSchema = z
  .object({
    id: z.uuid(),
    eventId: z.uuid(),
    seats: z.array(heldSeatSchema),
    /** Fixed when the hold is created; adding seats does not extend it. */
    expiresAt: isoDateTimeSchema,
    /** The event's per-user seat limit. */
    maxSeats: z.int().positive(),
  })
  .meta({ id: 'Hold' });
export type Hold = z.infer<typeof holdSchema>;

/** The caller's live hold on an event, or null when they hold nothing there. */
export const holdResponseSchema = z.object({ hold: holdSchema.nullable() }).meta({ id: 'HoldResponse' });
export type HoldResponse = z.infer<typeof holdResponseSchema>;

export const eventIdParamsSchema = z.object({ eventId: z.uuid() });

// --- Reservations ----------------------------------------------------------------------------------------------

/** Reserve seats from the caller's live hold (seated events). */
export const seatReservationBodySchema = z.strictObject({ eventId: z.uuid(), seatIds });
/** Reserve general-admission tickets by type. */
export const gaReservationBodySchema = z.strictObject({
  eventId: z.uuid(),
  items: z
    .array(
      z.strictObject({
        ticketTypeId: z.uuid(),
        quantity: z.int().min(1).max(BOOKING_LIMITS.quantityMax),
      }),
    )
    .min(1)
    .max(BOOKING_LIMITS.itemsMax)
    .refine((items) => new Set(items.map((i) => i.ticketTypeId)).size === items.length, {
      message: 'each ticketTypeId at most once',
    }),
});
export const reservationCreateBodySchema = z
  .union([seatReservationBodySchema, gaReservationBodySchema])
  .meta({ id: 'ReservationCreateRequest' });
export type ReservationCreateBody = z.infer<typeof reservationCreateBodySchema>;

/** `Idempotency-Key` request header (reservations.create, payments.prepare, payments.confirm). */
export const idempotencyKeySchema = z
  .string()
  .min(BOOKING_LIMITS.idempotencyKeyMin)
  .max(BOOKING_LIMITS.idempotencyKeyMax)
  .regex(/^[A-Za-z0-9_.:-]+$/);

export const reservationItemSchema = z.object({
  seatId: z.uuid().nullable(),
  ticketTypeId: z.uuid().nullable(),
  label: z.string(),
  quantity: z.int().positive(),
  unitPrice: z.int().nonnegative(),
});

export const PAYMENT_STATUSES = [
  'ready',
  'in_progress',
  'approved',
  'failed',
  'cancelled',
  'refunded',
] as const;
export const paymentStatusSchema = z.enum(PAYMENT_STATUSES);
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;

export const reservationSchema = z
  .object({
    id: z.uuid(),
    eventId: z.uuid(),
    eventTitle: z.string(),
    status: reservationStatusSchema,
    items: z.array(reservationItemSchema),
    total: z.int().nonnegative(),
    currency: z.literal(CURRENCY),
    /** Pay before this, or the reservation expires and its seats return to sale. */
    expiresAt: isoDateTimeSchema,
    createdAt: isoDateTimeSchema,
    /** The latest payment attempt, if any. */
    payment: z.object({ id: z.uuid(), status: paymentStatusSchema }).nullable(),
  })
  .meta({ id: 'Reservation' });
export type Reservation = z.infer<typeof reservationSchema>;

export const reservationListSchema = paginated(reservationSchema).meta({ id: 'ReservationList' });
export type ReservationList = z.infer<typeof reservationListSchema>;

export const reservationListQuerySchema = z
  .object({
    status: reservationStatusSchema.optional(),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(50).default(10),
  })
  .strict();

// --- Payments --------------------------------------------------------------------------------------------------

export const PAYMENT_PROVIDERS = ['sandbox', 'toss'] as const;
export const paymentProviderSchema = z.enum(PAYMENT_PROVIDERS);

/**
 * Sandbox test cards (the sandbox provider reads the card from the paymentKey `sandbox_<card>_<nonce>` the
 * sandbox payment form builds): the outcome is decided by the card number, like a PSP's test mode.
 */
export const SANDBOX_TEST_CARDS = {
  approve: '4242424242424242',
  decline: '4000000000000002',
  timeout: '4000000000000119',
  approveAfterDelay: '4000000000000259',
} as const;

export const paymentPrepareBodySchema = z
  .strictObject({ reservationId: z.uuid() })
  .meta({ id: 'PaymentPrepareRequest' });

export const paymentPreparedSchema = z
  .object({
    paymentId: z.uuid(),
    reservationId: z.uuid(),
    /** Merchant order id sent to the provider (unique per attempt). */
    orderId: z.string(),
    orderName: z.string(),
    amount: z.int().nonnegative(),
    currency: z.literal(CURRENCY),
    provider: paymentProviderSchema,
    /** What the provider's client side needs: the Toss client key, or the sandbox test cards. */
    providerData: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'PaymentPrepared' });
export type PaymentPrepared = z.infer<typeof paymentPreparedSchema>;

export const paymentConfirmBodySchema = z
  .strictObject({
    paymentId: z.uuid(),
    paymentKey: z.string().min(1).max(BOOKING_LIMITS.paymentKeyMax),
  })
  .meta({ id: 'PaymentConfirmRequest' });

export const paymentStatusResultSchema = z
  .object({
    paymentId: z.uuid(),
    reservationId: z.uuid(),
    status: paymentStatusSchema,
    reservationStatus: reservationStatusSchema,
    amount: z.int().nonnegative(),
    /** Why the payment failed or was refunded (provider code or ours: DECLINED, TIMEOUT, RESERVATION_EXPIRED…). */
    failureCode: z.string().nullable(),
    failureMessage: z.string().nullable(),
    updatedAt: isoDateTimeSchema,
  })
  .meta({ id: 'PaymentStatus' });
export type PaymentStatusResult = z.infer<typeof paymentStatusResultSchema>;
