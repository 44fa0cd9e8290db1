import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { migrate } from '../../functions/db/migrate';
import { applyRoles, DB_ROLES, type DbRole, dbRoleName, dbRoleOfEntry } from '../../functions/db/roles';
import { seed } from '../../functions/db/seed';
import { MANIFEST } from '../../functions/manifest';
import { closeClients } from '../../functions/shared/clients';
import { ensureConnectionsTable, startDynamo } from './dynamo';
import { applyEnv, CONNECTIONS_TABLE, handlerEnv } from './env';
import { StackError, withTimeout } from './errors';
import { scopeProcessEnv } from './function-env';
import { startGateway } from './gateway/server';
import { createWebApp, type WebMode } from './gateway/web';
import { loadOrCreateSigningKey } from './keys';
import { LambdaRuntime, REPO_ROOT } from './lambda';
import {
  FANOUT_FUNCTION,
  HOLD_SWEEP_FUNCTION,
  PAYMENT_RECONCILE_FUNCTION,
  SWEEP_FUNCTION,
  startLambdaApi,
} from './lambda-api';
import { assertPortFree, DEFAULT_PORTS, getFreePort, type ServiceName } from './ports';
import { startPostgres } from './postgres';
import { resolveRedisBinary, startRedis } from './redis';
import { StepFunctionsEmulator } from './stepfunctions/emulator';
import { LOCAL_STATE_MACHINES, registerStateMachines } from './stepfunctions/machines';
import { startSfnServer } from './stepfunctions/server';

/**
 * Starts the whole local stack in dependency order — signing key, PostgreSQL, Redis, dynalite, the Step
 * Functions emulator, the API gateway, migrations + seed, state machines, web app — and returns its
 * endpoints and a stop() that undoes exactly what was started, in reverse order. A failure part-way stops
 * what already runs before rethrowing.
 */

export interface StackOptions {
  dataDir: string;
  /** Gateway port; 0 = any free port. Default 3000. */
  port?: number;
  /** Internal services (PostgreSQL, Redis, dynalite, Step Functions) on free ports instead of the fixed ones. */
  ephemeralPorts?: boolean;
  webMode: WebMode;
  /** Wipe dataDir first. */
  reset?: boolean;
  /** No per-request log lines and no component chatter (tests). */
  quiet?: boolean;
  /** Run migrations and the seed (default true). */
  migrateAndSeed?: boolean;
  /** Persist Redis, DynamoDB and executions in dataDir (default: !ephemeralPorts). */
  persistent?: boolean;
  /** WebSocket idle timeout override (AWS: 10 min). */
  wsIdleTimeoutMs?: number;
  /** How often the stale-connection sweep runs (default 60 s; 0 = never, tests invoke it themselves). */
  sweepIntervalMs?: number;
  /** How often the overdue-hold sweep runs (default 60 s, as scheduled on AWS; 0 = never). */
  holdSweepIntervalMs?: number;
  /** How often stuck payments are reconciled (default 5 min, as scheduled on AWS; 0 = never). */
  paymentReconcileIntervalMs?: number;
  /** Extra PostgreSQL server settings (e.g. benchmarks loading pg_stat_statements). */
  postgresSettings?: Record<string, string>;
  /**
   * PostgreSQL and Redis already running elsewhere (bench:onsale --faults owns them, to kill and restart them
   * under a running stack): neither is started nor stopped here.
   */
  external?: { databaseUrl: string; redisUrl: string };
  /** Aborting stops the startup between steps (what already runs is stopped, then it rejects). */
  signal?: AbortSignal;
  /** Progress: called after each step with its duration. */
  onStep?: (step: string, ms: number, detail?: string) => void;
  /** Things the developer should know (missing handlers, permissions changed…). */
  onNote?: (note: string) => void;
  /** Handler errors (never shown to clients). Default: console.error. */
  onError?: (where: string, requestId: string, error: unknown) => void;
}

