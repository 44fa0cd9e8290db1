import {
  ApiGatewayManagementApiClient,
  ForbiddenException,
  GoneException,
  LimitExceededException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../../../shared/ws';
import {
  ASYNC_INVOKE_MAX_BYTES,
  type BroadcasterDeps,
  createBroadcaster,
  createLimiter,
  type FanoutNotices,
  type FanoutShard,
  NOTICES_PER_INVOKE,
  splitForInvoke,
  splitNotices,
} from './broadcaster';
import { sdkConnectionPoster } from './connection-poster';
import { dynamoConnectionRepository } from './connection-repository';

/**
 * The broadcaster against mocked SDK clients (aws-sdk-client-mock): no network. The management client and the
 * DynamoDB document client are real SDK objects whose `send` is intercepted, so the commands the code builds
 * (GSI1 Query, PostToConnection, BatchWrite delete) are what gets asserted.
 */

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const management = new ApiGatewayManagementApiClient({
  endpoint: 'http://localhost:1',
  region: 'x',
  credentials,
});
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'x', credentials }));
const apigw = mockClient(management);
const ddb = mockClient(doc);
afterAll(() => {
  apigw.restore();
  ddb.restore();
});

const message: ServerMessage = {
  type: 'ticket-updated',
  data: { eventId: '5e1f0000-0000-4000-8000-000000000001' },
};
const ids = (n: number, prefix = 'c') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** GSI1 answers with `all` in pages of `pageSize`; the connection's own rows (pk Query) answer one META row. */
function subscribers(all: string[], pageSize = 100) {
  ddb.on(QueryCommand).callsFake((input: { IndexName?: string; ExclusiveStartKey?: { i: number } }) => {
    if (input.IndexName !== 'GSI1') return { Items: [{ pk: 'CONN#x', sk: 'META' }] };
    const start = input.ExclusiveStartKey?.i ?? 0;
    const end = Math.min(start + pageSize, all.length);
    return {
      Items: all.slice(start, end).map((connectionId) => ({ connectionId })),
      LastEvaluatedKey: end < all.length ? { i: end } : undefined,
    };
  });
}

const posted = () =>
  apigw.commandCalls(PostToConnectionCommand).map((c) => c.args[0].input.ConnectionId as string);

function broadcaster(overrides: Partial<BroadcasterDeps> = {}) {
  const logger = { debug: vi.fn(), warn: vi.fn(), error: vi.fn() };
  // The backoff delays the retry policy waited, from its debug line per retry.
  const sleeps = () =>
    logger.debug.mock.calls
      .filter(([m]) => m === 'post throttled, retrying')
      .map(([, f]) => (f as { delayMs: number }).delayMs);
  const b = createBroadcaster({
    connections: dynamoConnectionRepository(doc, { table: 'connections', ttlSeconds: 7200 }),
    poster: sdkConnectionPoster(management),
    concurrency: 8,
    shardSize: 1000,
    logger: logger as unknown as BroadcasterDeps['logger'],
    random: () => 0.5,
    ...overrides,
  });
  return { b, sleeps, logger };
}

beforeEach(() => {
  apigw.reset();
  ddb.reset();
  ddb.on(BatchWriteCommand).resolves({});
  apigw.on(PostToConnectionCommand).resolves({});
});

/** Makes every post take a millisecond and returns the peak number of posts in flight seen so far. */
function trackInFlight(): () => number {
  let inFlight = 0;
  let peak = 0;
  apigw.on(PostToConnectionCommand).callsFake(async () => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    return {};
  });
  return () => peak;
}

