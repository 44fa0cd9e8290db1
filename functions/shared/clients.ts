import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Redis } from 'ioredis';
import pg from 'pg';
import { type configParts, loadConfig } from './config';
import { once } from './once';

/**
 * Every client is created once per cold start, here and nowhere else. Async because on AWS the credentials
 * come from Secrets Manager; the promise is cached so concurrent first calls share one connection setup.
 * Locally the SDK clients reach the local stack through AWS_ENDPOINT_URL_<SERVICE> variables.
 */

type Z<T extends keyof typeof configParts> = import('zod').infer<(typeof configParts)[T]>;

let secrets: SecretsManagerClient | undefined;
export async function readSecretJson<T>(arn: string): Promise<T> {
  secrets ??= new SecretsManagerClient({});
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString) throw new Error(`Secret ${arn} has no string value`);
  return JSON.parse(out.SecretString) as T;
}

let ssm: SSMClient | undefined;
export async function readParameter(name: string): Promise<string> {
  ssm ??= new SSMClient({});
  const out = await ssm.send(new GetParameterCommand({ Name: name }));
  if (!out.Parameter?.Value) throw new Error(`Parameter ${name} is empty`);
  return out.Parameter.Value;
}

pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

/** Connection settings: DATABASE_URL locally; on AWS the RDS Proxy endpoint with the secret's credentials, over TLS. */
export async function databaseClientConfig(c: Z<'database'>): Promise<pg.ClientConfig> {
  if (c.DATABASE_URL) return { connectionString: c.DATABASE_URL };
  const secret = await readSecretJson<{ username: string; password: string }>(c.DB_SECRET_ARN!);
  return {
    host: c.DB_HOST,
    port: c.DB_PORT,
    database: c.DB_NAME,
    user: secret.username,
    password: secret.password,
    ssl: { rejectUnauthorized: true },
  };
}

export async function createPool(c: Z<'database'>): Promise<pg.Pool> {
  const pool = new pg.Pool({
    ...(await databaseClientConfig(c)),
    max: c.DB_POOL_MAX,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 10_000,
  });
  // An idle client dropped by the server (RDS Proxy idle timeout, failover) must not crash the process;
  // the pool replaces it on the next checkout.
  pool.on('error', () => {});
  // The same for a client that is checked out when the server ends its connection (restart, failover) between
  // two queries: pg emits 'error' on it outside any query, which unheard kills the process. Its next query fails
  // instead (answered 503) and the pool discards it on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

export async function createRedis(c: Z<'redis'>): Promise<Redis> {
  const common = {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 3_000,
    lazyConnect: false,
  };
  if (c.REDIS_URL) return new Redis(c.REDIS_URL, common);
  const auth = c.REDIS_AUTH_SECRET_ARN
    ? await readSecretJson<{ authToken: string }>(c.REDIS_AUTH_SECRET_ARN)
    : undefined;
  return new Redis({ ...common, host: c.REDIS_HOST, port: c.REDIS_PORT, password: auth?.authToken, tls: {} });
}

/**
 * One pool per database identity (URL, or secret on AWS). On AWS that is one pool per execution environment,
 * since each function has one role; the local stack runs every context in one process, each with its own role
 * (functions/db/roles.ts), and a pool made for one context must never serve another.
 */
const pools = new Map<string, Promise<pg.Pool>>();
let redis: Promise<Redis> | undefined;
export function getPool(): Promise<pg.Pool> {
  const config = loadConfig(['database']);
  const key =
    config.DATABASE_URL ?? `${config.DB_HOST}:${config.DB_PORT}/${config.DB_NAME}#${config.DB_SECRET_ARN}`;
  let pending = pools.get(key);
  if (!pending) {
    pending = createPool(config);
    pools.set(key, pending);
    // A failed creation (secret read) is forgotten, so the next invocation may recover.
    pending.catch(() => pools.delete(key));
  }
  return pending;
}
export const getRedis = once(() => (redis = createRedis(loadConfig(['redis']))));

/** Ends the pools and the Redis connection (local stack shutdown, tests); Lambda never needs it. */
export async function closeClients(): Promise<void> {
  const [r, ...ps] = await Promise.allSettled([redis, ...pools.values()]);
  pools.clear();
  redis = undefined;
  await Promise.allSettled([
    ...ps.map((p) => (p.status === 'fulfilled' ? p.value.end() : undefined)),
    r?.status === 'fulfilled' && r.value ? r.value.quit() : undefined,
  ]);
}
export const getDynamo = once(async () =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
);
export const getSfn = once(async () => new SFNClient({}));
