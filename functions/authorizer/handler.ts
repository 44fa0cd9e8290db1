import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { MANIFEST } from '../manifest';
import { loadConfig } from '../shared/config';
import { getAccessTokenVerifier, type VerifiedClaims } from '../shared/jwt';
import { createLogger, withLambdaContext } from '../shared/logger';
import { getSessionDenylist, type SessionDenylist } from '../shared/session-denylist';
import { isTransient } from '../shared/transient';

// Parsed once at cold start so a missing variable fails loudly, listing all of them.
loadConfig(MANIFEST.authorizer.parts);

/**
 * Lambda REQUEST authorizers. They only authenticate: the verified token's `sub`, `role` and `email` become
 * the context every handler reads its caller from, with the session id `sid` and token id `jti` (http.ts checks
 * them again, in case API Gateway serves a cached decision). A token of an ended session (logout) is refused.
 * Role checks happen again in handlers and use cases.
 * Throwing exactly `Unauthorized` is API Gateway's convention for a 401.
 */
const logger = createLogger('authorizer');

function policy(
  principalId: string,
  effect: 'Allow' | 'Deny',
  resource: string,
  context?: Record<string, string>,
) {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
    },
    ...(context ? { context } : {}),
  } satisfies APIGatewayAuthorizerResult;
}

async function authorize(token: string | undefined, methodArn: string) {
  if (!token) throw new Error('Unauthorized');
  let claims: VerifiedClaims;
  try {
    claims = await (await getAccessTokenVerifier()).verify(token);
  } catch (err) {
    logger.info('token rejected', { reason: (err as Error).name });
    throw new Error('Unauthorized');
  }
  if (await sessionEnded(claims)) {
    logger.info('token rejected', { reason: 'session ended' });
    throw new Error('Unauthorized');
  }
  return policy(claims.sub, 'Allow', methodArn, {
    userId: claims.sub,
    role: claims.role,
    email: claims.email,
    jti: claims.jti,
    ...(claims.sid ? { sid: claims.sid } : {}),
  });
}

/**
 * Whether the token's session was ended (logout). When Redis cannot answer (an outage, a failover) the decision
 * is left to the handler, which checks the denylist again on every route (http.ts) and on `$connect`, and then
 * fails closed with a clear 503 + Retry-After: an authorizer that threw would make API Gateway answer a bare 500.
 */
export async function sessionEnded(
  claims: { sid?: string; jti?: string },
  denylist: () => Promise<Pick<SessionDenylist, 'isDenied'>> = getSessionDenylist,
): Promise<boolean> {
  try {
    return await (await denylist()).isDenied(claims);
  } catch (error) {
    if (!isTransient(error)) throw error;
    logger.warn('session denylist unreadable; the handler decides', { error: error as Error });
    return false;
  }
}

function headerOf(event: APIGatewayRequestAuthorizerEvent, name: string): string | undefined {
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === name && v) return v;
  return undefined;
}

/** REST: `Authorization: Bearer <access token>`. */
async function restHandler(event: APIGatewayRequestAuthorizerEvent) {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(headerOf(event, 'authorization') ?? '');
  return authorize(match?.[1], event.methodArn);
}
export const handler = withLambdaContext(restHandler);

/** WebSocket `$connect`: browsers cannot set headers on a WebSocket, so the token rides in `?token=`. */
async function webSocketHandler(event: APIGatewayRequestAuthorizerEvent) {
  return authorize(event.queryStringParameters?.token ?? undefined, event.methodArn);
}
export const wsHandler = withLambdaContext(webSocketHandler);
