import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { SEED_EVENT_IDS } from '../../functions/db/seed';
import type { SeatChange, ServerMessage } from '../../shared/ws';
import { WS_CLOSE_MESSAGE_TOO_BIG } from '../../shared/ws';
import { connectionIdsOf as connectionIdsOfUser, localAws } from '../support/aws';
import { registerUser } from '../support/http';
import { openWs, received, settle, type WsClient } from '../support/ws';

/**
 * The realtime layer end to end on the local stack: the WebSocket emulator and the realtime handler, topic
 * subscriptions in DynamoDB, sessions in Redis, and the broadcaster posting through `@connections`.
 *
 * The test process publishes the way any function's use case does — the same broadcaster module with the
 * handlers' environment (`inject('stack').env`) — so every message crosses Redis, DynamoDB and the gateway.
 */

const stack = inject('stack');
Object.assign(process.env, stack.env);
const broadcast = await import('../../functions/shared/broadcaster');
const { closeClients } = await import('../../functions/shared/clients');

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ ...localAws, endpoint: stack.dynamoEndpoint }));
const redis = new Redis(stack.redisUrl);
const lambda = new LambdaClient({ ...localAws, endpoint: stack.env.AWS_ENDPOINT_URL_LAMBDA });
const table = stack.env.CONNECTIONS_TABLE!;
const TTL_SECONDS = 2 * 60 * 60;
const extra: { quit(): Promise<unknown> }[] = [];

afterAll(async () => {
  doc.destroy();
  lambda.destroy();
  await redis.quit();
  await Promise.all(extra.map((r) => r.quit()));
  await closeClients();
});

type Msg = { type: string; data: Record<string, unknown> };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const open: WsClient[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function connect(token: string, join?: string): Promise<WsClient> {
  const client = await openWs({ token });
  open.push(client);
  if (join) client.send({ action: 'join-event', eventId: join });
  await settle(client);
  return client;
}

const connectionIdsOf = (userId: string) => connectionIdsOfUser(doc, table, userId);

async function rowsOf(connectionId: string): Promise<Record<string, unknown>[]> {
  const out = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `CONN#${connectionId}` },
    }),
  );
  return out.Items ?? [];
}

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(25);
  }
}

const seatIdsIn = (m: Msg): string[] =>
  m.type === 'seat-locked' || m.type === 'seat-released'
    ? (m.data.seats as SeatChange[]).map((s) => s.id)
    : [];

/** Waits until `client` has seen every seat id, then a little longer for stragglers; returns those messages. */
async function seatMessagesFor(client: WsClient, ids: readonly string[], settleMs = 300): Promise<Msg[]> {
  const wanted = new Set(ids);
  const mine = () => received<Msg>(client, (m) => seatIdsIn(m).some((id) => wanted.has(id)));
  const seen = () => new Set(mine().flatMap(seatIdsIn));
  const deadline = Date.now() + 5000;
  while ([...wanted].some((id) => !seen().has(id)) && Date.now() < deadline) await sleep(10);
  await sleep(settleMs);
  return mine();
}

