import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createHttpHandler } from './http';

// The denylist without Redis: session `ended` is denylisted, any other is live.
vi.mock('./session-denylist', () => ({
  getSessionDenylist: async () => ({
    isDenied: async ({ sid }: { sid?: string }) => {
      if (sid === 'redis-down') throw Object.assign(new Error('Connection is closed.'), { name: 'Error' });
      return sid === 'ended';
    },
    deny: async () => {},
  }),
}));

const handler = createHttpHandler('auth', {
  'auth.register': async () => ({ status: 201, body: {} }),
  'auth.login': async () => ({ status: 200, body: {} }),
  'auth.refresh': async () => ({ status: 200, body: {} }),
  'auth.logout': async () => ({ status: 204 }),
  'auth.me': async (req) => ({ status: 200, body: { id: req.auth.userId } }),
  'auth.jwks': async () => ({ status: 200, body: { keys: [] } }),
});

const me = (sid: string) =>
  handler(
    {
      resource: '/api/v1/auth/me',
      httpMethod: 'GET',
      headers: {},
      requestContext: {
        requestId: 'r',
        authorizer: { userId: 'u-1', role: 'user', email: 'a@example.com', sid, jti: `jti-${sid}` },
      },
    } as unknown as APIGatewayProxyEvent,
    { awsRequestId: 'req-1' } as Context,
  ) as Promise<APIGatewayProxyResult>;

describe('HTTP edge: ended sessions', () => {
  it('refuses a token of an ended session even when the authorizer (cached) allowed it', async () => {
    // Act
    const ended = await me('ended');
    const live = await me('live');
    // Assess
    expect(ended.statusCode).toBe(401);
    expect(JSON.parse(ended.body).error.code).toBe('TOKEN_INVALID');
    expect(live.statusCode).toBe(200);
  });

  it('answers a clear 503 with Retry-After when the denylist cannot be read (fails closed, not a 500)', async () => {
    // Act
    const res = await me('redis-down');
    // Assess
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['Retry-After']).toBeDefined();
    expect(JSON.parse(res.body).error.code).toBe('DEPENDENCY_UNAVAILABLE');
  });
});
