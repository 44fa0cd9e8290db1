import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { WS_LIMITS } from '../../functions/realtime/use-cases/limits';
import { connectionIdsOf, localAws } from '../support/aws';
import { registerUser } from '../support/http';
import { openWs, settle, type WsClient } from '../support/ws';

/**
 * The WebSocket API's abuse limits through the local API Gateway emulator and the real realtime handler:
 * at most 5 connections per user (a sixth closes the oldest), and a per-connection frame bucket that drops a
 * flood and closes the connection when the flood goes on.
 */
const stack = inject('stack');
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ ...localAws, endpoint: stack.dynamoEndpoint }));
const table = stack.env.CONNECTIONS_TABLE!;
const open: WsClient[] = [];
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  doc.destroy();
});

async function connectAs(token: string): Promise<WsClient> {
  const client = await openWs({ token });
  open.push(client);
  return client;
}

type Message = { type: string; data?: { code?: string; message?: string } };

describe('connections per user', () => {
  it('a sixth connection closes the oldest, which is told why; the other five keep working', async () => {
    // Prepare
    const user = await registerUser('ws-cap');
    const five: WsClient[] = [];
    for (let i = 0; i < WS_LIMITS.maxConnectionsPerUser; i++) {
      five.push(await connectAs(user.accessToken));
      await new Promise((r) => setTimeout(r, 5)); // distinct connectedAt, so "oldest" is well defined
    }
    expect(await connectionIdsOf(doc, table, user.user.id)).toHaveLength(5);

    // Act
    const sixth = await connectAs(user.accessToken);

    // Assess
    const oldest = five[0]!;
    const told = await oldest.next<Message>((m) => m.type === 'error');
    expect(told.data?.code).toBe('CONNECTION_REPLACED');
    await oldest.closed;
    for (const client of [...five.slice(1), sixth]) await settle(client);
    expect(await connectionIdsOf(doc, table, user.user.id)).toHaveLength(5);
  });

  it('another user is not affected by someone else reaching the cap', async () => {
    const other = await registerUser('ws-cap-other');
    const client = await connectAs(other.accessToken);
    await settle(client);
    expect(client.messages.filter((m) => (m as Message).type === 'error')).toEqual([]);
  });
});

describe('frames per connection', () => {
  it('a flood is dropped after the burst, answered once, and closes the connection; a calm one is untouched', async () => {
    // Prepare
    const user = await registerUser('ws-flood');
    const flooder = await connectAs(user.accessToken);
    const calm = await connectAs(user.accessToken);

    // Act: far more frames than the bucket holds, as fast as the socket takes them
    const frames = WS_LIMITS.frameBurst + WS_LIMITS.closeAfterRefused + 50;
    for (let i = 0; i < frames; i++) flooder.send({ action: 'ping' });
    const closed = await flooder.closed;

    // Assess
    const messages = flooder.messages as Message[];
    const pongs = messages.filter((m) => m.type === 'pong').length;
    const errors = messages.filter((m) => m.type === 'error');
    expect(closed.code).not.toBe(1009);
    expect(pongs).toBeGreaterThanOrEqual(WS_LIMITS.frameBurst);
    expect(pongs).toBeLessThan(frames - WS_LIMITS.closeAfterRefused + 1);
    expect(errors.map((e) => e.data?.code)).toEqual(['TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS']);
    expect(errors.at(-1)?.data?.message).toMatch(/closed/);
    await settle(calm);
  });
});
