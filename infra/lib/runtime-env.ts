import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { DB_ROLES, type DbRole, dbRoleOfEntry } from '../../functions/db/roles';
import type { configParts } from '../../functions/shared/config';
import type { StageConfig } from './config';
import { CONNECTIONS_TABLE_SCHEMA } from './connections-table';
import { AppFunction } from './lambda';

/**
 * Maps the runtime config contract (functions/shared/config.ts) onto deployed resources: each config part a
 * function declares becomes its environment variables AND the IAM grants those variables need, so a function
 * can never be given a secret ARN it is not allowed to read, nor a grant it has no variable for.
 */

export type ConfigPart = keyof typeof configParts;

export const JWT_AUDIENCE = 'tiketi-api';

/** What connection bookkeeping needs (no Scan, no table management beyond DescribeTable for health checks). */
export const CONNECTIONS_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:DescribeTable',
];
export const jwtIssuer = (config: StageConfig): string => `tiketi-${config.stage}`;

/** A PostgreSQL login: its Secrets Manager secret `{ username, password }` and the username. */
export interface DatabaseLogin {
  readonly secret: secretsmanager.ISecret;
  readonly username: string;
}

export interface DatabaseRuntime {
  readonly proxy: rds.IDatabaseProxy;
  /** Host and port clients connect to: the proxy endpoint for app code, the instance for migrations. */
  readonly host: string;
  readonly port: number;
  readonly name: string;
  /** The master user: the migration function (functions/db) only. */
  readonly master: DatabaseLogin;
  /** One role per function context (functions/db/roles.ts); a function gets its own entry's context's role. */
  readonly roles: Readonly<Record<DbRole, DatabaseLogin>>;
  readonly iamAuth: boolean;
}

/**
 * The login a function uses: the role of its entry's context (`functions/<context>/…`), the master user for
 * functions/db. A function of a context without a role must not declare `database`: synth fails.
 */
export function databaseLoginOf(fn: lambda.Function, db: DatabaseRuntime): DatabaseLogin {
  const role = fn instanceof AppFunction ? dbRoleOfEntry(fn.entry) : undefined;
  if (role === 'migrations') return db.master;
  if (role === undefined) {
    throw new Error(
      `${fn.node.path}: config part "database" needs a database role for its context (functions/db/roles.ts)`,
    );
  }
  return db.roles[role];
}

export interface RedisRuntime {
  readonly host: string;
  readonly port: string;
  /** Secret holding the AUTH token as JSON `{ authToken }` (what functions/shared/clients.ts reads). */
  readonly authSecret: secretsmanager.ISecret;
}

export interface WebSocketRuntime {
  /** https callback URL of the WebSocket stage (`@connections` management API). */
  readonly endpoint: string;
  /** `execute-api:ManageConnections` on this API's stage `@connections/*` (and its cdk-nag acknowledgement). */
  readonly grantManage: (fn: lambda.Function) => void;
}

export interface BroadcastRuntime {
  /** The fan-out worker publishers hand shards to (asynchronous invocations). */
  readonly worker: lambda.IFunction;
  readonly shardSize: number;
  readonly concurrency: number;
}

/** Whatever the stacks have built so far; a part whose resource is missing fails synth with a clear message. */
export interface RuntimeResources {
  readonly config: StageConfig;
  readonly serviceVersion: string;
  readonly database?: DatabaseRuntime;
  readonly redis?: RedisRuntime;
  readonly jwtSigningKey?: secretsmanager.ISecret;
  readonly jwksParameter?: ssm.IStringParameter;
  readonly connectionsTable?: dynamodb.ITable;
  readonly webSocket?: WebSocketRuntime;
  readonly holdExpiry?: sfn.IStateMachine;
  readonly paymentSaga?: sfn.IStateMachine;
  /** The waiting room's admission loop. */
  readonly admissionLoop?: sfn.IStateMachine;
  /** The admission-token HMAC secret `{ "secret" }`. */
  readonly admissionSecret?: secretsmanager.ISecret;
  /** The Toss Payments secret `{ "secretKey" }` (stages whose provider is `toss`). */
  readonly tossSecret?: secretsmanager.ISecret;
  readonly broadcast?: BroadcastRuntime;
  /** The deep /health check's key `{ "key" }` (API stack). */
  readonly healthCheckSecret?: secretsmanager.ISecret;
}

function need<T>(value: T | undefined, part: ConfigPart, fn: lambda.Function): T {
  if (value === undefined) {
    throw new Error(
      `${fn.node.path}: config part "${part}" requested but its resource is not available here`,
    );
  }
  return value;
}

