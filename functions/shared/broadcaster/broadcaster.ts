import type { Logger } from '@aws-lambda-powertools/logger';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { type ServerMessage, WS_MAX_FRAME_BYTES } from '../../../shared/ws';
import type { ConnectionPoster } from './connection-poster';
import type { ConnectionRepository } from './connection-repository';

/**
 * The broadcaster every function publishes through. `publish(topic, message)` reads the topic's subscribers
 * from GSI1 page by page (Query, never Scan) and posts the same bytes to each through the management API
 * with bounded concurrency. Audiences above `shardSize` are cut into shards handed to fan-out workers
 * (asynchronous Lambda invokes, see FanoutInvoker); without a worker the publisher posts every shard itself.
 *
 * Per post: 410 Gone → the connection's rows are deleted (the client left without `$disconnect`); throttling
 * → retried with exponential backoff and full jitter; anything else → counted and logged. Nothing is ever
 * thrown at the caller: a broadcast is a side effect of a committed change and must not undo or fail it.
 */

export interface PublishResult {
  /** Posts this process made that API Gateway accepted. */
  delivered: number;
  /** Connections that answered 410 and were removed. */
  gone: number;
  /** Posts that failed for any other reason (after retries for throttling). */
  failed: number;
  /** How many shards the audience was cut into (1 when it fits one shard, 0 when it is empty). */
  shards: number;
  /** Shards handed to fan-out workers; their posts are counted in the workers' logs, not here. */
  dispatched: number;
}

export interface FanoutShard {
  topic: string;
  connectionIds: string[];
  message: ServerMessage;
}

/** One message for each of many small topics (per-user notices), for a fan-out worker to publish. */
export interface FanoutNotices {
  notices: Notice[];
}
export interface Notice {
  topic: string;
  message: ServerMessage;
}

/**
 * Hands one shard, or a batch of notices, to a fan-out worker without waiting for its posts (Lambda
 * `InvocationType: Event`).
 */
export interface FanoutInvoker {
  invoke(work: FanoutShard | FanoutNotices): Promise<void>;
}

export type SendOutcome = 'delivered' | 'gone' | 'failed';

export interface Broadcaster {
  publish(topic: string, message: ServerMessage): Promise<PublishResult>;
  /**
   * One message per topic for many small topics (e.g. `queue-entry-allowed` to each admitted user): with a
   * worker configured, batches go to fan-out workers so the caller does not wait for a subscribers query per
   * topic; `here` (the worker itself) or no worker publishes them in this process, a bounded number at once.
   */
  publishEach(notices: readonly Notice[], options?: { here?: boolean }): Promise<{ dispatched: number }>;
  /** Posts to the given connections (a fan-out worker's shard). */
  deliver(connectionIds: readonly string[], message: ServerMessage, topic?: string): Promise<PublishResult>;
  /** One message to one connection (a handler's reply), with the same 410 and throttling handling. */
  send(connectionId: string, message: ServerMessage): Promise<SendOutcome>;
}

export type BroadcastLogger = Pick<Logger, 'debug' | 'warn' | 'error'>;

export interface BroadcasterDeps {
  connections: Pick<ConnectionRepository, 'subscribersPage' | 'remove'>;
  /** Posts one frame to one connection (`signedConnectionPoster` in production). */
  poster: ConnectionPoster;
  invoker?: FanoutInvoker;
  /** Posts in flight at once in this process (FANOUT_CONCURRENCY). */
  concurrency: number;
  /** Connections per shard (FANOUT_SHARD_SIZE). */
  shardSize: number;
  logger?: BroadcastLogger;
  /** Throttled posts: attempts in all, and the exponential backoff's base and cap (full jitter). */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** The jitter's source (tests). */
  random?: () => number;
}

/** Lambda's asynchronous invocation payload limit; shards are cut further to stay below it. */
export const ASYNC_INVOKE_MAX_BYTES = 256 * 1024;
const THROTTLING = new Set([
  'LimitExceededException',
  'TooManyRequestsException',
  'ThrottlingException',
  'ThrottledException',
]);

type AwsError = Error & { $metadata?: { httpStatusCode?: number } };
const statusOf = (error: unknown) => (error as AwsError)?.$metadata?.httpStatusCode;
export const isGone = (error: unknown) =>
  (error as Error)?.name === 'GoneException' || statusOf(error) === 410;
export const isThrottling = (error: unknown) =>
  THROTTLING.has((error as Error)?.name) || statusOf(error) === 429;

