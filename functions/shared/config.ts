import { z } from 'zod';

/**
 * Runtime configuration, read once per cold start. Every function declares the parts it needs; a missing
 * or malformed variable fails the cold start with one error that lists all of them.
 *
 * Locally the same variables point at the local stack (DATABASE_URL, REDIS_URL, JWT_PRIVATE_KEY, JWKS_JSON,
 * AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SFN…); on AWS they name Secrets Manager secrets and SSM
 * parameters that CDK grants access to. Only endpoints change, never code.
 */

const nonEmpty = z.string().trim().min(1);

export const configParts = {
  base: z
    .object({
      STAGE: nonEmpty.default('local'),
      AWS_REGION: nonEmpty.default('ap-northeast-2'),
      LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
      SERVICE_VERSION: nonEmpty.default('0.1.0'),
      /**
       * Test-only switches (e.g. the seat-guard bypass the race test uses to show a double sale). Set by the
       * integration tests' local stack only; any other stage refuses to start with it.
       */
      TIKETI_TEST_SWITCHES: z.enum(['0', '1']).optional(),
    })
    .refine((c) => c.TIKETI_TEST_SWITCHES !== '1' || c.STAGE === 'local', {
      message: 'test switches are allowed only when STAGE is local',
      path: ['TIKETI_TEST_SWITCHES'],
    }),
  /** PostgreSQL: DATABASE_URL (local) or RDS Proxy endpoint + Secrets Manager credentials (AWS). */
  database: z
    .object({
      DATABASE_URL: nonEmpty.optional(),
      DB_HOST: nonEmpty.optional(),
      DB_PORT: z.coerce.number().int().positive().default(5432),
      DB_NAME: nonEmpty.default('tiketi'),
      DB_SECRET_ARN: nonEmpty.optional(),
      DB_POOL_MAX: z.coerce.number().int().positive().default(5),
    })
    .refine((c) => c.DATABASE_URL || (c.DB_HOST && c.DB_SECRET_ARN), {
      message: 'set DATABASE_URL, or DB_HOST and DB_SECRET_ARN',
      path: ['DATABASE_URL'],
    }),
  /**
   * The migration function only: each function role's Secrets Manager secret `{ username, password }`, as JSON
   * `{ "<role>": "<secret ARN>" }` (functions/db/roles.ts), so migrations create the roles with those passwords.
   */
  databaseRoles: z.object({
    DB_ROLE_SECRET_ARNS: z.string().transform((text, ctx) => {
      try {
        return z.record(z.string(), nonEmpty).parse(JSON.parse(text));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of role → secret ARN' });
        return z.NEVER;
      }
    }),
  }),
  /** Redis: REDIS_URL (local) or ElastiCache endpoint with TLS and an AUTH token secret (AWS). */
  redis: z
    .object({
      REDIS_URL: nonEmpty.optional(),
      REDIS_HOST: nonEmpty.optional(),
      REDIS_PORT: z.coerce.number().int().positive().default(6379),
      REDIS_AUTH_SECRET_ARN: nonEmpty.optional(),
    })
    .refine((c) => c.REDIS_URL || c.REDIS_HOST, {
      message: 'set REDIS_URL, or REDIS_HOST (with REDIS_AUTH_SECRET_ARN on AWS)',
      path: ['REDIS_URL'],
    }),
  /** Access-token claims every issuer and verifier agree on. */
  jwt: z.object({
    JWT_ISSUER: nonEmpty,
    JWT_AUDIENCE: nonEmpty.default('tiketi-api'),
  }),
  /** Signing key (auth only): a PEM + key id locally, a Secrets Manager secret `{ privateKeyPem, kid }` on AWS. */
  jwtSigning: z
    .object({
      JWT_PRIVATE_KEY: nonEmpty.optional(),
      JWT_KEY_ID: nonEmpty.optional(),
      JWT_KEY_SECRET_ARN: nonEmpty.optional(),
    })
    .refine((c) => (c.JWT_PRIVATE_KEY && c.JWT_KEY_ID) || c.JWT_KEY_SECRET_ARN, {
      message: 'set JWT_PRIVATE_KEY and JWT_KEY_ID, or JWT_KEY_SECRET_ARN',
      path: ['JWT_KEY_SECRET_ARN'],
    }),
  /** Verification keys (authorizer, realtime): a JWKS document locally, an SSM parameter holding it on AWS. */
  jwks: z
    .object({ JWKS_JSON: nonEmpty.optional(), JWKS_PARAMETER_NAME: nonEmpty.optional() })
    .refine((c) => c.JWKS_JSON || c.JWKS_PARAMETER_NAME, {
      message: 'set JWKS_JSON or JWKS_PARAMETER_NAME',
      path: ['JWKS_PARAMETER_NAME'],
    }),
  /**
   * Per-client-IP budgets for sign-in and sign-up (Redis). Generous enough for a carrier NAT's crowd at an
   * on-sale, small enough to stop one address trying thousands of accounts; the WAF's rate rule is the coarse
   * guard in front. AUTH_THROTTLE_EXEMPT_IPS (comma-separated) is for addresses such as synthetic monitors.
   */
  authThrottle: z.object({
    LOGIN_IP_LIMIT: z.coerce.number().int().positive().default(30),
    LOGIN_IP_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
    REGISTER_IP_LIMIT: z.coerce.number().int().positive().default(10),
    REGISTER_IP_WINDOW_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(60 * 60),
    AUTH_THROTTLE_EXEMPT_IPS: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((ip) => ip.trim())
          .filter(Boolean),
      ),
  }),
  connections: z.object({
    CONNECTIONS_TABLE: nonEmpty,
    /** Seconds a connection row lives without activity before the sweep and TTL remove it. */
    CONNECTION_TTL_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(2 * 60 * 60),
  }),
  websocketManagement: z.object({ WS_MANAGEMENT_ENDPOINT: nonEmpty }),
  /**
   * Broadcast fan-out: audiences above FANOUT_SHARD_SIZE are split into shards posted by parallel workers
   * (asynchronous invocations of FANOUT_FUNCTION_NAME); without a worker name the publisher posts them itself.
   */
  broadcast: z.object({
    FANOUT_FUNCTION_NAME: nonEmpty.optional(),
    FANOUT_SHARD_SIZE: z.coerce.number().int().positive().default(1_000),
    FANOUT_CONCURRENCY: z.coerce.number().int().positive().max(1_000).default(64),
  }),
  holdExpiry: z.object({
    HOLD_EXPIRY_STATE_MACHINE_ARN: nonEmpty,
    /** Seconds a new reservation waits for payment before it expires and its seats return to sale. */
    RESERVATION_PAYMENT_SECONDS: z.coerce.number().int().positive().max(86_400).default(600),
  }),
  /**
   * Waiting-room admission tokens (HMAC): the secret itself locally, a Secrets Manager secret `{ "secret": "..." }`
   * on AWS. Every function that signs (queue) or checks (seats, reservations, payments) tokens reads it.
   */
  admission: z
    .object({
      ADMISSION_TOKEN_SECRET: z.string().min(32).optional(),
      ADMISSION_TOKEN_SECRET_ARN: nonEmpty.optional(),
    })
    .refine((c) => c.ADMISSION_TOKEN_SECRET || c.ADMISSION_TOKEN_SECRET_ARN, {
      message: 'set ADMISSION_TOKEN_SECRET (32+ characters) or ADMISSION_TOKEN_SECRET_ARN',
      path: ['ADMISSION_TOKEN_SECRET_ARN'],
    }),
  /**
   * The waiting room's loop (the queue function starts it, its tick task runs it): the admission state machine,
   * the tick period, and how long a waiting user may stay silent (no status call) before losing the place.
   */
  admissionLoop: z.object({
    ADMISSION_LOOP_STATE_MACHINE_ARN: nonEmpty,
    QUEUE_TICK_SECONDS: z.coerce.number().int().positive().max(60).default(1),
    QUEUE_GRACE_SECONDS: z.coerce.number().int().positive().max(3_600).default(60),
  }),
  /**
   * The deep `/health` check's key (header x-tiketi-health-key): the key itself locally, a Secrets Manager secret
   * `{ "key": "..." }` on AWS. Without the header `/health` answers without touching any dependency.
   */
  healthCheck: z
    .object({
      HEALTH_CHECK_KEY: z.string().min(32).optional(),
      HEALTH_CHECK_SECRET_ARN: nonEmpty.optional(),
    })
    .refine((c) => c.HEALTH_CHECK_KEY || c.HEALTH_CHECK_SECRET_ARN, {
      message: 'set HEALTH_CHECK_KEY (32+ characters) or HEALTH_CHECK_SECRET_ARN',
      path: ['HEALTH_CHECK_SECRET_ARN'],
    }),
  /** The payment saga the payments function starts on confirm (execution name = payment id). */
  paymentSaga: z.object({
    PAYMENT_SAGA_STATE_MACHINE_ARN: nonEmpty,
    /** Age after which the reconciler looks at a payment still in progress (fault benches shorten it). */
    PAYMENT_RECONCILE_AFTER_SECONDS: z.coerce.number().int().positive().max(86_400).default(300),
  }),
  /**
   * Payment provider: the built-in sandbox (test cards, default; its charges live in PostgreSQL) or Toss
   * Payments (secret key from Secrets Manager `{ "secretKey": "..." }` on AWS, TOSS_SECRET_KEY locally; the
   * client key is public and goes to the browser). Provider calls are bounded by PROVIDER_TIMEOUT_MS and
   * guarded by a per-instance circuit breaker.
   */
  payments: z
    .object({
      PAYMENT_PROVIDER: z.enum(['sandbox', 'toss']).default('sandbox'),
      TOSS_API_URL: z.url().default('https://api.tosspayments.com'),
      TOSS_SECRET_ARN: nonEmpty.optional(),
      TOSS_SECRET_KEY: nonEmpty.optional(),
      TOSS_CLIENT_KEY: nonEmpty.optional(),
      /** Client-side timeout of one provider call; the saga task's Lambda timeout must exceed it. */
      PROVIDER_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(15_000),
      /** Consecutive transient provider failures that open the breaker, and how long it stays open. */
      PROVIDER_BREAKER_FAILURES: z.coerce.number().int().positive().default(5),
      PROVIDER_BREAKER_COOLDOWN_MS: z.coerce.number().int().positive().default(30_000),
      /** Sandbox: how long the timeout card keeps the caller waiting, and the approve-after-delay card's delay. */
      SANDBOX_TIMEOUT_MS: z.coerce.number().int().nonnegative().max(60_000).default(2_000),
      SANDBOX_APPROVE_DELAY_MS: z.coerce.number().int().nonnegative().max(60_000).default(3_000),
    })
    .refine((c) => c.PAYMENT_PROVIDER !== 'toss' || c.TOSS_SECRET_ARN || c.TOSS_SECRET_KEY, {
      message: 'PAYMENT_PROVIDER=toss needs TOSS_SECRET_ARN (or TOSS_SECRET_KEY locally)',
      path: ['TOSS_SECRET_ARN'],
    })
    .refine((c) => c.PAYMENT_PROVIDER !== 'toss' || c.TOSS_CLIENT_KEY, {
      message: 'PAYMENT_PROVIDER=toss needs TOSS_CLIENT_KEY',
      path: ['TOSS_CLIENT_KEY'],
    }),
} as const;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Parts = typeof configParts;
type PartName = keyof Parts;
type Merge<T extends readonly PartName[]> = z.infer<Parts['base']> &
  UnionToIntersection<z.infer<Parts[T[number]]>>;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

/** Parses the named parts from `env`; throws one ConfigError naming every missing or invalid variable. */
export function loadConfig<const T extends readonly PartName[]>(
  parts: T,
  env: Record<string, string | undefined> = process.env,
): Merge<T> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const name of ['base', ...parts] as PartName[]) {
    const result = configParts[name].safeParse(env);
    if (result.success) Object.assign(out, result.data);
    else
      for (const issue of result.error.issues)
        problems.push(`${issue.path.join('.') || name}: ${issue.message}`);
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return out as Merge<T>;
}

/** The name of a config part (what a function declares in functions/manifest.ts). */
export type ConfigPartName = Exclude<PartName, 'base'>;
