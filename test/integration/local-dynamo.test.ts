import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConnectionsTable, LOCAL_AWS, type RunningDynamo, startDynamo } from '../../infra/local/dynamo';

// A loaded machine (the first `npm start` while `npm test` runs) used to fail with "table … is CREATING,
// expected ACTIVE": dynalite flips the status on a timer that can fire after the first DescribeTable. Here the
// table stays CREATING for 1.5 s, as on such a machine, and the stack must wait for it.
describe('local DynamoDB: the connections table', () => {
  let dynamo: RunningDynamo;
  beforeAll(async () => {
    dynamo = await startDynamo({ port: 0, createTableMs: 1_500 });
  });
  afterAll(() => dynamo?.stop());

  it('waits until a slow-to-create table is ACTIVE, then finds it existing', async () => {
    // Act
    const first = await ensureConnectionsTable(dynamo.endpoint, 'slow-connections');
    const again = await ensureConnectionsTable(dynamo.endpoint, 'slow-connections');

    // Assess
    expect(first).toBe('created');
    expect(again).toBe('exists');
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: LOCAL_AWS.region,
      credentials: LOCAL_AWS.credentials,
    });
    const described = await client.send(new DescribeTableCommand({ TableName: 'slow-connections' }));
    client.destroy();
    expect(described.Table?.TableStatus).toBe('ACTIVE');
  });
});
