import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import type { ErrorCode } from '../../shared/errors';
import { MANIFEST } from '../manifest';
import { getBroadcaster, getConnectionCloser, getConnectionRepository } from '../shared/broadcaster';
import { getPool, getRedis } from '../shared/clients';
import { loadConfig } from '../shared/config';
import { AppError } from '../shared/errors';
import { createLogger, withLambdaContext } from '../shared/logger';
import { getSessionDenylist } from '../shared/session-denylist';
import { pgEventDirectory } from './adapters/pg-event-directory';
import { redisFrameLimiter } from './adapters/redis-frame-limiter';
import { redisSessionStore } from './adapters/redis-session-store';
import type { Caller, ConnectionControl, FrameLimiter, RealtimeDeps } from './ports';
import { handleClientMessage, parseFrame } from './use-cases/client-message';
import { admitFrame, connect } from './use-cases/limits';

/**
 * realtime: the WebSocket API's `$connect`, `$disconnect`, `$default` and action routes. The user id is the
 * one the `$connect` authorizer verified — API Gateway (and the local emulator) hands its context to every
 * message of the connection; the connection row is the fallback — never anything a frame says. Replies go
 * out through the management API (PostToConnection), the same path broadcasts take.
 */
// Parsed once at cold start so a missing variable fails loudly, listing all of them.
loadConfig(MANIFEST.realtime.parts);
const logger = createLogger('realtime');

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

let control: Promise<ConnectionControl & { limiter: FrameLimiter }> | undefined;
const getControl = () =>
  (control ??= (async () => {
    const broadcaster = await getBroadcaster();
    return {
      connections: await getConnectionRepository(),
      closer: await getConnectionCloser(),
      send: (connectionId: string, message: Parameters<typeof broadcaster.send>[1]) =>
        broadcaster.send(connectionId, message),
      limiter: redisFrameLimiter(await getRedis()),
    };
  })().catch((err) => {
    control = undefined;
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

async function route(event: WsEvent): Promise<APIGatewayProxyResult> {
  const { routeKey, connectionId } = event.requestContext;
  try {
    if (routeKey === '$connect') {
      const { userId, sid, jti } = event.requestContext.authorizer ?? {};
      if (!userId) return { statusCode: 401, body: 'Unauthorized' };
      // Also checked by the authorizer; here too because a logout may land between the two.
      if (await (await getSessionDenylist()).isDenied({ sid, jti })) {
        return { statusCode: 401, body: 'Unauthorized' };
      }
      const { accepted } = await connect(await getControl(), {
        connectionId,
        userId,
        connectedAt: event.requestContext.connectedAt,
        sourceIp: event.requestContext.identity?.sourceIp,
        sessionId: sid,
      });
      return accepted ? ok : { statusCode: 429, body: 'Too many connections' };
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
export const handler = withLambdaContext(route);

async function callerOf(event: WsEvent): Promise<Caller | null> {
  const { connectionId, connectedAt } = event.requestContext;
  const userId =
    event.requestContext.authorizer?.userId ??
    (await (await getConnectionRepository()).get(connectionId))?.userId;
  return userId ? { connectionId, userId, connectedAt } : null;
}

async function onMessage(event: WsEvent): Promise<void> {
  const { connectionId } = event.requestContext;
  // Every frame, even a malformed one, takes a token first.
  if ((await admitFrame(await getControl(), connectionId, Date.now())) !== 'handle') return;
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