describe('publish', () => {
  it('reads every page of the topic index with Query (never Scan) and posts to each subscriber once', async () => {
    subscribers(ids(250), 100);
    const { b } = broadcaster();
    const result = await b.publish('event:e1', message);

    expect(result).toMatchObject({ delivered: 250, gone: 0, failed: 0, shards: 1, dispatched: 0 });
    const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries).toHaveLength(3);
    expect(queries.map((q) => q.IndexName)).toEqual(['GSI1', 'GSI1', 'GSI1']);
    expect(queries[0]!.ExpressionAttributeValues![':t']).toBe('TOPIC#event:e1');
    expect(queries.map((q) => q.ExclusiveStartKey)).toEqual([undefined, { i: 100 }, { i: 200 }]);
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
    expect(posted().sort()).toEqual(ids(250).sort());
    const sent = apigw.commandCalls(PostToConnectionCommand)[0]!.args[0].input.Data as Uint8Array;
    expect(JSON.parse(Buffer.from(sent).toString('utf8'))).toEqual(message);
  });

  it('an empty topic posts nothing', async () => {
    subscribers([]);
    const { b } = broadcaster();
    expect(await b.publish('event:none', message)).toEqual({
      delivered: 0,
      gone: 0,
      failed: 0,
      shards: 0,
      dispatched: 0,
    });
    expect(posted()).toEqual([]);
  });

  it('keeps at most `concurrency` posts in flight, and uses all of them', async () => {
    subscribers(ids(300), 1000);
    const peak = trackInFlight();
    const { b } = broadcaster({ concurrency: 16 });
    const result = await b.publish('event:e1', message);
    expect(result.delivered).toBe(300);
    expect(peak()).toBe(16);
  });

  it('the bound holds across publishes running at once in one process', async () => {
    subscribers(ids(100), 1000);
    const peak = trackInFlight();
    const { b } = broadcaster({ concurrency: 10 });
    const results = await Promise.all([
      b.publish('t1', message),
      b.publish('t2', message),
      b.publish('t3', message),
    ]);
    expect(results.map((r) => r.delivered)).toEqual([100, 100, 100]);
    expect(peak()).toBe(10);
  });

  it('410 Gone deletes that connection’s rows and is posted to only once', async () => {
    subscribers(['a', 'b', 'c']);
    apigw
      .on(PostToConnectionCommand, { ConnectionId: 'b' })
      .rejects(new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } }));
    const { b } = broadcaster();
    const result = await b.publish('event:e1', message);

    expect(result).toMatchObject({ delivered: 2, gone: 1, failed: 0 });
    expect(posted().filter((id) => id === 'b')).toHaveLength(1);
    // remove(): the connection's rows by pk, then one BatchWrite of deletes.
    const ownRows = ddb.commandCalls(QueryCommand).filter((c) => !c.args[0].input.IndexName);
    expect(ownRows.map((c) => c.args[0].input.ExpressionAttributeValues?.[':pk'])).toEqual(['CONN#b']);
    const deletes = ddb.commandCalls(BatchWriteCommand)[0]!.args[0].input.RequestItems!.connections!;
    expect(deletes).toEqual([{ DeleteRequest: { Key: { pk: 'CONN#x', sk: 'META' } } }]);
  });

  it('retries throttling (429 / LimitExceeded) with exponential backoff and full jitter, then delivers', async () => {
    subscribers(['a']);
    const throttled = () =>
      new LimitExceededException({ message: 'slow down', $metadata: { httpStatusCode: 429 } });
    apigw.on(PostToConnectionCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({});
    const { b, sleeps } = broadcaster({ retry: { baseDelayMs: 100, maxDelayMs: 1000 } });
    const result = await b.publish('event:e1', message);

    expect(result).toMatchObject({ delivered: 1, failed: 0 });
    expect(posted()).toEqual(['a', 'a', 'a']);
    // random() = 0.5 of min(cap, base·2^attempt): 50, 100.
    expect(sleeps()).toEqual([50, 100]);
  });

  it('gives up after 5 throttled attempts and counts the post as failed, without throwing', async () => {
    subscribers(['a', 'b']);
    apigw
      .on(PostToConnectionCommand, { ConnectionId: 'a' })
      .rejects(Object.assign(new Error('Too Many Requests'), { name: 'TooManyRequestsException' }));
    const { b, sleeps, logger } = broadcaster({ retry: { baseDelayMs: 100, maxDelayMs: 300 } });
    const result = await b.publish('event:e1', message);

    expect(result).toMatchObject({ delivered: 1, failed: 1, gone: 0 });
    expect(posted().filter((id) => id === 'a')).toHaveLength(5);
    expect(sleeps()).toEqual([50, 100, 150, 150]); // capped at 300 · 0.5
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('counts and logs other failures once per batch, never throwing them at the caller', async () => {
    subscribers(ids(20));
    apigw
      .on(PostToConnectionCommand)
      .rejects(new ForbiddenException({ message: 'Forbidden', $metadata: { httpStatusCode: 403 } }));
    const { b, logger, sleeps } = broadcaster();
    const result = await b.publish('event:e1', message);

    expect(result).toMatchObject({ delivered: 0, failed: 20 });
    expect(posted()).toHaveLength(20); // not retried
    expect(sleeps()).toEqual([]);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error.mock.calls[0]![1]).toMatchObject({ failed: 20, error: 'ForbiddenException' });
  });

  it('survives DynamoDB failing, and a cleanup failing after a 410', async () => {
    ddb.on(QueryCommand).rejects(new Error('DynamoDB is down'));
    const { b, logger } = broadcaster();
    await expect(b.publish('event:e1', message)).resolves.toMatchObject({ delivered: 0 });
    expect(logger.error).toHaveBeenCalled();

    ddb.reset();
    ddb.on(QueryCommand, { IndexName: 'GSI1' }).resolves({ Items: [{ connectionId: 'a' }] });
    ddb.on(QueryCommand, { KeyConditionExpression: 'pk = :pk' }).rejects(new Error('still down'));
    apigw.on(PostToConnectionCommand).rejects(new GoneException({ message: 'gone', $metadata: {} }));
    await expect(b.publish('event:e1', message)).resolves.toMatchObject({ gone: 1, failed: 0 });
  });

  it('refuses a message over the 128 KB frame limit without posting or throwing', async () => {
    subscribers(['a']);
    const { b, logger } = broadcaster();
    const huge = { type: 'queue-updated', data: { pad: 'x'.repeat(130 * 1024) } } as unknown as ServerMessage;
    expect(await b.publish('event:e1', huge)).toMatchObject({ delivered: 0, failed: 0 });
    expect(posted()).toEqual([]);
    expect(logger.error).toHaveBeenCalled();
  });
});

