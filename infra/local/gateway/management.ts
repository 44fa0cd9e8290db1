import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WS_MAX_FRAME_BYTES } from '../../../shared/ws';
import { BodyTooLargeError, readBody } from './http';
import type { WebSocketGateway } from './websocket';

/**
 * The `@connections` management API (`POST|GET|DELETE {endpoint}/@connections/{id}`), wire-compatible with
 * the unmodified ApiGatewayManagementApiClient (REST-JSON: error type in `x-amzn-ErrorType`, camelCase
 * fields, ISO timestamps). Requests must be SigV4-signed, but the signature is not verified (loopback only).
 */

/** `/ws/@connections/<id>` (the SDK may or may not percent-encode the `@`) → the decoded connection id. */
export function connectionIdFromPath(pathname: string, base = '/ws'): string | undefined {
  const m = new RegExp(`^${base}/(?:@|%40)connections/([^/]+)$`, 'i').exec(pathname);
  if (!m?.[1]) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
}

function awsError(res: ServerResponse, status: number, type: string, message: string | null): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-ErrorType': type,
  });
  res.end(body);
}

export async function handleManagement(
  gateway: WebSocketGateway,
  req: IncomingMessage,
  res: ServerResponse,
  connectionId: string,
): Promise<number> {
  const requestId = randomUUID();
  res.setHeader('x-amzn-RequestId', requestId);
  // Like AWS, only signed requests get in (the signature itself is not verified). This keeps a web page the
  // developer happens to visit from posting into their connections: it cannot send this header cross-origin.
  if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
    req.resume();
    awsError(res, 403, 'ForbiddenException', 'Missing Authentication Token');
    return 403;
  }
  switch (req.method) {
    case 'POST': {
      let data: Buffer;
      try {
        data = await readBody(req, WS_MAX_FRAME_BYTES);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        awsError(res, 413, 'PayloadTooLargeException', 'Message too long');
        return 413;
      }
      if (!gateway.post(connectionId, data)) {
        awsError(res, 410, 'GoneException', null);
        return 410;
      }
      res.writeHead(200, { 'Content-Length': 0 }).end();
      return 200;
    }
    case 'GET': {
      req.resume();
      const connection = gateway.get(connectionId);
      if (!connection) {
        awsError(res, 410, 'GoneException', null);
        return 410;
      }
      const body = JSON.stringify({
        connectedAt: new Date(connection.connectedAt).toISOString(),
        identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent ?? '' },
        lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
      });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return 200;
    }
    case 'DELETE': {
      req.resume();
      if (!gateway.disconnect(connectionId)) {
        awsError(res, 410, 'GoneException', null);
        return 410;
      }
      res.writeHead(204).end();
      return 204;
    }
    default:
      req.resume();
      awsError(res, 403, 'ForbiddenException', `${req.method} is not supported on @connections`);
      return 403;
  }
}
