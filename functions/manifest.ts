import type { ConfigPartName } from './shared/config';

/**
 * The one list of TIKETI's Lambda functions: for each, its entry file and exported handler, the config parts
 * it reads (functions/shared/config.ts; CDK turns each part into environment variables and least-privilege
 * grants) and what invokes it. The handlers parse `loadConfig(MANIFEST.<fn>.parts)` at cold start, CDK builds the
 * functions from it (infra/lib/functions.ts), and the local stack runs them from it (infra/local). A newcomer
 * finds a route's code from its id: the route table (shared/routes.ts) names the function, this names the file.
 * `functions/manifest.test.ts` checks the three agree.
 */

/**
 * Every function that publishes to WebSocket topics (functions/shared/broadcaster) declares these together:
 * `connections` (Query the topic index, delete a connection's rows after a 410), `websocketManagement`
 * (PostToConnection/DeleteConnection on the stage's `@connections/*`), `broadcast` (shard size, post concurrency,
 * invoke on the fan-out worker).
 */
export const PUBLISHER_PARTS = ['connections', 'websocketManagement', 'broadcast'] as const;

/** The workflows whose Task states run a function (infra/workflows/definitions/<machine>.asl.json). */
export type WorkflowName = 'hold-expiry' | 'payment-saga' | 'admission-loop';

export type Trigger =
  /** A function of the route table: API Gateway REST routes `fn` to it. */
  | { kind: 'rest' }
  /** The REST API's REQUEST authorizer (user/admin routes). */
  | { kind: 'rest-authorizer' }
  /** The WebSocket API's `$connect` authorizer. */
  | { kind: 'websocket-authorizer' }
  /** The WebSocket API's `$connect`, `$disconnect`, `$default` and action routes. */
  | { kind: 'websocket' }
  /** Invoked asynchronously by other functions (the broadcaster's fan-out shards). */
  | { kind: 'async-invoke' }
  /** An EventBridge schedule on AWS; a timer in the local stack. */
  | { kind: 'schedule'; everyMinutes: number }
  /** The Task state of a workflow; `placeholder` is its `${…}` in the ASL file. */
  | { kind: 'task'; workflow: WorkflowName; placeholder: string }
  /** The CloudFormation custom resource that migrates the database on deploy. */
  | { kind: 'custom-resource' };

export interface FunctionSpec {
  /** Entry file, relative to the repository root. */
  entry: string;
  /** Exported handler of the entry. */
  handler: string;
  parts: readonly ConfigPartName[];
  trigger: Trigger;
  /** Name suffix: `tiketi-<stage>-<name>` (locally `tiketi-local-<name>`). */
  name: string;
  /** Lambda timeout, seconds (default: the stage's `lambda.timeoutSeconds`; the saga's tasks follow the provider's). */
  timeoutSeconds?: number;
}