/** A counting semaphore whose released slot passes straight to the next waiter, so the bound is exact. */
export function createLimiter(max: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async function limit<T>(work: () => Promise<T>): Promise<T> {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

const emptyResult = (): PublishResult => ({ delivered: 0, gone: 0, failed: 0, shards: 0, dispatched: 0 });

function add(into: PublishResult, from: PublishResult): void {
  into.delivered += from.delivered;
  into.gone += from.gone;
  into.failed += from.failed;
}

/**
 * Cuts `items` greedily into runs whose summed `sizeOf` (plus `initial`) stays within `budget`, at most
 * `maxCount` per run; an item larger than the budget goes alone.
 */
function splitBySize<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  budget: number,
  { initial = 0, maxCount = Number.POSITIVE_INFINITY } = {},
): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = initial;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length && (bytes + size > budget || current.length >= maxCount)) {
      out.push(current);
      current = [];
      bytes = initial;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

/** Cuts ids so that each `{ topic, connectionIds, message }` payload stays under the async invoke limit. */
export function splitForInvoke(
  ids: string[],
  fixedBytes: number,
  limit = ASYNC_INVOKE_MAX_BYTES,
): string[][] {
  // Envelope and key names take up to 1 KB; each id adds its quotes and a comma to the brackets.
  return splitBySize(ids, (id) => Buffer.byteLength(id) + 3, limit - fixedBytes - 1024, { initial: 2 });
}

export function createBroadcaster(deps: BroadcasterDeps): Broadcaster {
  const maxAttempts = deps.retry?.maxAttempts ?? 5;
  const baseDelayMs = deps.retry?.baseDelayMs ?? 50;
  const maxDelayMs = deps.retry?.maxDelayMs ?? 2_000;
  const random = deps.random ?? Math.random;
  const logger = deps.logger;
  // Throttled posts are retried by cockatiel with exponential backoff and full jitter: the n-th retry waits
  // random() · min(cap, base · 2^(n−1)), which spreads the retries of many concurrent posts instead of
  // re-synchronising them. (cockatiel's fullJitterGenerator is this formula with Math.random.)
  const throttled = retry(handleWhen(isThrottling), {
    maxAttempts: maxAttempts - 1,
    backoff: new ExponentialBackoff<number>({
      initialDelay: baseDelayMs,
      maxDelay: maxDelayMs,
      generator: (attempt = 0, o) => [
        Math.floor(random() * Math.min(o.maxDelay, o.initialDelay * 2 ** attempt)),
        attempt + 1,
      ],
    }),
  });
  throttled.onRetry(({ delay }) => logger?.debug('post throttled, retrying', { delayMs: delay }));
  // One bound per process (per cold start), shared by every publish running in it, matching the HTTP agent's
  // socket pool: concurrent publishes cannot multiply the in-flight posts.
  const limit = createLimiter(deps.concurrency);
  // Per-topic publishes of a batch of notices: each is a subscribers query plus its posts, so they are bounded
  // apart from the posts (which share `limit` with every other publish).
  const noticeLimit = createLimiter(deps.concurrency);

  async function postOnce(connectionId: string, data: Uint8Array): Promise<SendOutcome> {
    try {
      await throttled.execute(() => deps.poster.post(connectionId, data));
      return 'delivered';
    } catch (error) {
      if (!isGone(error)) throw error;
      try {
        await deps.connections.remove(connectionId);
      } catch (cleanup) {
        // The sweep (or DynamoDB TTL) removes the rows later; the stale connection only costs a 410.
        logger?.warn('removing a gone connection failed', { connectionId, error: String(cleanup) });
      }
      return 'gone';
    }
  }

  /** Posts `data` to every id under the shared limit; counts outcomes, never throws. */
  async function postAll(ids: readonly string[], data: Uint8Array, topic?: string): Promise<PublishResult> {
    const result = emptyResult();
    let sample: unknown;
    await Promise.all(
      ids.map((id) =>
        limit(() => postOnce(id, data)).then(
          (outcome) => {
            if (outcome === 'delivered') result.delivered++;
            else result.gone++;
          },
          (error: unknown) => {
            result.failed++;
            sample ??= error;
          },
        ),
      ),
    );
    if (result.failed) {
      // One line per batch, not one per connection: a misconfiguration must not flood the logs.
      logger?.error('posts failed', {
        topic,
        failed: result.failed,
        of: ids.length,
        error: (sample as Error)?.name,
        detail: String((sample as Error)?.message ?? sample),
      });
    }
    return result;
  }

  function encode(message: ServerMessage): Uint8Array | undefined {
    const data = Buffer.from(JSON.stringify(message));
    if (data.length > WS_MAX_FRAME_BYTES) {
      // API Gateway would refuse it (PayloadTooLargeException) for every subscriber; callers chunk instead.
      logger?.error('message over the 128 KB frame limit not sent', {
        type: message.type,
        bytes: data.length,
      });
      return undefined;
    }
    return data;
  }

  const broadcaster: Broadcaster = {
    async publish(topic, message) {
      const result = emptyResult();
      const data = encode(message);
      if (!data) return result;
      const work: Promise<void>[] = [];
      const messageBytes = data.length + Buffer.byteLength(topic);

      const postShard = (ids: string[]) => {
        work.push(postAll(ids, data, topic).then((r) => add(result, r)));
      };
      const dispatchShard = (ids: string[]) => {
        if (!deps.invoker) {
          result.shards++;
          return postShard(ids);
        }
        const invoker = deps.invoker;
        for (const part of splitForInvoke(ids, messageBytes)) {
          result.shards++;
          work.push(
            invoker.invoke({ topic, connectionIds: part, message }).then(
              () => {
                result.dispatched++;
              },
              async (error: unknown) => {
                // A worker we cannot start must not lose the shard: post it from here instead.
                logger?.warn('fan-out invoke failed; posting the shard here', {
                  topic,
                  connections: part.length,
                  error: String(error),
                });
                add(result, await postAll(part, data, topic));
              },
            ),
          );
        }
      };

      try {
        let pending: string[] = [];
        let sharded = false;
        let cursor: Record<string, unknown> | undefined;
        do {
          const page = await deps.connections.subscribersPage(topic, cursor);
          pending.push(...page.connectionIds);
          cursor = page.cursor;
          // Full shards leave as soon as they are known to be part of a large audience, while paging goes on.
          while (pending.length > deps.shardSize || (sharded && pending.length >= deps.shardSize)) {
            sharded = true;
            dispatchShard(pending.slice(0, deps.shardSize));
            pending = pending.slice(deps.shardSize);
          }
        } while (cursor);
        if (pending.length) {
          if (sharded) dispatchShard(pending);
          else {
            result.shards = 1;
            postShard(pending);
          }
        }
      } catch (error) {
        // Reading subscribers failed (DynamoDB down or throttled): whatever was dispatched still goes out.
        logger?.error('reading subscribers failed', { topic, error: String(error) });
      }
      await Promise.all(work);
      logger?.debug('published', { topic, type: message.type, ...result });
      return result;
    },

    async publishEach(notices, options = {}) {
      const here = (batch: readonly Notice[]) =>
        Promise.all(batch.map((n) => noticeLimit(() => broadcaster.publish(n.topic, n.message))));
      if (!notices.length) return { dispatched: 0 };
      if (!deps.invoker || options.here) {
        await here(notices);
        return { dispatched: 0 };
      }
      const invoker = deps.invoker;
      let dispatched = 0;
      await Promise.all(
        splitNotices(notices).map((batch) =>
          invoker.invoke({ notices: batch }).then(
            () => {
              dispatched++;
            },
            async (error: unknown) => {
              // A worker we cannot start must not lose the notices: publish them from here instead.
              logger?.warn('fan-out invoke failed; publishing the notices here', {
                notices: batch.length,
                error: String(error),
              });
              await here(batch);
            },
          ),
        ),
      );
      return { dispatched };
    },

    async deliver(connectionIds, message, topic) {
      const data = encode(message);
      if (!data) return { ...emptyResult(), failed: connectionIds.length };
      const unique = [...new Set(connectionIds)];
      return { ...(await postAll(unique, data, topic)), shards: unique.length ? 1 : 0 };
    },

    async send(connectionId, message) {
      const data = encode(message);
      if (!data) return 'failed';
      // Replies skip the shared limit: one reply must not queue behind a large broadcast in this process.
      return postOnce(connectionId, data).catch((error: unknown) => {
        logger?.warn('reply failed', { connectionId, error: String(error) });
        return 'failed' as const;
      });
    },
  };
  return broadcaster;
}

/** Notices per asynchronous hand-off at most; fewer when their bytes would pass the invoke payload limit. */
export const NOTICES_PER_INVOKE = 250;

/** Cuts notices into batches of at most NOTICES_PER_INVOKE whose `{ notices }` payload stays under the limit. */
export function splitNotices(notices: readonly Notice[], limit = ASYNC_INVOKE_MAX_BYTES): Notice[][] {
  return splitBySize(notices, (n) => Buffer.byteLength(JSON.stringify(n)) + 1, limit - 1024, {
    maxCount: NOTICES_PER_INVOKE,
  });
}