describe('two users on one event, a third on another', () => {
  it('delivers a seat change to the other user within 500 ms, and nothing to the other event', async () => {
    const [a, b, c] = await Promise.all([registerUser('rt-a'), registerUser('rt-b'), registerUser('rt-c')]);
    const event = SEED_EVENT_IDS.symphony;
    const [clientA, clientB, clientC] = await Promise.all([
      connect(a.accessToken, event),
      connect(b.accessToken, event),
      connect(c.accessToken, SEED_EVENT_IDS.festival),
    ]);

    // A holds a seat: the seats use case publishes the change (coalesced, so within one 100 ms window).
    // This process plays a warm publishing Lambda: its clients and sockets are set up before measuring.
    await broadcast.publishSeatChanges(randomUUID(), [{ id: randomUUID(), status: 'held' }]);
    const seatLatency: number[] = [];
    let seatId = '';
    for (let round = 0; round < 2; round++) {
      seatId = randomUUID();
      const id = seatId;
      const arrived = clientB
        .next<Msg>((m) => m.type === 'seat-locked' && seatIdsIn(m).includes(id), 2000)
        .then(() => performance.now());
      const started = performance.now();
      const outcome = await broadcast.publishSeatChanges(event, [{ id, status: 'held', userId: a.user.id }]);
      seatLatency.push((await arrived) - started);
      expect(outcome).toMatchObject({ flushed: true, messages: 1, seats: 1 });
      expect(outcome.result.delivered).toBeGreaterThanOrEqual(2);
    }
    for (const ms of seatLatency) expect(ms).toBeLessThan(500);
    const locked = await clientA.next<Msg>((m) => seatIdsIn(m).includes(seatId));
    expect(locked).toEqual({
      type: 'seat-locked',
      data: { eventId: event, seats: [{ id: seatId, status: 'held', userId: a.user.id }] },
    });

    // An uncoalesced update (ticket availability) goes straight out.
    const ticketTypeId = randomUUID();
    const update: ServerMessage = {
      type: 'ticket-updated',
      data: { eventId: event, ticketTypes: [{ id: ticketTypeId, available: 9, held: 1, sold: 0 }] },
    };
    const arrivedUpdate = clientB
      .next<Msg>((m) => m.type === 'ticket-updated' && JSON.stringify(m).includes(ticketTypeId), 2000)
      .then(() => performance.now());
    const startedUpdate = performance.now();
    await broadcast.publish(`event:${event}`, update);
    const updateLatency = (await arrivedUpdate) - startedUpdate;
    expect(updateLatency).toBeLessThan(500);
    console.log(
      `[realtime] delivery latency to user B: seat change ${seatLatency.map((ms) => ms.toFixed(1)).join(' ms, ')} ms ` +
        `(incl. the 100 ms coalescing window), ticket update ${updateLatency.toFixed(1)} ms`,
    );

    await sleep(500);
    expect(
      received<Msg>(
        clientC,
        (m) => JSON.stringify(m).includes(seatId) || JSON.stringify(m).includes(ticketTypeId),
      ),
    ).toEqual([]);
    expect(received<Msg>(clientC, (m) => m.type !== 'pong')).toEqual([]);
  });
});

