import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { SeatChange, ServerMessage } from '../../../shared/ws';
import { getDynamo, getRedis } from '../clients';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { once } from '../once';
import { type Broadcaster, createBroadcaster, type Notice, type PublishResult } from './broadcaster';
import { type ConnectionCloser, sdkConnectionCloser } from './connection-closer';
import { type ConnectionPoster, signedConnectionPoster } from './connection-poster';
import { type ConnectionRepository, dynamoConnectionRepository } from './connection-repository';
import { lambdaFanoutInvoker } from './fanout-invoker';
import {
  createSeatChangePublisher,
  redisCoalesceBuffer,
  type SeatChangePublisher,
  type SeatChangePublishResult,
} from './seat-changes';

/**
 * The broadcaster's wiring, once per cold start: one connections repository, one management API client with
 * a keep-alive socket pool sized to the fan-out concurrency (a TLS handshake per post would cost more than
 * the post, see createConnectionPoster), one Lambda client for the fan-out workers. Functions that publish declare the config parts
 * `connections`, `websocketManagement` and `broadcast` (plus `redis` for seat changes).
 *
 *   await publish(topics.event(id), { type: 'ticket-updated', data })
 *   await publishSeatChanges(eventId, [{ id, status: 'held' }])
 */

export * from './broadcaster';
export * from './connection-closer';
export * from './connection-poster';
export * from './connection-repository';
export * from './fanout-invoker';
export * from './seat-changes';

const logger = createLogger('broadcast');

/**
 * The poster the broadcaster uses: SigV4-signed posts straight onto a keep-alive socket pool sized to the
 * fan-out concurrency (a TLS handshake per post would cost more than the post). Credentials and region come
 * from the SDK client's own provider chain, so rotation and the Lambda role work as for any SDK call.
 */
export function createConnectionPoster(endpoint: string, maxSockets: number): ConnectionPoster {
  const client = new ApiGatewayManagementApiClient({ endpoint });
  let region: Promise<string> | undefined;
  let poster: ConnectionPoster | undefined;
  return {
    async post(connectionId, data) {
      if (!poster) {
        region ??= client.config.region();
        const resolved = await region;
        poster ??= signedConnectionPoster({
          endpoint,
          region: resolved,
          credentials: client.config.credentials,
          maxSockets,
          requestTimeoutMs: 10_000,
        });
      }
      return poster.post(connectionId, data);
    },
  };
}

export const getConnectionRepository = once(async (): Promise<ConnectionRepository> => {
  const config = loadConfig(['connections']);
  return dynamoConnectionRepository(await getDynamo(), {
    table: config.CONNECTIONS_TABLE,
    ttlSeconds: config.CONNECTION_TTL_SECONDS,
  });
});

/** Server-side close of a connection (the realtime function's limits, logout). */
export const getConnectionCloser = once(async (): Promise<ConnectionCloser> => {
  const { WS_MANAGEMENT_ENDPOINT } = loadConfig(['websocketManagement']);
  return sdkConnectionCloser(new ApiGatewayManagementApiClient({ endpoint: WS_MANAGEMENT_ENDPOINT }));
});

export const getBroadcaster = once(async (): Promise<Broadcaster> => {
  const config = loadConfig(['connections', 'websocketManagement', 'broadcast']);
  return createBroadcaster({
    connections: await getConnectionRepository(),
    // Replies bypass the limiter, hence a few sockets on top of the fan-out concurrency.
    poster: createConnectionPoster(config.WS_MANAGEMENT_ENDPOINT, config.FANOUT_CONCURRENCY + 16),
    invoker: config.FANOUT_FUNCTION_NAME
      ? lambdaFanoutInvoker(new LambdaClient({}), config.FANOUT_FUNCTION_NAME)
      : undefined,
    concurrency: config.FANOUT_CONCURRENCY,
    shardSize: config.FANOUT_SHARD_SIZE,
    logger,
  });
});

export const getSeatChangePublisher = once(
  async (): Promise<SeatChangePublisher> =>
    createSeatChangePublisher({
      buffer: redisCoalesceBuffer(await getRedis()),
      broadcaster: await getBroadcaster(),
      logger,
    }),
);

const nothing = { delivered: 0, gone: 0, failed: 0 };

/** Publishes to a topic; never throws (a broadcast must not fail the change that caused it). */
export async function publish(topic: string, message: ServerMessage): Promise<PublishResult> {
  try {
    return await (await getBroadcaster()).publish(topic, message);
  } catch (error) {
    logger.error('broadcaster unavailable', { topic, error: error as Error });
    return { ...nothing, shards: 0, dispatched: 0 };
  }
}

/** One message per topic for many small topics (per-user notices); never throws. */
export async function publishEach(notices: readonly Notice[]): Promise<void> {
  try {
    await (await getBroadcaster()).publishEach(notices);
  } catch (error) {
    logger.error('broadcaster unavailable', { notices: notices.length, error: error as Error });
  }
}

/** Seat changes of one event, coalesced across instances into one message per type per 100 ms; never throws. */
export async function publishSeatChanges(
  eventId: string,
  changes: readonly SeatChange[],
): Promise<SeatChangePublishResult> {
  try {
    return await (await getSeatChangePublisher()).publishSeatChanges(eventId, changes);
  } catch (error) {
    logger.error('seat change publisher unavailable', { eventId, error: error as Error });
    return { flushed: false, messages: 0, seats: 0, result: nothing };
  }
}
