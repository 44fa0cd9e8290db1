import type { FunctionName } from '../../shared/routes';
import type { ConfigPart } from './runtime-env';

/**
 * Which parts of the runtime config contract (functions/shared/config.ts) each Lambda receives. CDK turns a
 * part into environment variables plus the matching least-privilege grants; the local stack can read the same
 * table to know what each handler expects. `base` is always included.
 */

/**
 * Every function that publishes to WebSocket topics (functions/shared/broadcaster) declares these together:
 * - `connections`: Query the topic index (GSI1), delete a connection's rows after a 410;
 * - `websocketManagement`: PostToConnection/DeleteConnection on this API's stage (`@connections/*`);
 * - `broadcast`: shard size, post concurrency, and invoke on the fan-out worker (FANOUT_FUNCTION_NAME).
 * When seats/reservations/payments/queue start publishing, add `...PUBLISHER_PARTS` to their entry below;
 * the API stack wires the grants and acknowledgements from the parts alone.
 */
export const PUBLISHER_PARTS = [
  'connections',
  'websocketManagement',
  'broadcast',
] as const satisfies readonly ConfigPart[];

/** Route-table functions (`FUNCTIONS` in shared/routes.ts). Contexts not listed get DEFAULT_ROUTE_FUNCTION_PARTS. */
export const ROUTE_FUNCTION_PARTS: Partial<Record<FunctionName, readonly ConfigPart[]>> = {
  /** Logout closes the session's WebSockets: the user's connection rows (GSI2) and DeleteConnection. */
  auth: ['database', 'redis', 'jwt', 'jwtSigning', 'authThrottle', 'connections', 'websocketManagement'],
  events: ['database', 'redis'],
  /** /health (deep checks only with the health-check key) and the OpenAPI document. */
  platform: ['database', 'redis', 'connections', 'healthCheck'],
  /** Seat map, holds: publishes seat changes, starts one hold-expiry execution per new hold. */
  seats: ['database', 'redis', ...PUBLISHER_PARTS, 'holdExpiry', 'admission'],
  /**
   * Reservations: publishes, starts the hold-expiry timer of a GA reservation, and refunds through the provider
   * when a confirmed reservation is cancelled.
   */
  reservations: ['database', 'redis', ...PUBLISHER_PARTS, 'holdExpiry', 'payments', 'admission'],
  /** Payments API: prepare/confirm/status; confirm starts the payment saga (whose tasks publish, not this). */
  payments: ['database', 'redis', 'paymentSaga', 'payments', 'admission'],
  /**
   * The waiting room's routes: room settings (PostgreSQL), the room (Redis), signing admission tokens, and
   * starting the admission loop when a room becomes active without one.
   */
  queue: ['database', 'redis', 'admission', 'admissionLoop'],
};

/** Every business context reads PostgreSQL and Redis; anything more must be declared above. */
export const DEFAULT_ROUTE_FUNCTION_PARTS: readonly ConfigPart[] = ['database', 'redis'];

export const partsOf = (fn: FunctionName): readonly ConfigPart[] =>
  ROUTE_FUNCTION_PARTS[fn] ?? DEFAULT_ROUTE_FUNCTION_PARTS;

/** Lambdas outside the route table. */
export const FUNCTION_PARTS = {
  /**
   * functions/authorizer/handler.ts: `handler` (REST) and `wsHandler` (WebSocket $connect). `redis`: the ended-
   * session denylist, so the authorizers must run in the VPC beside ElastiCache.
   */
  authorizer: ['jwt', 'jwks', 'redis'],
  /**
   * functions/realtime/handler.ts: $connect/$disconnect/$default and client actions; a publisher. PostgreSQL
   * tells known events from unknown ones, Redis holds sessions. No `jwt`/`jwks`: the `$connect` authorizer
   * verifies the token and API Gateway hands its context to every route.
   */
  realtime: ['database', 'redis', ...PUBLISHER_PARTS],
  /**
   * functions/realtime/fanout.ts: posts one shard `{ connectionIds, message, topic }`. `broadcast` gives it the
   * post concurrency only: wireRuntime never hands the worker its own name, so it cannot re-shard or loop.
   */
  fanout: PUBLISHER_PARTS,
  /** functions/realtime/sweep.ts: deletes expired connection/subscription rows (plus dynamodb:Scan, granted apart). */
  sweep: ['connections'],
  /** functions/seats/release-hold.ts: the hold-expiry state machine's task; publishes `seat-released`. */
  releaseHold: ['database', 'redis', ...PUBLISHER_PARTS],
  /** functions/seats/sweep-expired.ts: scheduled backstop for holds/reservations whose timer never started. */
  sweepExpired: ['database', 'redis', ...PUBLISHER_PARTS],
  /** functions/payments/saga.ts: every task of the payment saga (charge, confirm, void, refund, mark…). */
  paymentTasks: ['database', 'redis', ...PUBLISHER_PARTS, 'payments'],
  /** functions/payments/reconcile.ts: scheduled backstop for payments left in progress without a saga. */
  reconcilePayments: ['database', 'paymentSaga'],
  /**
   * functions/queue/admission-tick.ts: the admission loop's task; signs tokens, publishes `queue-entry-allowed`
   * and `queue-updated`, releases the holds of ended sessions (`seat-released`), hands over to a new execution.
   */
  admissionTick: ['database', 'redis', 'admission', 'admissionLoop', ...PUBLISHER_PARTS],
  /** functions/db/migrate-handler.ts: migration custom resource (connects to the instance, not the proxy). */
  migrate: ['database'],
} as const satisfies Record<string, readonly ConfigPart[]>;

/** Handler entry of a route-table function. */
export const routeFunctionEntry = (fn: FunctionName): string => `functions/${fn}/handler.ts`;