describe('connections that vanish without $disconnect', () => {
  it('are removed by the 410 path on the next publish and never posted to again', async () => {
    const event = SEED_EVENT_IDS.jazz;
    const ghostUser = await registerUser('rt-ghost');
    const watcher = await registerUser('rt-watch');
    const ghost = await connect(ghostUser.accessToken, event);
    const live = await connect(watcher.accessToken, event);
    const [ghostId] = await connectionIdsOf(ghostUser.user.id);
    const rows = await rowsOf(ghostId!);
    expect(rows.map((r) => r.sk).sort()).toEqual([
      'META',
      `TOPIC#event:${event}`,
      `TOPIC#user:${ghostUser.user.id}`,
    ]);

    // The socket dies; $disconnect's cleanup is "lost": its rows come back as if it had never run.
    ghost.socket.terminate();
    await eventually(
      () => rowsOf(ghostId!),
      (r) => r.length === 0,
    );
    for (const Item of rows) await doc.send(new PutCommand({ TableName: table, Item }));

    const first: ServerMessage = { type: 'ticket-updated', data: { eventId: event } };
    expect(await broadcast.publish(`event:${event}`, first)).toMatchObject({
      delivered: 1,
      gone: 1,
      failed: 0,
    });
    expect(await rowsOf(ghostId!)).toEqual([]);

    const second = await broadcast.publish(`event:${event}`, first);
    expect(second).toMatchObject({ delivered: 1, gone: 0, failed: 0 });
    await eventually(
      async () => received<Msg>(live, (m) => m.type === 'ticket-updated').length,
      (n) => n === 2,
    );
    await sleep(100);
    expect(received<Msg>(live, (m) => m.type === 'ticket-updated')).toHaveLength(2);
  });

  it('are removed by the sweep once expired, and expired rows are never posted to meanwhile', async () => {
    const event = SEED_EVENT_IDS.musical;
    const watcher = await registerUser('rt-sweep');
    const live = await connect(watcher.accessToken, event);
    const [liveId] = await connectionIdsOf(watcher.user.id);

    const ghostId = randomBytes(11).toString('base64');
    const ghostUser = randomUUID();
    const past = Math.floor(Date.now() / 1000) - 60;
    const ghostRows = [
      {
        pk: `CONN#${ghostId}`,
        sk: 'META',
        gsi2pk: `USER#${ghostUser}`,
        gsi2sk: `CONN#${ghostId}`,
        userId: ghostUser,
      },
      ...[`event:${event}`, `user:${ghostUser}`].map((topic) => ({
        pk: `CONN#${ghostId}`,
        sk: `TOPIC#${topic}`,
        gsi1pk: `TOPIC#${topic}`,
        gsi1sk: `CONN#${ghostId}`,
        userId: ghostUser,
        topic,
      })),
    ];
    for (const row of ghostRows) {
      await doc.send(
        new PutCommand({ TableName: table, Item: { ...row, connectionId: ghostId, expiresAt: past } }),
      );
    }

    // Expired but not yet swept (DynamoDB TTL lags too): not a subscriber any more.
    const before = await broadcast.publish(`event:${event}`, {
      type: 'ticket-updated',
      data: { eventId: event },
    });
    expect(before).toMatchObject({ delivered: 1, gone: 0, failed: 0 });

    const out = await lambda.send(
      new InvokeCommand({ FunctionName: 'tiketi-local-sweep', Payload: Buffer.from('{}') }),
    );
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    const result = JSON.parse(Buffer.from(out.Payload!).toString('utf8')) as Record<string, number>;
    expect(result.scanned).toBeGreaterThan(0);
    expect(await rowsOf(ghostId)).toEqual([]);
    expect((await rowsOf(liveId!)).map((r) => r.sk).sort()).toEqual([
      'META',
      `TOPIC#event:${event}`,
      `TOPIC#user:${watcher.user.id}`,
    ]);
    await settle(live);
  });

  it('ping keeps the connection row alive, and re-registers a connection swept while it lived', async () => {
    const user = await registerUser('rt-ping');
    const client = await connect(user.accessToken);
    const [id] = await connectionIdsOf(user.user.id);
    const now = Math.floor(Date.now() / 1000);
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: `CONN#${id}`, sk: 'META' },
        UpdateExpression: 'SET expiresAt = :e',
        ExpressionAttributeValues: { ':e': now + 5 },
      }),
    );
    await settle(client);
    const { Item } = await doc.send(
      new GetCommand({ TableName: table, Key: { pk: `CONN#${id}`, sk: 'META' } }),
    );
    expect(Number(Item?.expiresAt)).toBeGreaterThanOrEqual(now + TTL_SECONDS - 5);

    for (const row of await rowsOf(id!)) {
      await doc.send(new DeleteCommand({ TableName: table, Key: { pk: row.pk, sk: row.sk } }));
    }
    await settle(client);
    expect((await rowsOf(id!)).map((r) => r.sk).sort()).toEqual(['META', `TOPIC#user:${user.user.id}`]);
  });
});

describe('reconnect and resume', () => {
  it('restores the session on a new connection and live updates flow again', async () => {
    const event = SEED_EVENT_IDS.kpop;
    const user = await registerUser('rt-resume');
    const first = await connect(user.accessToken);
    const seatIds = [randomUUID(), randomUUID()];
    first.send({ action: 'join-seat-selection', eventId: event });
    first.send({ action: 'seat-selection-changed', eventId: event, seatIds });
    await settle(first);

    // The network drops (no close handshake); the client reconnects with the same token and resumes.
    first.socket.terminate();
    await first.closed;
    await eventually(
      () => connectionIdsOf(user.user.id),
      (ids) => ids.length === 0,
    );
    const second = await connect(user.accessToken);
    second.send({ action: 'resume' });
    const restored = await second.next<Msg>((m) => m.type === 'session-restored');
    expect(restored.data).toEqual({
      currentEventId: event,
      selectedSeatIds: seatIds,
      queue: null,
      topics: [`user:${user.user.id}`, `event:${event}`],
    });

    const seatId = randomUUID();
    await broadcast.publishSeatChanges(event, [{ id: seatId, status: 'sold' }]);
    expect(await second.next<Msg>((m) => seatIdsIn(m).includes(seatId), 2000)).toMatchObject({
      type: 'seat-locked',
    });

    // Per-user messages reach the new connection too (user:{id} is subscribed at $connect).
    await broadcast.publish(`user:${user.user.id}`, {
      type: 'queue-entry-allowed',
      data: { eventId: event, admissionToken: 'token', admissionExpiresAt: new Date().toISOString() },
    });
    await second.next<Msg>((m) => m.type === 'queue-entry-allowed', 2000);
  });
});