export interface LocalStack {
  url: string;
  apiUrl: string;
  wsUrl: string;
  managementEndpoint: string;
  sfnEndpoint: string;
  /** The Lambda Invoke API (fan-out workers, sweep). */
  lambdaEndpoint: string;
  dynamoEndpoint: string;
  /** The master user's URL (migrations, seed, tests' fixtures); handlers connect as their context's role. */
  databaseUrl: string;
  /** Each function role's URL (functions/db/roles.ts); passwords generated at every start. */
  roleUrls: Record<DbRole, string>;
  redisUrl: string;
  ports: {
    gateway: number;
    postgres: number;
    redis: number;
    dynamodb: number;
    stepfunctions: number;
    lambda: number;
  };
  /**
   * The handler environment, for code run outside the stack (tests calling a use case in-process), plus
   * DATABASE_URL as the master user: handlers themselves get their own context's role instead.
   */
  env: Record<string, string>;
  admin?: { email: string; password: string };
  webMode: WebMode;
  dataDir: string;
  emulator: StepFunctionsEmulator;
  stop(): Promise<void>;
}

type Stopper = { name: string; stop: () => Promise<void> };

/** What a stack keeps in its data directory (and `reset` deletes). */
export const OWNED_ENTRIES = [
  'pg',
  'redis',
  'dynamodb',
  'stepfunctions',
  'logs',
  'jwt-key.json',
  'admin-password',
];

function defaultOnError(where: string, requestId: string, error: unknown): void {
  const id = requestId ? ` ${requestId}` : '';
  console.error(`[${where}]${id}`, error instanceof Error ? (error.stack ?? error.message) : error);
}

async function timed<T>(
  step: string,
  options: StackOptions,
  work: () => Promise<T>,
  detail?: (t: T) => string,
) {
  if (options.signal?.aborted) throw new StackError('Startup interrupted.');
  const started = performance.now();
  const result = await work();
  options.onStep?.(step, Math.round(performance.now() - started), detail?.(result));
  return result;
}

