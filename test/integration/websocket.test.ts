import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WS_CLOSE_MESSAGE_TOO_BIG } from '../../shared/ws';
import { connectionIdsOf as connectionIdsOfUser, localAws } from '../support/aws';
import { registerUser } from '../support/http';
import { openWs, upgradeStatus, type WsClient } from '../support/ws';

/**
 * The WebSocket API end to end through the local API Gateway emulator: the `$connect` authorizer, the
 * connection registry in DynamoDB, route selection, AWS's frame limit, `$disconnect`, and the `@connections`
 * management API the handlers reply through.
 */

const stack = inject('stack');
const aws = localAws;
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ ...aws, endpoint: stack.dynamoEndpoint }));
const management = new ApiGatewayManagementApiClient({ ...aws, endpoint: stack.managementEndpoint });
const table = stack.env.CONNECTIONS_TABLE!;
afterAll(() => {
  doc.destroy();
  management.destroy();
});

type Message = { type: string; data?: Record<string, unknown> };

const connectionIdsOf = (userId: string) => connectionIdsOfUser(doc, table, userId);

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('$connect authorization', () => {
  it('refuses the upgrade without a token (401)', async () => {
    expect(await upgradeStatus()).toBe(401);
  });

  it('refuses the upgrade with a bad token', async () => {
    expect([401, 403]).toContain(await upgradeStatus({ token: 'not-a-jwt' }));
    expect([401, 403]).toContain(await upgradeStatus({ token: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' }));
  });
});

describe('a connected client', () => {
  let user: Awaited<ReturnType<typeof registerUser>>;
  let client: WsClient;
  let connectionId: string;

  beforeAll(async () => {
    user = await registerUser('ws');
    client = await openWs({ token: user.accessToken });
    const ids = await eventually(
      () => connectionIdsOf(user.user.id),
      (v) => v.length === 1,
    );
    expect(ids).toHaveLength(1);
    connectionId = ids[0]!;
  });
  afterAll(() => client?.close());

  it('is recorded in DynamoDB under its connection id with the verified user id', async () => {
    const { Item } = await doc.send(
      new GetCommand({ TableName: table, Key: { pk: `CONN#${connectionId}`, sk: 'META' } }),
    );
    expect(Item).toMatchObject({ connectionId, userId: user.user.id });
  });

  it('answers {"action":"ping"} with {"type":"pong"}', async () => {
    client.send({ action: 'ping' });
    const pong = await client.next<Message>((m) => m.type === 'pong');
    expect(pong.type).toBe('pong');
  });

  it('routes a malformed frame to $default, which answers with an error and keeps the connection', async () => {
    client.send('this is not json');
    const error = await client.next<Message>((m) => m.type === 'error');
    expect(error.data?.code).toBe('MALFORMED_JSON');
    client.send({ action: 'ping' });
    await client.next<Message>(
      (m) => m.type === 'pong' && client.messages.indexOf(m) > client.messages.indexOf(error),
    );
  });

  it('delivers bytes posted to @connections/{id} and describes the connection', async () => {
    const payload = { type: 'ticket-updated', data: { probe: Math.random() } };
    await management.send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(payload)) }),
    );
    expect(await client.next<Message>((m) => m.type === 'ticket-updated')).toEqual(payload);

    const info = await management.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.LastActiveAt!.getTime()).toBeGreaterThanOrEqual(info.ConnectedAt!.getTime());
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');
  });
});

describe('limits and lifecycle', () => {
  it('closes the connection with 1009 when a frame exceeds 128 KB', async () => {
    const { accessToken } = await registerUser('ws-big');
    const client = await openWs({ token: accessToken });
    client.send(JSON.stringify({ action: 'ping', pad: 'x'.repeat(200 * 1024) }));
    expect((await client.closed).code).toBe(WS_CLOSE_MESSAGE_TOO_BIG);
  });

  it('removes the connection record after the client closes ($disconnect)', async () => {
    const { user, accessToken } = await registerUser('ws-close');
    const client = await openWs({ token: accessToken });
    const [id] = await eventually(
      () => connectionIdsOf(user.id),
      (v) => v.length === 1,
    );
    expect(id).toBeDefined();
    await client.close();
    const left = await eventually(
      () => connectionIdsOf(user.id),
      (v) => v.length === 0,
    );
    expect(left).toEqual([]);
    await expect(management.send(new GetConnectionCommand({ ConnectionId: id! }))).rejects.toBeInstanceOf(
      GoneException,
    );
  });

  it('DeleteConnection closes a live connection from the server side', async () => {
    const { user, accessToken } = await registerUser('ws-kick');
    const client = await openWs({ token: accessToken });
    const [id] = await eventually(
      () => connectionIdsOf(user.id),
      (v) => v.length === 1,
    );
    await management.send(new DeleteConnectionCommand({ ConnectionId: id! }));
    expect((await client.closed).code).toBe(1000);
    expect(
      await eventually(
        () => connectionIdsOf(user.id),
        (v) => v.length === 0,
      ),
    ).toEqual([]);
  });
});