describe('bad frames', () => {
  it('answer with an error, change nothing, and keep the connection', async () => {
    const [me, other] = await Promise.all([registerUser('rt-bad'), registerUser('rt-victim')]);
    const client = await connect(me.accessToken);
    const [id] = await connectionIdsOf(me.user.id);
    const rowsBefore = (await rowsOf(id!)).map((r) => r.sk);
    const errors = () => received<Msg>(client, (m) => m.type === 'error');

    const expectError = async (frame: string | object, code: string) => {
      const before = errors().length;
      client.send(frame);
      await settle(client);
      const answer = errors().slice(before);
      expect(answer.map((m) => m.data.code)).toEqual([code]);
    };

    await expectError('{"action": "join-event", ', 'MALFORMED_JSON');
    await expectError({ action: 'teleport', eventId: SEED_EVENT_IDS.opera }, 'VALIDATION_FAILED');
    await expectError({ action: 'join-event', eventId: 'not-a-uuid' }, 'VALIDATION_FAILED');
    await expectError({ action: 'join-event', eventId: randomUUID() }, 'EVENT_NOT_FOUND');
    await expectError({ action: 'join-event', eventId: SEED_EVENT_IDS.draft }, 'EVENT_NOT_FOUND');
    await expectError({ action: 'join-queue', eventId: SEED_EVENT_IDS.draft }, 'EVENT_NOT_FOUND');
    // Another user's id: refused, and neither user's session is written.
    await expectError(
      {
        action: 'seat-selection-changed',
        eventId: SEED_EVENT_IDS.opera,
        seatIds: [randomUUID()],
        userId: other.user.id,
      },
      'FORBIDDEN',
    );
    expect(await redis.exists(`rt:session:${other.user.id}`, `rt:session:${me.user.id}`)).toBe(0);
    expect((await rowsOf(id!)).map((r) => r.sk)).toEqual(rowsBefore);
    expect(client.socket.readyState).toBe(client.socket.OPEN);

    // Still a working connection: a valid frame after all that is served.
    client.send({ action: 'resume' });
    const restored = await client.next<Msg>((m) => m.type === 'session-restored');
    expect(restored.data.currentEventId).toBeNull();
  });

  it('a 200 KB frame closes the connection with 1009, as API Gateway does', async () => {
    const user = await registerUser('rt-big');
    const client = await connect(user.accessToken);
    client.send({ action: 'ping', pad: 'x'.repeat(200 * 1024) });
    expect((await client.closed).code).toBe(WS_CLOSE_MESSAGE_TOO_BIG);
  });
});

/** Coalescing windows (100 ms each) a burst lasting `ms` can have started. */
const windowsSpanned = (ms: number) => Math.ceil(ms / broadcast.DEFAULT_COALESCE_WINDOW_MS) + 1;

