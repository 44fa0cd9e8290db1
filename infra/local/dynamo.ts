import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
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
}

export interface RunningDynamo {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export async function startDynamo(options: DynamoOptions): Promise<RunningDynamo> {
  // createTableMs 0: tables are ACTIVE at once, as the stack creates them right before use.
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
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

/**
 * The connections table, same key schema as the CDK table: `pk`/`sk`, GSI1 (`gsi1pk`/`gsi1sk`) and GSI2
 * (`gsi2pk`/`gsi2sk`), both projecting ALL attributes. Idempotent.
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
    try {
      await client.send(new DescribeTableCommand({ TableName: tableName }));
      return 'exists';
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
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
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (described.Table?.TableStatus !== 'ACTIVE') {
      throw new StackError(`DynamoDB table ${tableName} is ${described.Table?.TableStatus}, expected ACTIVE`);
    }
    return 'created';
  } finally {
    client.destroy();
  }
}