describe('sharding large audiences', () => {
  it('hands shards of `shardSize` connections to fan-out workers and posts none itself', async () => {
    const all = ids(2500);
    subscribers(all, 400);
    const shards: FanoutShard[] = [];
    const { b } = broadcaster({
      shardSize: 1000,
      invoker: {
        invoke: async (shard) => {
          shards.push(shard as FanoutShard);
        },
      },
    });
    const result = await b.publish('event:big', message);

    expect(result).toMatchObject({ shards: 3, dispatched: 3, delivered: 0 });
    expect(shards.map((s) => s.connectionIds.length)).toEqual([1000, 1000, 500]);
    expect(shards.every((s) => s.topic === 'event:big' && s.message === message)).toBe(true);
    expect(shards.flatMap((s) => s.connectionIds).sort()).toEqual([...all].sort());
    expect(posted()).toEqual([]);
  });

  it('keeps an audience of exactly `shardSize` in the publisher', async () => {
    subscribers(ids(1000), 300);
    const invoke = vi.fn();
    const { b } = broadcaster({ shardSize: 1000, invoker: { invoke } });
    expect(await b.publish('event:e1', message)).toMatchObject({ shards: 1, dispatched: 0, delivered: 1000 });
    expect(invoke).not.toHaveBeenCalled();
  });

  it('without a worker configured, posts every shard itself', async () => {
    subscribers(ids(2500), 1000);
    const { b } = broadcaster({ shardSize: 1000 });
    expect(await b.publish('event:big', message)).toMatchObject({
      shards: 3,
      dispatched: 0,
      delivered: 2500,
    });
    expect(new Set(posted()).size).toBe(2500);
  });

  it('posts a shard itself when its worker cannot be started', async () => {
    subscribers(ids(25), 100);
    let calls = 0;
    const { b, logger } = broadcaster({
      shardSize: 10,
      invoker: {
        invoke: async () => {
          calls++;
          if (calls === 2) throw new Error('TooManyRequestsException');
        },
      },
    });
    const result = await b.publish('event:e1', message);
    expect(result).toMatchObject({ shards: 3, dispatched: 2, delivered: 10 });
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('cuts shards so an asynchronous invoke payload stays under 256 KB even with a 128 KB message', () => {
    const connectionIds = Array.from(
      { length: 10_000 },
      (_, i) => `L0SM9cOFvHcC${String(i).padStart(4, '0')}`,
    );
    const messageBytes = 128 * 1024;
    const parts = splitForInvoke(connectionIds, messageBytes);
    expect(parts.flat()).toEqual(connectionIds);
    for (const part of parts) {
      expect(JSON.stringify({ topic: 'event:x', connectionIds: part }).length + messageBytes).toBeLessThan(
        ASYNC_INVOKE_MAX_BYTES,
      );
    }
    // The default shard size (1,000) always fits in one invoke.
    expect(splitForInvoke(connectionIds.slice(0, 1000), messageBytes)).toHaveLength(1);
  });
});

describe('deliver and send', () => {
  it('deliver posts a worker’s shard (deduplicated) with the same handling', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    apigw
      .on(PostToConnectionCommand, { ConnectionId: 'gone' })
      .rejects(new GoneException({ message: '', $metadata: {} }));
    const { b } = broadcaster();
    expect(await b.deliver(['a', 'b', 'a', 'gone'], message)).toMatchObject({ delivered: 2, gone: 1 });
  });

  it('send answers one connection and reports the outcome instead of throwing', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    apigw.on(PostToConnectionCommand, { ConnectionId: 'bad' }).rejects(new Error('boom'));
    const { b } = broadcaster();
    expect(await b.send('ok', message)).toBe('delivered');
    expect(await b.send('bad', message)).toBe('failed');
  });
});