describe('coalescing bursts of seat changes', () => {
  it('20 changes within 50 ms reach a client as at most 2 messages carrying all 20', async () => {
    const event = SEED_EVENT_IDS.comedy;
    const user = await registerUser('rt-burst');
    const client = await connect(user.accessToken, event);
    const changes = Array.from(
      { length: 20 },
      (_, i): SeatChange => ({
        id: randomUUID(),
        status: i % 3 ? 'held' : 'available',
      }),
    );
    const calls: Promise<unknown>[] = [];
    const started = performance.now();
    for (const change of changes) {
      calls.push(broadcast.publishSeatChanges(event, [change]));
      await sleep(2);
    }
    // On a loaded machine the burst itself can take longer than planned: the bound follows what it took (one
    // message per coalescing window it touched), so this asserts coalescing, not the machine's speed.
    const spreadMs = performance.now() - started;
    await Promise.all(calls);

    const messages = await seatMessagesFor(
      client,
      changes.map((c) => c.id),
    );
    console.log(
      `[realtime] 20 changes in ${Math.round(spreadMs)} ms arrived as ${messages.length} message(s)`,
    );
    expect(messages.length).toBeLessThanOrEqual(windowsSpanned(spreadMs));
    expect(messages.flatMap(seatIdsIn).sort()).toEqual(changes.map((c) => c.id).sort());
  });

  it('200 changes in 100 ms from four publishing instances reach each client as at most 5 messages', async () => {
    const event = SEED_EVENT_IDS.festival;
    const [u1, u2] = await Promise.all([registerUser('rt-storm1'), registerUser('rt-storm2')]);
    const clients = await Promise.all([connect(u1.accessToken, event), connect(u2.accessToken, event)]);

    // Four "Lambda instances": each its own Redis connection, management client and broadcaster.
    const connections = await broadcast.getConnectionRepository();
    const instances = Array.from({ length: 4 }, () => {
      const own = new Redis(stack.redisUrl);
      extra.push(own);
      return broadcast.createSeatChangePublisher({
        buffer: broadcast.redisCoalesceBuffer(own),
        broadcaster: broadcast.createBroadcaster({
          connections,
          poster: broadcast.createConnectionPoster(stack.env.WS_MANAGEMENT_ENDPOINT!, 16),
          concurrency: 16,
          shardSize: 1000,
        }),
      });
    });
    const changes = Array.from(
      { length: 200 },
      (_, i): SeatChange => ({
        id: randomUUID(),
        status: i % 4 ? 'held' : 'available',
      }),
    );
    const calls: Promise<unknown>[] = [];
    const started = performance.now();
    for (let i = 0; i < changes.length; i += 10) {
      for (let j = i; j < i + 10; j++) calls.push(instances[j % 4]!.publishSeatChanges(event, [changes[j]!]));
      await sleep(4);
    }
    const spreadMs = performance.now() - started;
    await Promise.all(calls);

    for (const client of clients) {
      const messages = await seatMessagesFor(
        client,
        changes.map((c) => c.id),
      );
      console.log(
        `[realtime] 200 changes in ${Math.round(spreadMs)} ms arrived as ${messages.length} message(s)`,
      );
      // Four publishers, each may flush its own window: at most 5 when the burst fits in ~100 ms, as planned.
      expect(messages.length).toBeLessThanOrEqual(Math.max(5, windowsSpanned(spreadMs) + 3));
      expect(messages.flatMap(seatIdsIn).sort()).toEqual(changes.map((c) => c.id).sort());
    }
  });
});

describe('large audiences', () => {
  it('shards the audience to fan-out workers through the Lambda Invoke API; every client gets it once', async () => {
    const event = SEED_EVENT_IDS.opera;
    const users = await Promise.all(Array.from({ length: 5 }, (_, i) => registerUser(`rt-shard${i}`)));
    const clients = await Promise.all(users.map((u) => connect(u.accessToken, event)));

    // Shard size 2 makes five subscribers a "large" audience: three shards, each an asynchronous invoke of the
    // stack's fan-out worker (FANOUT_FUNCTION_NAME), exactly as a publisher on AWS would hand them out.
    const publisher = broadcast.createBroadcaster({
      connections: await broadcast.getConnectionRepository(),
      poster: broadcast.createConnectionPoster(stack.env.WS_MANAGEMENT_ENDPOINT!, 8),
      invoker: broadcast.lambdaFanoutInvoker(lambda, stack.env.FANOUT_FUNCTION_NAME!),
      concurrency: 4,
      shardSize: 2,
    });
    const probe = randomUUID();
    const result = await publisher.publish(`event:${event}`, {
      type: 'ticket-updated',
      data: { eventId: event, ticketTypes: [{ id: probe, available: 1, held: 0, sold: 0 }] },
    });
    expect(result).toMatchObject({ shards: 3, dispatched: 3, delivered: 0, failed: 0 });

    const got = (c: WsClient) => received<Msg>(c, (m) => JSON.stringify(m).includes(probe)).length;
    await eventually(
      async () => clients.map(got),
      (counts) => counts.every((n) => n === 1),
    );
    await sleep(200);
    expect(clients.map(got)).toEqual([1, 1, 1, 1, 1]);
  });
});
