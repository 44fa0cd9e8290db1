import { createHash } from 'node:crypto';
import { LOCAL_AWS } from './dynamo';
import type { SigningKey } from './keys';
import { FANOUT_FUNCTION } from './lambda-api';
import { LOCAL_STATE_MACHINES, localMachineArn } from './stepfunctions/machines';

/**
 * The environment every local Lambda handler sees: the same variables as on AWS (functions/shared/config.ts),
 * pointing at the local components. SDK v3 reads the service-specific `AWS_ENDPOINT_URL_<SERVICE>` variables
 * natively, so handler code never mentions an endpoint.
 */

export const CONNECTIONS_TABLE = 'tiketi-local-connections';
export const JWT_ISSUER = 'tiketi-local';
export const JWT_AUDIENCE = 'tiketi-api';

export interface HandlerEnvInput {
  redisUrl: string;
  dynamoEndpoint: string;
  sfnEndpoint: string;
  managementEndpoint: string;
  /** The local Lambda Invoke API (fan-out workers); omitted = publishers post every shard themselves. */
  lambdaEndpoint?: string;
  key: SigningKey;
  dataDir: string;
  logLevel: string;
}

export function handlerEnv(input: HandlerEnvInput): Record<string, string> {
  const machines = Object.fromEntries(LOCAL_STATE_MACHINES.map((m) => [m.envVar, localMachineArn(m.name)]));
  return {
    STAGE: 'local',
    LOG_LEVEL: input.logLevel,
    AWS_REGION: LOCAL_AWS.region,
    AWS_DEFAULT_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    // No DATABASE_URL here: each function gets its own context's role (function-env.ts), as on AWS.
    // Every local "Lambda" of a context shares this process and so one pool, which stands for the pools of many
    // instances on AWS (5 each); 5 here would queue a crowd behind five connections no deployment has.
    DB_POOL_MAX: '24',
    REDIS_URL: input.redisUrl,
    CONNECTIONS_TABLE,
    AWS_ENDPOINT_URL_DYNAMODB: input.dynamoEndpoint,
    AWS_ENDPOINT_URL_SFN: input.sfnEndpoint,
    WS_MANAGEMENT_ENDPOINT: input.managementEndpoint,
    // Large audiences are sharded to the fan-out worker through the local Invoke API, as on AWS.
    ...(input.lambdaEndpoint
      ? { AWS_ENDPOINT_URL_LAMBDA: input.lambdaEndpoint, FANOUT_FUNCTION_NAME: FANOUT_FUNCTION.name }
      : {}),
    ...machines,
    JWT_PRIVATE_KEY: input.key.privateKeyPem,
    JWT_KEY_ID: input.key.kid,
    JWKS_JSON: JSON.stringify(input.key.jwks),
    JWT_ISSUER,
    JWT_AUDIENCE,
    // The admission tokens' HMAC secret, derived from this data directory's signing key (never in the repo).
    ADMISSION_TOKEN_SECRET: createHash('sha256').update(`admission:${input.key.privateKeyPem}`).digest('hex'),
    // The deep /health check's key, derived the same way (send it as x-tiketi-health-key).
    HEALTH_CHECK_KEY: createHash('sha256').update(`health:${input.key.privateKeyPem}`).digest('hex'),
    LOCAL_DATA_DIR: input.dataDir,
  };
}

/** Sets `env` on process.env and returns a function that restores what was there before. */
export function applyEnv(env: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return () => {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
