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
  base: z.object({
    STAGE: nonEmpty.default('local'),
    AWS_REGION: nonEmpty.default('ap-northeast-2'),
    LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    SERVICE_VERSION: nonEmpty.default('0.1.0'),
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
  holdExpiry: z.object({ HOLD_EXPIRY_STATE_MACHINE_ARN: nonEmpty }),
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
