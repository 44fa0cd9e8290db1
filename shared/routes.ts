import { z } from 'zod';
import {
  eventIdParamsSchema,
  holdResponseSchema,
  paymentConfirmBodySchema,
  paymentPrepareBodySchema,
  paymentPreparedSchema,
  paymentStatusResultSchema,
  reservationCreateBodySchema,
  reservationListQuerySchema,
  reservationListSchema,
  reservationSchema,
  seatLockBodySchema,
  seatMapParamsSchema,
  seatMapQuerySchema,
  seatMapSchema,
  seatStatusViewSchema,
} from './booking';
import {
  eventDetailSchema,
  eventStatusSchema,
  eventSummarySchema,
  LIMITS,
  paginated,
  userSchema,
} from './domain';
import { queueLeftSchema, queueRoomSchema, queueTicketSchema } from './queue';

/**
 * The route table: the one place a REST route is declared. CDK builds API Gateway from it, the local
 * gateway mounts it, the web client is typed by it and the OpenAPI document is generated from it.
 */

export const FUNCTIONS = [
  'auth',
  'events',
  'platform',
  'seats',
  'reservations',
  'payments',
  'queue',
] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

export type AuthLevel = 'public' | 'user' | 'admin';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDef {
  /** Stable id, `<function>.<operation>`; handlers dispatch on it. */
  readonly id: string;
  readonly method: HttpMethod;
  /** API Gateway style path: `/api/v1/events/{id}`. */
  readonly path: string;
  readonly fn: FunctionName;
  readonly auth: AuthLevel;
  /** True when the route requires a waiting-room admission token while the event's room is active. */
  readonly admission?: boolean;
  readonly summary: string;
  readonly request: {
    readonly params?: z.ZodObject;
    readonly query?: z.ZodObject;
    readonly body?: z.ZodType;
  };
  /** Success status → response schema (`null` for an empty body). */
  readonly responses: Readonly<Record<number, z.ZodType | null>>;
  /** Extra error statuses documented for this route (400/401/403/404/409/429…). */
  readonly errors: readonly number[];
  /** Response headers the route may set besides JSON. */
  readonly cache?: string;
}

const email = z.email().max(LIMITS.emailMax);
const passwordBytesMessage = `Password must be at most ${LIMITS.passwordMax} bytes of UTF-8: ${LIMITS.passwordMax} Latin letters or digits, 24 Korean characters (3 bytes each)`;
const utf8 = new TextEncoder();
/**
 * New passwords: bcrypt's limit counted in bytes, not characters (a 72-character Korean password is 216 bytes and
 * bcrypt would silently ignore all but its first 24 characters). Refused with a clear message instead.
 */
export const newPasswordSchema = z
  .string()
  .min(LIMITS.passwordMin)
  .max(LIMITS.passwordMax, { error: passwordBytesMessage })
  .refine((p) => utf8.encode(p).length <= LIMITS.passwordMax, { error: passwordBytesMessage });
const password = newPasswordSchema;
const refreshToken = z.string().min(20).max(LIMITS.refreshTokenMax);

export const registerBodySchema = z
  .object({
    email,
    password,
    name: z.string().trim().min(1).max(LIMITS.nameMax),
  })
  .meta({ id: 'RegisterRequest' });

export const loginBodySchema = z
  .object({ email, password: z.string().min(1).max(LIMITS.loginPasswordMax) })
  .meta({ id: 'LoginRequest' });

export const refreshBodySchema = z.object({ refreshToken }).meta({ id: 'RefreshRequest' });

export const authResultSchema = z
  .object({
    user: userSchema,
    accessToken: z.string(),
    refreshToken: z.string(),
    /** Seconds until the access token expires. */
    expiresIn: z.int().positive(),
  })
  .meta({ id: 'AuthResult' });
export type AuthResult = z.infer<typeof authResultSchema>;

export const jwksSchema = z
  .object({
    keys: z.array(
      z.object({
        kty: z.literal('RSA'),
        kid: z.string(),
        use: z.literal('sig'),
        alg: z.literal('RS256'),
        n: z.string(),
        e: z.string(),
      }),
    ),
  })
  .meta({ id: 'Jwks' });

const dateOrDateTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

export const eventListQuerySchema = z
  .object({
    q: z.string().trim().max(LIMITS.searchMax).optional(),
    status: eventStatusSchema.optional(),
    from: dateOrDateTime.optional(),
    to: dateOrDateTime.optional(),
    page: z.coerce.number().int().min(1).max(LIMITS.pageMax).default(1),
    pageSize: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(20),
  })
  .strict();
export type EventListQuery = z.infer<typeof eventListQuerySchema>;

export const eventListSchema = paginated(eventSummarySchema).meta({ id: 'EventList' });
export type EventList = z.infer<typeof eventListSchema>;

export const idParamsSchema = z.object({ id: z.uuid() });

export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    dependencies: z.record(
      z.string(),
      z.object({ status: z.enum(['ok', 'down']), latencyMs: z.number().nonnegative() }),
    ),
  })
  .meta({ id: 'Health' });

export const meSchema = z.object({ user: userSchema }).meta({ id: 'Me' });

export const routes = [
  {
    id: 'auth.register',
    method: 'POST',
    path: '/api/v1/auth/register',
    fn: 'auth',
    auth: 'public',
    summary: 'Create an account (role is always `user`).',
    request: { body: registerBodySchema },
    responses: { 201: authResultSchema },
    errors: [400, 409],
  },
  {
    id: 'auth.login',
    method: 'POST',
    path: '/api/v1/auth/login',
    fn: 'auth',
    auth: 'public',
    summary: 'Sign in; the 6th failure within 15 minutes locks the account for 15 minutes.',
    request: { body: loginBodySchema },
    responses: { 200: authResultSchema },
    errors: [400, 401, 429],
  },
  {
    id: 'auth.refresh',
    method: 'POST',
    path: '/api/v1/auth/refresh-token',
    fn: 'auth',
    auth: 'public',
    summary: 'Rotate a refresh token; reusing a rotated token revokes its whole family.',
    request: { body: refreshBodySchema },
    responses: { 200: authResultSchema },
    errors: [400, 401],
  },
  {
    id: 'auth.logout',
    method: 'POST',
    path: '/api/v1/auth/logout',
    fn: 'auth',
    auth: 'public',
    summary: 'Revoke a refresh token family.',
    request: { body: refreshBodySchema },
    responses: { 204: null },
    errors: [400],
  },
  {
    id: 'auth.me',
    method: 'GET',
    path: '/api/v1/auth/me',
    fn: 'auth',
    auth: 'user',
    summary: 'The signed-in user.',
    request: {},
    responses: { 200: meSchema },
    errors: [401, 404],
  },
  {
    id: 'auth.jwks',
    method: 'GET',
    path: '/api/v1/auth/jwks.json',
    fn: 'auth',
    auth: 'public',
    summary: 'Public keys that verify access tokens.',
    request: {},
    responses: { 200: jwksSchema },
    errors: [],
    cache: 'public, max-age=300',
  },
  {
    id: 'events.list',
    method: 'GET',
    path: '/api/v1/events',
    fn: 'events',
    auth: 'public',
    summary: 'Search events by title/venue, status and date range; stable pagination.',
    request: { query: eventListQuerySchema },
    responses: { 200: eventListSchema },
    errors: [400],
    cache: 'public, max-age=5',
  },
  {
    id: 'events.get',
    method: 'GET',
    path: '/api/v1/events/{id}',
    fn: 'events',
    auth: 'public',
    summary: 'Event detail with ticket types and live availability.',
    request: { params: idParamsSchema },
    responses: { 200: eventDetailSchema },
    errors: [400, 404],
    cache: 'public, max-age=2',
  },
  {
    id: 'seats.map',
    method: 'GET',
    path: '/api/v1/seats/events/{eventId}',
    fn: 'seats',
    auth: 'public',
    summary:
      'Seat map of an event: tiers, sections and every seat (columnar, compact ids) with its live status; `?view=status` for the statuses alone. Supports If-None-Match.',
    request: { params: seatMapParamsSchema, query: seatMapQuerySchema },
    responses: { 200: z.union([seatMapSchema, seatStatusViewSchema]), 304: null },
    errors: [400, 404],
  },
  {
    id: 'seats.lock',
    method: 'POST',
    path: '/api/v1/seats/lock',
    fn: 'seats',
    auth: 'user',
    admission: true,
    summary:
      "Adds seats to the caller's hold on the event, all or nothing. 409 SEAT_UNAVAILABLE names the taken seats; 422 LIMIT_EXCEEDED above the event's per-user limit.",
    request: { body: seatLockBodySchema },
    responses: { 200: holdResponseSchema },
    errors: [400, 401, 403, 404, 409, 422, 429],
  },
  {
    id: 'seats.unlock',
    method: 'POST',
    path: '/api/v1/seats/unlock',
    fn: 'seats',
    auth: 'user',
    summary: "Removes seats from the caller's hold (the hold ends when its last seat goes).",
    request: { body: seatLockBodySchema },
    responses: { 200: holdResponseSchema },
    errors: [400, 401, 404],
  },
  {
    id: 'seats.hold',
    method: 'GET',
    path: '/api/v1/holds/{eventId}',
    fn: 'seats',
    auth: 'user',
    summary: "The caller's live hold on an event (null when none).",
    request: { params: eventIdParamsSchema },
    responses: { 200: holdResponseSchema },
    errors: [400, 401],
  },
  {
    id: 'reservations.create',
    method: 'POST',
    path: '/api/v1/reservations',
    fn: 'reservations',
    auth: 'user',
    admission: true,
    summary:
      "Reserves seats from the caller's live hold, or general-admission tickets by type. Requires an Idempotency-Key header: a retry returns the same reservation, the same key with another body is 422.",
    request: { body: reservationCreateBodySchema },
    responses: { 201: reservationSchema },
    errors: [400, 401, 403, 404, 409, 422, 429],
  },
  {
    id: 'reservations.mine',
    method: 'GET',
    path: '/api/v1/reservations/my',
    fn: 'reservations',
    auth: 'user',
    summary: "The caller's reservations, newest first.",
    request: { query: reservationListQuerySchema },
    responses: { 200: reservationListSchema },
    errors: [400, 401],
  },
  {
    id: 'reservations.get',
    method: 'GET',
    path: '/api/v1/reservations/{id}',
    fn: 'reservations',
    auth: 'user',
    summary: "One of the caller's reservations (another user's is 404).",
    request: { params: idParamsSchema },
    responses: { 200: reservationSchema },
    errors: [400, 401, 404],
  },
  {
    id: 'reservations.cancel',
    method: 'POST',
    path: '/api/v1/reservations/{id}/cancel',
    fn: 'reservations',
    auth: 'user',
    summary:
      "Cancels a reservation: a pending one is released, a confirmed one is refunded until the event's cancellation deadline (409 CANCELLATION_CLOSED after it or once the event has started); its seats return to sale.",
    request: { params: idParamsSchema },
    responses: { 200: reservationSchema },
    errors: [400, 401, 404, 409],
  },
  {
    id: 'payments.prepare',
    method: 'POST',
    path: '/api/v1/payments/prepare',
    fn: 'payments',
    auth: 'user',
    admission: true,
    summary:
      "Starts paying a pending reservation: the amount, order id and what the provider's client side needs.",
    request: { body: paymentPrepareBodySchema },
    responses: { 201: paymentPreparedSchema },
    errors: [400, 401, 403, 404, 409],
  },
  {
    id: 'payments.confirm',
    method: 'POST',
    path: '/api/v1/payments/confirm',
    fn: 'payments',
    auth: 'user',
    summary:
      "Confirms a prepared payment with the provider's paymentKey: starts the payment saga (charge → confirm, or compensate). Idempotent: a repeat never charges twice.",
    request: { body: paymentConfirmBodySchema },
    responses: { 202: paymentStatusResultSchema },
    errors: [400, 401, 404, 409, 503],
  },
  {
    id: 'payments.status',
    method: 'GET',
    path: '/api/v1/payments/{id}/status',
    fn: 'payments',
    auth: 'user',
    summary: "A payment's status and its reservation's (another user's is 404).",
    request: { params: idParamsSchema },
    responses: { 200: paymentStatusResultSchema },
    errors: [400, 401, 404],
  },
  {
    id: 'queue.join',
    method: 'POST',
    path: '/api/v1/queue/join/{eventId}',
    fn: 'queue',
    auth: 'user',
    summary:
      "Joins the event's waiting room: admitted at once (with an admission token) while the room is quiet, else a ticket in the FIFO queue, or sold_out. Joining again (refresh, second tab, reconnect) returns the same place.",
    request: { params: eventIdParamsSchema },
    responses: { 200: queueTicketSchema },
    errors: [400, 401, 404],
  },
  {
    id: 'queue.status',
    method: 'GET',
    path: '/api/v1/queue/status/{eventId}',
    fn: 'queue',
    auth: 'user',
    summary:
      "The caller's place in the waiting room (position, people ahead, ETA; the admission token once admitted). Also the caller's heartbeat: a waiting user silent past the grace period loses the place. 404 NOT_IN_QUEUE before joining.",
    request: { params: eventIdParamsSchema },
    responses: { 200: queueTicketSchema },
    errors: [400, 401, 404],
  },
  {
    id: 'queue.leave',
    method: 'POST',
    path: '/api/v1/queue/leave/{eventId}',
    fn: 'queue',
    auth: 'user',
    summary: 'Leaves the waiting room: frees the place, and the admitted slot if the caller was admitted.',
    request: { params: eventIdParamsSchema },
    responses: { 200: queueLeftSchema },
    errors: [400, 401],
  },
  {
    id: 'queue.room',
    method: 'GET',
    path: '/api/v1/queue/room/{eventId}',
    fn: 'queue',
    auth: 'public',
    summary:
      "The waiting room's shared state (serving counter, waiting count, sold out, admission rate): the same for everyone, cacheable for a second.",
    request: { params: eventIdParamsSchema },
    responses: { 200: queueRoomSchema },
    errors: [400, 404],
    cache: 'public, max-age=1',
  },
  {
    id: 'platform.health',
    method: 'GET',
    path: '/health',
    fn: 'platform',
    auth: 'public',
    summary:
      'Liveness (shallow). With the platform’s health-check key in `x-tiketi-health-key`, the state of each dependency.',
    request: {},
    responses: { 200: healthSchema, 503: healthSchema },
    errors: [],
  },
  {
    id: 'platform.openapi',
    method: 'GET',
    path: '/api/v1/openapi.json',
    fn: 'platform',
    auth: 'public',
    summary: 'This API as an OpenAPI 3.1 document.',
    request: {},
    responses: { 200: z.record(z.string(), z.unknown()) },
    errors: [],
    cache: 'public, max-age=60',
  },
] as const satisfies readonly RouteDef[];

