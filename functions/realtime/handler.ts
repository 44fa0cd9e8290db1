import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import type { ErrorCode } from '../../shared/errors';
import { clientMessageSchema, type ServerMessage } from '../../shared/ws';
import { getDynamo } from '../shared/clients';
import { loadConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import {
  type ConnectionRepository,
  dynamoConnectionRepository,
} from './adapters/dynamo-connection-repository';

/**
 * realtime: the WebSocket API's `$connect`, `$disconnect`, `$default` and action routes. The user id is the
 * one the `$connect` authorizer verified, never anything a frame says. Replies go out through the
 * management API (PostToConnection), the same path broadcasts take.
 */
const config = loadConfig(['connections', 'websocketManagement']);
const logger = createLogger('realtime');
const management = new ApiGatewayManagementApiClient({ endpoint: config.WS_MANAGEMENT_ENDPOINT });
let connections: ConnectionRepository | undefined;
const repo = async () => {
  connections ??= dynamoConnectionRepository(await getDynamo(), {
    table: config.CONNECTIONS_TABLE,
    ttlSeconds: config.CONNECTION_TTL_SECONDS,
  });
  return connections;
};

type WsEvent = APIGatewayProxyWebsocketEventV2 & {
  requestContext: APIGatewayProxyWebsocketEventV2['requestContext'] & {
    authorizer?: { userId?: string; role?: string };
    identity?: { sourceIp?: string };
  };
};

const ok: APIGatewayProxyResult = { statusCode: 200, body: '' };

async function send(connectionId: string, message: ServerMessage): Promise<void> {
  try {
    await management.send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(message)) }),
    );
  } catch (err) {
    if (err instanceof GoneException) {
      await (await repo()).remove(connectionId); // the client left without $disconnect
      return;
    }
    logger.warn('post to connection failed', { connectionId, error: err as Error });
  }
}

const sendError = (connectionId: string, code: ErrorCode, message: string) =>
  send(connectionId, { type: 'error', data: { code, message } });

export async function handler(event: WsEvent): Promise<APIGatewayProxyResult> {
  const { routeKey, connectionId } = event.requestContext;
  try {
    if (routeKey === '$connect') {
      const userId = event.requestContext.authorizer?.userId;
      if (!userId) return { statusCode: 401, body: 'Unauthorized' };
      await (await repo()).add({
        connectionId,
        userId,
        connectedAt: event.requestContext.connectedAt,
        sourceIp: event.requestContext.identity?.sourceIp,
      });
      return ok;
    }
    if (routeKey === '$disconnect') {
      await (await repo()).remove(connectionId);
      return ok;
    }
    return await onMessage(connectionId, event.body);
  } catch (err) {
    logger.error('websocket route failed', { routeKey, error: err as Error });
    if (routeKey !== '$connect' && routeKey !== '$disconnect') {
      await sendError(connectionId, 'INTERNAL', 'Internal server error');
    }
    return { statusCode: 500, body: '' };
  }
}

async function onMessage(connectionId: string, body: string | undefined): Promise<APIGatewayProxyResult> {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    await sendError(connectionId, 'MALFORMED_JSON', 'Frames must be JSON objects with an "action"');
    return ok;
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (!parsed.success) {
    await sendError(connectionId, 'VALIDATION_FAILED', 'Unknown action or invalid fields');
    return ok;
  }
  switch (parsed.data.action) {
    case 'ping':
      await send(connectionId, { type: 'pong', data: { at: new Date().toISOString() } });
      return ok;
    default:
      // Topic subscriptions, seat selection, queue and resume arrive with the realtime issue.
      await sendError(connectionId, 'VALIDATION_FAILED', `Action ${parsed.data.action} is not available yet`);
      return ok;
  }
}
