import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import type { ErrorCode } from '../../shared/errors';
import type { ServerMessage } from '../../shared/ws';
import { getBroadcaster, getConnectionRepository } from '../shared/broadcaster';
import { managementApiCloser } from '../shared/broadcaster/connection-closer';
import { getPool, getRedis } from '../shared/clients';
import { loadConfig } from '../shared/config';
import { AppError } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { once } from '../shared/once';
import { getSessionDenylist } from '../shared/session-denylist';
import { pgEventDirectory } from './adapters/pg-event-directory';
import { redisFrameLimiter } from './adapters/redis-frame-limiter';
import { redisSessionStore } from './adapters/redis-session-store';
import type { Caller, FrameLimits, RealtimeDeps, UserConnections } from './ports';
import { handleClientMessage, parseFrame } from './use-cases/client-message';
import { enforceConnectionCap } from './use-cases/connection-cap';

/**
 * realtime: the WebSocket API's `$connect`, `$disconnect`, `$default` and action routes. The user id is the
 * one the `$connect` authorizer verified — API Gateway (and the local emulator) hands its context to every
 * message of the connection; the connection row is the fallback — never anything a frame says. Replies go
 * out through the management API (PostToConnection), the same path broadcasts take.
 */
// Parsed once at cold start so a missing variable fails loudly, listing all of them.
const config = loadConfig(['connections', 'websocketManagement', 'broadcast', 'redis', 'database']);
const logger = createLogger('realtime');

/**
 * Frames per connection (docs/realtime.md): a burst of 20, then 5 a second; a frame over budget is answered with
 * `error` TOO_MANY_REQUESTS, and 20 over-budget frames in a row (sustained abuse) close the connection.
 */
export const FRAME_LIMITS: FrameLimits = { capacity: 20, refillPerSecond: 5, strikesToClose: 20 };

/** What the WebSocket edge itself needs: the frame budget, the ended-session check, closing connections. */
const getEdge = once(async () => {
  const [redis, connections, broadcaster, denylist] = await Promise.all([
    getRedis(),
    getConnectionRepository(),
    getBroadcaster(),
    getSessionDenylist(),
  ]);
  const closer = managementApiCloser(
    new ApiGatewayManagementApiClient({ endpoint: config.WS_MANAGEMENT_ENDPOINT }),
  );
  return {
    frames: redisFrameLimiter(redis, FRAME_LIMITS),
    denylist,
    closer,
    userConnections: {
      ofUser: (userId: string) => connections.ofUser(userId),
      close: (id: string) => closer.close(id),
      notify: async (id: string, message: ServerMessage) => {
        await broadcaster.send(id, message);
      },
    } satisfies UserConnections,
  };
});

let deps: Promise<RealtimeDeps> | undefined;
const getDeps = () =>
  (deps ??= (async () => ({
    sessions: redisSessionStore(await getRedis()),
    events: pgEventDirectory(await getPool()),
    subscriptions: await getConnectionRepository(),
    now: () => new Date(),
  }))().catch((err) => {
    deps = undefined;
    throw err;
  }));

type WsEvent = APIGatewayProxyWebsocketEventV2 & {
  requestContext: APIGatewayProxyWebsocketEventV2['requestContext'] & {
    authorizer?: { userId?: string; role?: string; sid?: string; jti?: string };
    identity?: { sourceIp?: string };
  };
};

const ok: APIGatewayProxyResult = { statusCode: 200, body: '' };

const sendError = async (connectionId: string, code: ErrorCode, message: string) => {
  await (await getBroadcaster()).send(connectionId, { type: 'error', data: { code, message } });
};

export async function handler(event: WsEvent): Promise<APIGatewayProxyResult> {
  const { routeKey, connectionId } = event.requestContext;
  try {
    if (routeKey === '$connect') {
      const { userId, sid, jti } = event.requestContext.authorizer ?? {};
      if (!userId) return { statusCode: 401, body: 'Unauthorized' };
      const edge = await getEdge();
      // Also checked by the authorizer; here too because a logout may land between the two.
      if (await edge.denylist.isDenied({ sid, jti })) return { statusCode: 401, body: 'Unauthorized' };
      await (await getConnectionRepository()).add({
        connectionId,
        userId,
        connectedAt: event.requestContext.connectedAt,
        sourceIp: event.requestContext.identity?.sourceIp,
        sessionId: sid,
      });
      // The cap must not cost the user the connection they are opening: a failure is logged, not fatal.
      await enforceConnectionCap(edge.userConnections, { userId, connectionId }).catch((err: unknown) =>
        logger.warn('connection cap not enforced', { error: err as Error }),
      );
      return ok;
    }
    if (routeKey === '$disconnect') {
      await (await getConnectionRepository()).remove(connectionId);
      return ok;
    }
    await onMessage(event);
    return ok;
  } catch (err) {
    logger.error('websocket route failed', { routeKey, error: err as Error });
    if (routeKey !== '$connect' && routeKey !== '$disconnect') {
      await sendError(connectionId, 'INTERNAL', 'Internal server error').catch(() => {});
    }
    return { statusCode: 500, body: '' };
  }
}

async function callerOf(event: WsEvent): Promise<Caller | null> {
  const { connectionId, connectedAt } = event.requestContext;
  const userId =
    event.requestContext.authorizer?.userId ??
    (await (await getConnectionRepository()).get(connectionId))?.userId;
  return userId ? { connectionId, userId, connectedAt } : null;
}

async function onMessage(event: WsEvent): Promise<void> {
  const { connectionId } = event.requestContext;
  const edge = await getEdge();
  // Counted before anything else, malformed frames included.
  const budget = await edge.frames.take(connectionId);
  if (budget !== 'allow') {
    await sendError(connectionId, 'TOO_MANY_REQUESTS', 'Too many messages; slow down').catch(() => {});
    if (budget === 'close') await edge.closer.close(connectionId);
    return;
  }
  const frame = parseFrame(event.body);
  if (!frame.ok) return sendError(connectionId, frame.code, frame.message);
  const caller = await callerOf(event);
  if (!caller) return sendError(connectionId, 'UNAUTHENTICATED', 'Connection is not signed in');
  try {
    const reply = await handleClientMessage(await getDeps(), caller, frame.message);
    if (reply) await (await getBroadcaster()).send(connectionId, reply);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    // Expected refusals (unknown event…): the client hears why; the connection stays up.
    await sendError(connectionId, err.code, err.message);
  }
}
