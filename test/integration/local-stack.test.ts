import { randomUUID } from 'node:crypto';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { localAws } from '../support/aws';
import { createDb } from '../support/db';
import { api } from '../support/http';

/**
 * The local stack itself: gateway behaviour API Gateway would have (404/405/413 in our envelope, config,
 * request ids), the Step Functions emulator and the `@connections` API driven by the unmodified AWS SDK
 * clients, and the dynalite table's shape.
 */

const stack = inject('stack');
const aws = localAws;
const db = createDb(stack.databaseUrl);
afterAll(() => db.end());

type Envelope = { error: { code: string; message: string } };

describe('gateway', () => {
  it('serves /health through the platform handler, with a request id', async () => {
    const res = await api<{ status: string; dependencies: Record<string, { status: string }> }>('/health');
    expect(res.status, res.text).toBe(200);
    expect(res.json.status).toBe('ok');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves /config.json for the web app', async () => {
    const res = await api('/config.json');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      apiUrl: '/api/v1',
      wsUrl: `ws://${new URL(stack.url).host}/ws`,
      stage: 'local',
      region: 'ap-northeast-2',
    });
  });

  it('answers an unknown API path with 404 ROUTE_NOT_FOUND', async () => {
    const res = await api<Envelope>('/api/v1/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('ROUTE_NOT_FOUND');
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('answers a known path with the wrong method with 405 METHOD_NOT_ALLOWED and Allow', async () => {
    const res = await api<Envelope>('/api/v1/events', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.json.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toBe('GET');
  });

  it('rejects a body over 10 MB with 413 PAYLOAD_TOO_LARGE and changes nothing', async () => {
    const before = await db.rowCounts();
    const res = await api<Envelope>('/api/v1/auth/register', {
      method: 'POST',
      rawBody: new Uint8Array(10 * 1024 * 1024 + 1).fill(0x61),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await db.rowCounts()).toEqual(before);
  });

  it('refuses a user route without credentials with 401 UNAUTHENTICATED', async () => {
    const res = await api<Envelope>('/api/v1/auth/me');
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('UNAUTHENTICATED');
  });
});

describe('Step Functions emulator (unmodified SFNClient)', () => {
  const sfn = new SFNClient({ ...aws, endpoint: stack.sfnEndpoint });
  const machineArn = stack.env.HOLD_EXPIRY_STATE_MACHINE_ARN!;
  afterAll(() => sfn.destroy());

  const holdInput = (inMs: number) =>
    JSON.stringify({
      holdId: randomUUID(),
      eventId: randomUUID(),
      expiresAt: new Date(Date.now() + inMs).toISOString(),
    });

  async function settle(executionArn: string, timeoutMs = 10_000): Promise<DescribeExecutionCommandOutput> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (out.status !== 'RUNNING' || Date.now() > deadline) return out;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('runs the hold-expiry definition: waits until expiresAt, runs the release task, SUCCEEDED', async () => {
    const started = Date.now();
    const { executionArn, startDate } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machineArn, input: holdInput(1000) }),
    );
    expect(executionArn).toMatch(
      /^arn:aws:states:ap-northeast-2:000000000000:execution:tiketi-local-hold-expiry:/,
    );
    expect(startDate).toBeInstanceOf(Date);
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');

    const done = await settle(executionArn!);
    expect(done.status, `${done.error} ${done.cause}`).toBe('SUCCEEDED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    // The task ran the real release-hold handler: an unknown hold is left alone (idempotent release).
    expect(JSON.parse(done.output!).release.result).toEqual({ done: true, action: 'none', seatIds: [] });
    expect(done.stopDate!.getTime()).toBeGreaterThanOrEqual(done.startDate!.getTime());
  });

  it('StopExecution aborts a running execution', async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machineArn, input: holdInput(60_000) }),
    );
    const { stopDate } = await sfn.send(new StopExecutionCommand({ executionArn, cause: 'checked out' }));
    expect(stopDate).toBeInstanceOf(Date);
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(out.status).toBe('ABORTED');
    expect(out.cause).toBe('checked out');
  });

  it('keeps execution names unique like AWS (same name and input while running is idempotent)', async () => {
    const name = `hold-${randomUUID()}`;
    const input = holdInput(60_000);
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input }));
    const retry = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input }));
    expect(retry.executionArn).toBe(first.executionArn);
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input: holdInput(30_000) })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    const listed = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'ABORTED' }),
    );
    expect(listed.executions?.map((e) => e.name)).toContain(name);
  });

  it('answers unknown executions and state machines with AWS errors', async () => {
    await expect(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: `${machineArn.replace(':stateMachine:', ':execution:')}:nope`,
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: `${machineArn}-missing`, input: '{}' })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });
});

describe('@connections management API (unmodified ApiGatewayManagementApiClient)', () => {
  const management = new ApiGatewayManagementApiClient({ ...aws, endpoint: stack.managementEndpoint });
  afterAll(() => management.destroy());

  it('answers PostToConnection, GetConnection and DeleteConnection for an unknown id with GoneException', async () => {
    const ConnectionId = 'AAAAAAAAAAAAAAA=';
    await expect(
      management.send(new PostToConnectionCommand({ ConnectionId, Data: Buffer.from('{}') })),
    ).rejects.toBeInstanceOf(GoneException);
    await expect(management.send(new GetConnectionCommand({ ConnectionId }))).rejects.toBeInstanceOf(
      GoneException,
    );
    await expect(management.send(new DeleteConnectionCommand({ ConnectionId }))).rejects.toBeInstanceOf(
      GoneException,
    );
  });
});

describe('dynalite', () => {
  it('has the connections table with the CDK key schema and both GSIs (ALL projection)', async () => {
    const dynamo = new DynamoDBClient({ ...aws, endpoint: stack.dynamoEndpoint });
    try {
      const { Table } = await dynamo.send(
        new DescribeTableCommand({ TableName: stack.env.CONNECTIONS_TABLE }),
      );
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      const indexes = Object.fromEntries(
        (Table?.GlobalSecondaryIndexes ?? []).map((i) => [
          i.IndexName,
          { keys: i.KeySchema, projection: i.Projection },
        ]),
      );
      for (const n of ['1', '2']) {
        expect(indexes[`GSI${n}`]).toEqual({
          keys: [
            { AttributeName: `gsi${n}pk`, KeyType: 'HASH' },
            { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' },
          ],
          projection: { ProjectionType: 'ALL' },
        });
      }
    } finally {
      dynamo.destroy();
    }
  });
});

describe('@connections without a SigV4 signature', () => {
  it('is refused with 403 ForbiddenException, as AWS does', async () => {
    const res = await fetch(`${stack.managementEndpoint}/@connections/AAAAAAAAAAAAAAA%3D`, {
      method: 'POST',
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
  });
});