export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir);
  const persistent = options.persistent ?? !options.ephemeralPorts;
  const quiet = options.quiet ?? false;
  const note = options.onNote ?? (() => {});
  const onError = options.onError ?? defaultOnError;
  const logs = join(dataDir, 'logs');
  const stoppers: Stopper[] = [];
  // The SDK's "Node 20 support ends in 2027" notice would print on every start; the engines field covers it.
  const restoreQuiet = applyEnv({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  let restoreEnv: (() => void) | undefined;
  // Each handler reads its own variables (its database role) through process.env: see function-env.ts.
  const unscopeEnv = scopeProcessEnv();

  const stopAll = async () => {
    const failures: string[] = [];
    const releaseGuard = guardShutdownNoise();
    for (const { name, stop } of stoppers.splice(0).reverse()) {
      try {
        await withTimeout(stop(), 30_000, `${name} did not stop within 30 s`);
      } catch (error) {
        failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    restoreEnv?.();
    restoreEnv = undefined;
    restoreQuiet();
    unscopeEnv();
    releaseGuard();
    if (failures.length) console.error(`Local stack stopped with problems:\n  ${failures.join('\n  ')}`);
  };

  try {
    // Missing prerequisites fail before anything starts.
    await resolveRedisBinary();
    if (!options.ephemeralPorts) {
      // Fail before touching anything when another stack (or anything else) holds one of our ports.
      const wanted = { ...DEFAULT_PORTS, gateway: options.port ?? DEFAULT_PORTS.gateway };
      for (const [service, port] of Object.entries(wanted) as [ServiceName, number][]) {
        if (port !== 0) await assertPortFree(service, port);
      }
    }
    await timed('data directory', options, async () => {
      if (options.reset) {
        // Only what this stack owns: test runs keep their own `test-<pid>` stacks under the same directory.
        await Promise.all(OWNED_ENTRIES.map((e) => rm(join(dataDir, e), { recursive: true, force: true })));
      }
      await mkdir(logs, { recursive: true });
      // PostgreSQL runs as its own user (as root): it must be able to pass through dataDir.
      await chmod(dataDir, 0o755);
    });
    const key = await timed(
      'signing key',
      options,
      () => loadOrCreateSigningKey(join(dataDir, 'jwt-key.json')),
      (k) => (k.created ? `new RS256 key ${k.kid}` : `RS256 key ${k.kid}`),
    );

    const fixed = !options.ephemeralPorts;
    const pgPort = fixed ? DEFAULT_PORTS.postgres : await getFreePort();
    const postgres = options.external
      ? externalService(options.external.databaseUrl)
      : await timed(
          'PostgreSQL',
          options,
          () =>
            startPostgres({
              dir: join(dataDir, 'pg'),
              port: pgPort,
              ephemeral: !persistent,
              settings: options.postgresSettings,
              logFile: join(logs, 'postgres.log'),
              note,
            }),
          (p) => `port ${p.port}`,
        );
    if (!options.external) stoppers.push({ name: 'PostgreSQL', stop: () => postgres.stop() });

    const redisPort = fixed ? DEFAULT_PORTS.redis : await getFreePort();
    const redis = options.external
      ? externalService(options.external.redisUrl)
      : await timed(
          'Redis',
          options,
          () =>
            startRedis({
              port: redisPort,
              dir: persistent ? join(dataDir, 'redis') : undefined,
              logFile: join(logs, 'redis.log'),
            }),
          (r) => `port ${r.port}${r.version ? `, redis ${r.version}` : ''}`,
        );
    if (!options.external) stoppers.push({ name: 'Redis', stop: () => redis.stop() });

    const runtime = new LambdaRuntime();
    // Handlers' pools and Redis clients close after the gateway and the executor have stopped calling
    // handlers, and before the servers they talk to go away (stop order is the reverse of this list).
    stoppers.push({ name: 'handler clients', stop: () => closeHandlerClients() });

    const dynamo = await timed(
      'DynamoDB (dynalite)',
      options,
      async () => {
        const running = await startDynamo({
          port: fixed ? DEFAULT_PORTS.dynamodb : 0,
          path: persistent ? join(dataDir, 'dynamodb') : undefined,
        });
        stoppers.push({ name: 'dynalite', stop: () => running.stop() });
        await ensureConnectionsTable(running.endpoint, CONNECTIONS_TABLE);
        return running;
      },
      (d) => `${d.endpoint}, table ${CONNECTIONS_TABLE}`,
    );

    const emulator = new StepFunctionsEmulator({
      persistFile: persistent ? join(dataDir, 'stepfunctions', 'executions.json') : undefined,
      onFailure: (e) =>
        onError(
          'stepfunctions',
          e.name,
          new Error(`${e.executionArn} ${e.status}: ${e.error} ${e.cause ?? ''}`),
        ),
    });
    const sfn = await timed(
      'Step Functions emulator',
      options,
      () => startSfnServer(emulator, fixed ? DEFAULT_PORTS.stepfunctions : 0),
      (s) => s.endpoint,
    );
    stoppers.push({ name: 'Step Functions emulator', stop: () => sfn.stop() });

    const gateway = await timed(
      'API gateway',
      options,
      () =>
        startGateway({
          port: options.port ?? DEFAULT_PORTS.gateway,
          runtime,
          quiet,
          idleTimeoutMs: options.wsIdleTimeoutMs,
          onError,
        }),
      (g) => g.url,
    );
    stoppers.push({ name: 'API gateway', stop: () => gateway.stop() });

    // Stopped before the gateway: running fan-out shards still post through its @connections API.
    const lambdaApi = await timed(
      'Lambda Invoke API',
      options,
      () =>
        startLambdaApi({
          runtime,
          functions: [
            FANOUT_FUNCTION,
            SWEEP_FUNCTION,
            HOLD_SWEEP_FUNCTION,
            PAYMENT_RECONCILE_FUNCTION,
            ...LOCAL_STATE_MACHINES.flatMap((m) => Object.values(m.tasks)),
          ],
          port: fixed ? DEFAULT_PORTS.lambda : 0,
          onError,
        }),
      (l) => l.endpoint,
    );
    stoppers.push({ name: 'Lambda Invoke API', stop: () => lambdaApi.stop() });

    const managementEndpoint = `${gateway.url}/ws`;
    const env = handlerEnv({
      redisUrl: redis.url,
      dynamoEndpoint: dynamo.endpoint,
      sfnEndpoint: sfn.endpoint,
      managementEndpoint,
      lambdaEndpoint: lambdaApi.endpoint,
      key,
      dataDir,
      logLevel: process.env.LOG_LEVEL ?? (quiet ? 'WARN' : 'INFO'),
    });
    // Before any handler is imported: handlers read their configuration once, at cold start.
    restoreEnv = applyEnv(env);

    // Fresh passwords at every start (never written anywhere): a role's URL lives as long as this stack.
    const passwords = Object.fromEntries(
      DB_ROLES.map((role) => [role, randomBytes(24).toString('base64url')]),
    ) as Record<DbRole, string>;
    const roleUrls = Object.fromEntries(
      DB_ROLES.map((role) => [role, roleUrl(postgres.url, role, passwords[role])]),
    ) as Record<DbRole, string>;
    // A function of a context without a role (authorizer, fan-out, sweep) gets no database at all.
    runtime.setFunctionEnv((fn): Record<string, string> => {
      const role = dbRoleOfEntry(fn.module);
      return role && role !== 'migrations' ? { DATABASE_URL: roleUrls[role] } : {};
    });

    let admin: LocalStack['admin'];
    if (options.migrateAndSeed ?? true) {
      await timed(
        'migrations',
        options,
        () => runMigrations(postgres.url, passwords),
        (n) => n,
      );
      admin = await timed(
        'seed',
        options,
        () => runSeed(postgres.url, dataDir),
        (a) => (a ? a.email : 'skipped'),
      );
    } else {
      await timed('database roles', options, () => setRolePasswords(postgres.url, passwords));
    }

    await timed(
      'state machines',
      options,
      async () => {
        const { registered, problems } = await registerStateMachines(emulator, runtime);
        for (const p of problems) note(`Step Functions: ${p}`);
        const resumed = emulator.resume();
        return `${registered.join(', ') || 'none'}${resumed ? ` (${resumed} execution(s) resumed)` : ''}`;
      },
      (d) => d,
    );

    const web = await timed(
      'web app',
      options,
      () => createWebApp(options.webMode, gateway.server, quiet),
      (w) => (w.mode === 'dev' ? 'Vite dev middleware' : w.mode === 'static' ? 'web/dist' : 'not served'),
    );
    if (web.note) note(`Web app: ${web.note}; serving web/dist instead (run npm run build:web)`);
    gateway.setWeb(web);

    for (const module of missingHandlers()) note(`Handler ${module} does not exist yet`);
    gateway.setReady();

    // Scheduled functions (EventBridge rules on AWS) run on timers, one run at a time each.
    const schedules = [
      // DynamoDB TTL's stand-in: dynalite never expires rows, so the stack runs the sweep Lambda on a timer.
      { fn: SWEEP_FUNCTION, name: 'sweep', every: options.sweepIntervalMs ?? 60_000 },
      // The backstop of the hold-expiry workflow: holds whose timer never started.
      { fn: HOLD_SWEEP_FUNCTION, name: 'hold sweep', every: options.holdSweepIntervalMs ?? 60_000 },
      // The backstop of payments.confirm: payments left in progress without a saga.
      {
        fn: PAYMENT_RECONCILE_FUNCTION,
        name: 'payment reconcile',
        every: options.paymentReconcileIntervalMs ?? 300_000,
      },
    ];
    for (const { fn, name, every } of schedules) {
      if (every <= 0 || !runtime.exists(fn)) continue;
      let running: Promise<unknown> | undefined;
      const timer = setInterval(() => {
        running ??= runtime
          .invoke(fn, {})
          .catch((error: unknown) => onError(name, '', error))
          .finally(() => {
            running = undefined;
          });
      }, every);
      timer.unref();
      stoppers.push({
        name: `${name} timer`,
        stop: async () => {
          clearInterval(timer);
          await running;
        },
      });
    }

    return {
      url: gateway.url,
      apiUrl: `${gateway.url}/api/v1`,
      wsUrl: `ws://127.0.0.1:${gateway.port}/ws`,
      managementEndpoint,
      sfnEndpoint: sfn.endpoint,
      lambdaEndpoint: lambdaApi.endpoint,
      dynamoEndpoint: dynamo.endpoint,
      databaseUrl: postgres.url,
      roleUrls,
      redisUrl: redis.url,
      ports: {
        gateway: gateway.port,
        postgres: postgres.port,
        redis: redis.port,
        dynamodb: dynamo.port,
        stepfunctions: sfn.port,
        lambda: lambdaApi.port,
      },
      env: { ...env, DATABASE_URL: postgres.url },
      admin,
      webMode: web.mode,
      dataDir,
      emulator,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A server this stack does not own (StackOptions.external): its URL and port, nothing to stop. */
function externalService(url: string) {
  return { url, port: Number(new URL(url).port), version: '', stop: async () => {} };
}

async function runMigrations(databaseUrl: string, passwords: Record<DbRole, string>): Promise<string> {
  // node-pg-migrate's per-statement chatter is noise here; the step line reports the count.
  const applied = await migrate({ databaseUrl, log: () => {}, roles: { passwords } });
  return applied.length ? `${applied.length} applied` : 'up to date';
}

/** Without migrations (an existing schema): the roles still need this start's passwords. */
async function setRolePasswords(databaseUrl: string, passwords: Record<DbRole, string>): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await applyRoles(client, { passwords });
  } finally {
    await client.end();
  }
}

function roleUrl(masterUrl: string, role: DbRole, password: string): string {
  const url = new URL(masterUrl);
  url.username = dbRoleName(role);
  url.password = password;
  return url.toString();
}

async function runSeed(databaseUrl: string, dataDir: string): Promise<LocalStack['admin']> {
  const result = await seed({ databaseUrl, dataDir });
  return { email: result.adminEmail, password: result.adminPassword };
}

/**
 * Handlers keep pg pools and Redis clients for the life of their "container". Before PostgreSQL and Redis
 * stop they are closed through `closeClients()`, so shutdown is not a burst of connection errors.
 */
async function closeHandlerClients(): Promise<void> {
  // The same module instance the handlers use: the runtime imports them by file URL, as this import resolves.
  await withTimeout(closeClients(), 5000, 'client close timed out').catch(() => {});
}

function missingHandlers(): string[] {
  const entries = Object.values(MANIFEST).map((spec) => spec.entry);
  return [...new Set(entries)].filter((entry) => !existsSync(join(REPO_ROOT, entry)));
}

const SHUTDOWN_NOISE = new Set(['57P01', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE']);

/**
 * While the stack stops, a handler's pg Pool without an 'error' listener turns PostgreSQL's "terminating
 * connection due to administrator command" into an uncaught exception that would kill this process (and,
 * under vitest, the test run). Those expected disconnects are swallowed for the shutdown (plus a grace
 * period); anything else is still reported and fails the exit code.
 */
function guardShutdownNoise(graceMs = 3000): () => void {
  const guard = (error: Error & { code?: string }) => {
    if (SHUTDOWN_NOISE.has(error.code ?? '') || /Connection terminated/i.test(error.message)) return;
    console.error('Uncaught exception while stopping the local stack:', error);
    process.exitCode = 1;
  };
  process.on('uncaughtException', guard);
  return () => {
    setTimeout(() => process.off('uncaughtException', guard), graceMs).unref();
  };
}
