import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { StackError } from './errors';
import { closeServer, listen } from './http-server';
import { LOOPBACK } from './ports';

/**
 * The DynamoDB API via dynalite, in-process. dynalite has no TTL API, no TransactWriteItems and no Streams:
 * the table is created without TTL (the realtime code sweeps stale rows itself) and nothing here calls those.
 */

export interface DynamoOptions {
  port: number;
  /** LevelDB directory for persistence (`npm start`); omitted = in memory. */
  path?: string;
  /** How long a new table stays CREATING (tests use it to play a busy machine). */
  createTableMs?: number;
}

export interface RunningDynamo {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export async function startDynamo(options: DynamoOptions): Promise<RunningDynamo> {
  // createTableMs 0: tables turn ACTIVE on the next timer tick; ensureConnectionsTable still waits for it, since
  // on a loaded machine that tick can come after the first DescribeTable.
  const server = dynalite({
    path: options.path,
    createTableMs: options.createTableMs ?? 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const port = await listen(server, options.port, 'dynamodb');
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    port,
    stop: () => closeServer(server),
  };
}

/** Region and dummy credentials: dynalite ignores signatures but the SDK insists on signing. */
export const LOCAL_AWS = {
  region: 'ap-northeast-2',
  accountId: '000000000000',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/** How long the stack waits for the connections table to turn ACTIVE before it gives up. */
const TABLE_ACTIVE_TIMEOUT_SECONDS = 60;

/**
 * The connections table, same key schema as the CDK table: `pk`/`sk`, GSI1 (`gsi1pk`/`gsi1sk`) and GSI2
 * (`gsi2pk`/`gsi2sk`), both projecting ALL attributes. Idempotent; returns once the table is ACTIVE.
 */
export async function ensureConnectionsTable(
  endpoint: string,
  tableName: string,
): Promise<'created' | 'exists'> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS.region,
    credentials: LOCAL_AWS.credentials,
  });
  try {
    let outcome: 'created' | 'exists' = 'exists';
    try {
      await client.send(new DescribeTableCommand({ TableName: tableName }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      outcome = 'created';
    }
    if (outcome === 'created') await createConnectionsTable(client, tableName);
    // A table can be CREATING right after CreateTable (or after a crash mid-create in a kept data dir).
    const waited = await waitUntilTableExists(
      { client, maxWaitTime: TABLE_ACTIVE_TIMEOUT_SECONDS, minDelay: 1, maxDelay: 2 },
      { TableName: tableName },
    ).catch((error: unknown) => ({ state: 'FAILURE' as const, reason: error }));
    if (waited.state !== 'SUCCESS') {
      throw new StackError(
        `DynamoDB table ${tableName} did not become ACTIVE within ${TABLE_ACTIVE_TIMEOUT_SECONDS} s`,
        'the machine may be overloaded; try `npm start` again',
      );
    }
    return outcome;
  } finally {
    client.destroy();
  }
}

async function createConnectionsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const gsi = (name: string) => ({
    IndexName: name.toUpperCase(),
    KeySchema: [
      { AttributeName: `${name}pk`, KeyType: 'HASH' as const },
      { AttributeName: `${name}sk`, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map((AttributeName) => ({
        AttributeName,
        AttributeType: 'S' as const,
      })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [gsi('gsi1'), gsi('gsi2')],
    }),
  );
}