describe('createLimiter', () => {
  it('never exceeds its bound, even when slots are released and taken in the same tick', async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    const work = async (ms: number) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, ms));
      active--;
    };
    await Promise.all(Array.from({ length: 50 }, (_, i) => limit(() => work(i % 3))));
    // Newcomers arriving while a slot is handed over must queue too.
    await Promise.all([
      ...Array.from({ length: 10 }, () => limit(() => work(1))),
      ...Array.from({ length: 10 }, () => Promise.resolve().then(() => limit(() => work(0)))),
    ]);
    expect(peak).toBe(3);
  });
});

describe('notices to many small topics (publishEach)', () => {
  const notices = (n: number) => Array.from({ length: n }, (_, i) => ({ topic: `user:u${i}`, message }));
  const gsiQueries = () =>
    ddb
      .commandCalls(QueryCommand)
      .filter((c) => (c.args[0].input as { IndexName?: string }).IndexName === 'GSI1');

  it('hands batches of at most NOTICES_PER_INVOKE to fan-out workers and queries nothing itself', async () => {
    // Prepare
    subscribers(['a']);
    const batches: FanoutNotices[] = [];
    const { b } = broadcaster({
      invoker: {
        invoke: async (work) => {
          batches.push(work as FanoutNotices);
        },
      },
    });
    // Act
    const out = await b.publishEach(notices(NOTICES_PER_INVOKE * 2 + 100));
    // Assess
    expect(out).toEqual({ dispatched: 3 });
    expect(batches.map((w) => w.notices.length)).toEqual([NOTICES_PER_INVOKE, NOTICES_PER_INVOKE, 100]);
    expect(batches.flatMap((w) => w.notices.map((n) => n.topic))).toEqual(
      notices(NOTICES_PER_INVOKE * 2 + 100).map((n) => n.topic),
    );
    expect(gsiQueries()).toHaveLength(0);
    expect(posted()).toEqual([]);
  });

  it('publishes a batch itself when its worker cannot be started, and everything when told to work here', async () => {
    subscribers(['a']);
    let calls = 0;
    const { b, logger } = broadcaster({
      invoker: {
        invoke: async () => {
          calls++;
          if (calls === 1) throw new Error('TooManyRequestsException');
        },
      },
    });
    expect(await b.publishEach(notices(NOTICES_PER_INVOKE + 1))).toEqual({ dispatched: 1 });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    // The failed batch (the first, 250 topics) was queried and posted from here.
    expect(gsiQueries()).toHaveLength(NOTICES_PER_INVOKE);
    expect(posted()).toHaveLength(NOTICES_PER_INVOKE);

    ddb.resetHistory();
    apigw.resetHistory();
    const worker = broadcaster({ invoker: { invoke: vi.fn() } });
    expect(await worker.b.publishEach(notices(3), { here: true })).toEqual({ dispatched: 0 });
    expect(gsiQueries()).toHaveLength(3);
    expect(posted()).toEqual(['a', 'a', 'a']);
  });

  it('cuts batches so an asynchronous invoke payload stays under its limit', () => {
    const big = Array.from({ length: 10 }, (_, i) => ({
      topic: `user:u${i}`,
      message: { type: 'queue-updated', data: { pad: 'x'.repeat(40_000) } } as unknown as ServerMessage,
    }));
    const batches = splitNotices(big, 100_000);
    expect(batches.map((x) => x.length)).toEqual([2, 2, 2, 2, 2]);
    for (const batch of batches)
      expect(Buffer.byteLength(JSON.stringify({ notices: batch }))).toBeLessThan(100_000);
  });
});