export type Route = (typeof routes)[number];
export type RouteId = Route['id'];

export function routeById<I extends RouteId>(id: I): Extract<Route, { id: I }> {
  const found = routes.find((r) => r.id === id);
  if (!found) throw new Error(`Unknown route ${id}`);
  return found as Extract<Route, { id: I }>;
}

export function routesOf(fn: FunctionName): readonly RouteDef[] {
  return routes.filter((r) => r.fn === fn);
}

/** Builds a concrete path: `buildPath('/api/v1/events/{id}', { id })`. */
export function buildPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`Missing path parameter ${key}`);
    return encodeURIComponent(value);
  });
}

/** Type helpers for clients: body, query and success response of a route. */
type SchemaOf<T> = T extends z.ZodType ? z.infer<T> : never;
export type RouteBody<I extends RouteId> = Extract<Route, { id: I }>['request'] extends { body: infer B }
  ? z.input<B & z.ZodType>
  : undefined;
export type RouteQuery<I extends RouteId> = Extract<Route, { id: I }>['request'] extends { query: infer Q }
  ? z.input<Q & z.ZodType>
  : undefined;
export type RouteParams<I extends RouteId> = Extract<Route, { id: I }>['request'] extends { params: infer P }
  ? z.input<P & z.ZodType>
  : undefined;
type SuccessOf<R> = R extends { responses: infer S } ? S[keyof S] : never;
export type RouteResponse<I extends RouteId> = SchemaOf<SuccessOf<Extract<Route, { id: I }>>>;