/** Sets the environment and grants for `parts` (plus `base`, always) on `fn`. */
export function wireRuntime(fn: lambda.Function, parts: readonly ConfigPart[], res: RuntimeResources): void {
  const env = (name: string, value: string) => fn.addEnvironment(name, value);
  // AWS_REGION is reserved and set by Lambda itself.
  env('STAGE', res.config.stage);
  env('LOG_LEVEL', res.config.lambda.logLevel);
  env('SERVICE_VERSION', res.serviceVersion);

  for (const part of new Set(parts)) {
    switch (part) {
      case 'base':
        break;
      case 'database': {
        const db = need(res.database, part, fn);
        env('DB_HOST', db.host);
        env('DB_PORT', String(db.port));
        env('DB_NAME', db.name);
        // Only its own role's secret: a function cannot log in as another context, nor as the master user.
        const login = databaseLoginOf(fn, db);
        env('DB_SECRET_ARN', login.secret.secretArn);
        login.secret.grantRead(fn);
        if (db.iamAuth) db.proxy.grantConnect(fn, login.username);
        break;
      }
      case 'databaseRoles': {
        // The migration function sets every role's password from its secret.
        const db = need(res.database, part, fn);
        env(
          'DB_ROLE_SECRET_ARNS',
          Stack.of(fn).toJsonString(
            Object.fromEntries(DB_ROLES.map((r) => [r, db.roles[r].secret.secretArn])),
          ),
        );
        for (const role of DB_ROLES) db.roles[role].secret.grantRead(fn);
        break;
      }
      case 'redis': {
        const redis = need(res.redis, part, fn);
        env('REDIS_HOST', redis.host);
        env('REDIS_PORT', redis.port);
        env('REDIS_AUTH_SECRET_ARN', redis.authSecret.secretArn);
        redis.authSecret.grantRead(fn);
        break;
      }
      case 'authThrottle':
        // The defaults in functions/shared/config.ts are the deployed limits; nothing to grant.
        break;
      case 'jwt':
        env('JWT_ISSUER', jwtIssuer(res.config));
        env('JWT_AUDIENCE', JWT_AUDIENCE);
        break;
      case 'jwtSigning': {
        const secret = need(res.jwtSigningKey, part, fn);
        env('JWT_KEY_SECRET_ARN', secret.secretArn);
        secret.grantRead(fn);
        break;
      }
      case 'jwks': {
        const parameter = need(res.jwksParameter, part, fn);
        env('JWKS_PARAMETER_NAME', parameter.parameterName);
        // Only GetParameter: verifiers read the one document, they never list or write.
        fn.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameter.parameterArn] }),
        );
        break;
      }
      case 'connections': {
        const table = need(res.connectionsTable, part, fn);
        env('CONNECTIONS_TABLE', table.tableName);
        // Item-level access to the table and its named indexes only (grantReadWriteData would add index/*).
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: CONNECTIONS_TABLE_ACTIONS,
            resources: [
              table.tableArn,
              ...CONNECTIONS_TABLE_SCHEMA.indexes.map((i) => `${table.tableArn}/index/${i.indexName}`),
            ],
          }),
        );
        break;
      }
      case 'websocketManagement': {
        const ws = need(res.webSocket, part, fn);
        env('WS_MANAGEMENT_ENDPOINT', ws.endpoint);
        ws.grantManage(fn);
        break;
      }
      case 'holdExpiry': {
        const machine = need(res.holdExpiry, part, fn);
        env('HOLD_EXPIRY_STATE_MACHINE_ARN', machine.stateMachineArn);
        machine.grantStartExecution(fn);
        break;
      }
      case 'paymentSaga': {
        const machine = need(res.paymentSaga, part, fn);
        env('PAYMENT_SAGA_STATE_MACHINE_ARN', machine.stateMachineArn);
        machine.grantStartExecution(fn);
        break;
      }
      case 'admission': {
        const secret = need(res.admissionSecret, part, fn);
        env('ADMISSION_TOKEN_SECRET_ARN', secret.secretArn);
        secret.grantRead(fn);
        break;
      }
      case 'healthCheck': {
        const secret = need(res.healthCheckSecret, part, fn);
        env('HEALTH_CHECK_SECRET_ARN', secret.secretArn);
        secret.grantRead(fn);
        break;
      }
      case 'admissionLoop': {
        const machine = need(res.admissionLoop, part, fn);
        env('ADMISSION_LOOP_STATE_MACHINE_ARN', machine.stateMachineArn);
        machine.grantStartExecution(fn);
        break;
      }
      case 'payments': {
        const payments = res.config.payments;
        env('PAYMENT_PROVIDER', payments.provider);
        env('PROVIDER_TIMEOUT_MS', String(payments.providerTimeoutMs));
        if (payments.provider === 'toss') {
          if (!payments.tossClientKey) {
            throw new Error(
              `${fn.node.path}: the toss provider needs its client key: deploy with -c tossClientKey=…`,
            );
          }
          const secret = need(res.tossSecret, part, fn);
          env('TOSS_SECRET_ARN', secret.secretArn);
          env('TOSS_CLIENT_KEY', payments.tossClientKey);
          secret.grantRead(fn);
        }
        break;
      }
      case 'broadcast': {
        // A publisher also needs `connections` (GSI1 Query, 410 cleanup) and `websocketManagement` (posting):
        // declare PUBLISHER_PARTS (functions.ts), not this part alone.
        const broadcast = need(res.broadcast, part, fn);
        env('FANOUT_SHARD_SIZE', String(broadcast.shardSize));
        env('FANOUT_CONCURRENCY', String(broadcast.concurrency));
        // The worker posts the shard it was given and never re-shards: no name, no grant, no invoke loop.
        if (broadcast.worker === fn) break;
        env('FANOUT_FUNCTION_NAME', broadcast.worker.functionName);
        // Unqualified invokes only (grantInvoke would add `<arn>:*` for every version and alias).
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['lambda:InvokeFunction'],
            resources: [broadcast.worker.functionArn],
          }),
        );
        break;
      }
      default: {
        // A new part in functions/shared/config.ts must be mapped here before any function can use it.
        const unknown: never = part;
        throw new Error(`Unmapped config part ${String(unknown)}`);
      }
    }
  }
}