export const MANIFEST = {
  /** Sign-up, sign-in, refresh, logout; logout closes the session's WebSockets (GSI2 + DeleteConnection). */
  auth: {
    entry: 'functions/auth/handler.ts',
    handler: 'handler',
    parts: ['database', 'redis', 'jwt', 'jwtSigning', 'authThrottle', 'connections', 'websocketManagement'],
    trigger: { kind: 'rest' },
    name: 'auth',
  },
  events: {
    entry: 'functions/events/handler.ts',
    handler: 'handler',
    parts: ['database', 'redis'],
    trigger: { kind: 'rest' },
    name: 'events',
  },
  /** /health (deep checks only with the health-check key) and the OpenAPI document. */
  platform: {
    entry: 'functions/platform/handler.ts',
    handler: 'handler',
    parts: ['database', 'redis', 'connections', 'healthCheck'],
    trigger: { kind: 'rest' },
    name: 'platform',
  },
  /** Seat map, holds: publishes seat changes, starts one hold-expiry execution per hold window. */
  seats: {
    entry: 'functions/seats/handler.ts',
    handler: 'handler',
    parts: ['database', 'redis', ...PUBLISHER_PARTS, 'holdExpiry', 'admission'],
    trigger: { kind: 'rest' },
    name: 'seats',
  },
  /** Publishes, starts the timer of a GA reservation, refunds through payments/public.ts on cancel. */
  reservations: {
    entry: 'functions/reservations/handler.ts',
    handler: 'handler',
    parts: ['database', 'redis', ...PUBLISHER_PARTS, 'holdExpiry', 'payments', 'admission'],
    trigger: { kind: 'rest' },
    name: 'reservations',
  },
  /** Prepare/confirm/status; confirm starts the payment saga (whose tasks publish, not this). */
  payments: {
    entry: 'functions/payments/handler.ts',
    handler: 'handler',
    parts: ['database', 'redis', 'paymentSaga', 'payments', 'admission'],
    trigger: { kind: 'rest' },
    name: 'payments',
  },
  /** The waiting room: settings (PostgreSQL), the room (Redis), admission tokens, starting the loop. */
  queue: {
    entry: 'functions/queue/handler.ts',
    handler: 'handler',
    parts: ['database', 'redis', 'admission', 'admissionLoop'],
    trigger: { kind: 'rest' },
    name: 'queue',
  },
  /** `redis`: the ended-session denylist, so the authorizers run in the VPC beside ElastiCache. */
  authorizer: {
    entry: 'functions/authorizer/handler.ts',
    handler: 'handler',
    parts: ['jwt', 'jwks', 'redis'],
    trigger: { kind: 'rest-authorizer' },
    name: 'authorizer',
  },
  wsAuthorizer: {
    entry: 'functions/authorizer/handler.ts',
    handler: 'wsHandler',
    parts: ['jwt', 'jwks', 'redis'],
    trigger: { kind: 'websocket-authorizer' },
    name: 'ws-authorizer',
  },
  /**
   * A publisher; PostgreSQL tells known events from unknown ones, Redis holds sessions and frame buckets. No
   * `jwt`/`jwks`: the `$connect` authorizer verifies the token and API Gateway hands its context to every route.
   */
  realtime: {
    entry: 'functions/realtime/handler.ts',
    handler: 'handler',
    parts: ['database', 'redis', ...PUBLISHER_PARTS],
    trigger: { kind: 'websocket' },
    name: 'realtime',
  },
  /** Posts one shard; `broadcast` gives it the post concurrency only (it is never handed its own name). */
  fanout: {
    entry: 'functions/realtime/fanout.ts',
    handler: 'handler',
    parts: PUBLISHER_PARTS,
    trigger: { kind: 'async-invoke' },
    name: 'fanout',
    timeoutSeconds: 60,
  },
  /** Deletes expired connection/subscription rows (plus dynamodb:Scan, granted apart). */
  sweep: {
    entry: 'functions/realtime/sweep.ts',
    handler: 'handler',
    parts: ['connections'],
    trigger: { kind: 'schedule', everyMinutes: 5 },
    name: 'sweep',
  },
  /** The hold-expiry workflow's task; publishes `seat-released`. */
  releaseHold: {
    entry: 'functions/seats/release-hold.ts',
    handler: 'handler',
    parts: ['database', 'redis', ...PUBLISHER_PARTS],
    trigger: { kind: 'task', workflow: 'hold-expiry', placeholder: 'ReleaseHoldFunctionArn' },
    name: 'release-hold',
  },
  /** Backstop for holds and reservations whose timer never started. */
  sweepExpired: {
    entry: 'functions/seats/sweep-expired.ts',
    handler: 'handler',
    parts: ['database', 'redis', ...PUBLISHER_PARTS],
    trigger: { kind: 'schedule', everyMinutes: 1 },
    name: 'sweep-expired-holds',
    timeoutSeconds: 60,
  },
  /** Every task of the payment saga (charge, confirm, void, refund, mark…). */
  paymentTasks: {
    entry: 'functions/payments/saga.ts',
    handler: 'handler',
    parts: ['database', 'redis', ...PUBLISHER_PARTS, 'payments'],
    trigger: { kind: 'task', workflow: 'payment-saga', placeholder: 'PaymentTasksFunctionArn' },
    name: 'payment-tasks',
  },
  /** Backstop for payments left in progress without a saga. */
  reconcilePayments: {
    entry: 'functions/payments/reconcile.ts',
    handler: 'handler',
    parts: ['database', 'paymentSaga'],
    trigger: { kind: 'schedule', everyMinutes: 5 },
    name: 'reconcile-payments',
    timeoutSeconds: 60,
  },
  /** The admission loop's task: signs tokens, publishes, releases ended sessions' holds, hands over. */
  admissionTick: {
    entry: 'functions/queue/admission-tick.ts',
    handler: 'handler',
    parts: ['database', 'redis', 'admission', 'admissionLoop', ...PUBLISHER_PARTS],
    trigger: { kind: 'task', workflow: 'admission-loop', placeholder: 'AdmissionTickFunctionArn' },
    name: 'admission-tick',
  },
  /** Connects to the instance, not the proxy; sets the role passwords from their secrets. */
  migrate: {
    entry: 'functions/db/migrate-handler.ts',
    handler: 'handler',
    parts: ['database', 'databaseRoles'],
    trigger: { kind: 'custom-resource' },
    name: 'migrate',
    timeoutSeconds: 600,
  },
} as const satisfies Record<string, FunctionSpec>;

export type ManifestName = keyof typeof MANIFEST;
export const MANIFEST_NAMES = Object.keys(MANIFEST) as ManifestName[];

/** The functions a trigger kind invokes, in manifest order. */
export function functionsTriggeredBy<K extends Trigger['kind']>(kind: K): ManifestName[] {
  return MANIFEST_NAMES.filter((n) => MANIFEST[n].trigger.kind === kind);
}
