import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HEALTH_KEY_HEADER } from '../../shared/edge';
import { type HealthDeps, health } from './health';

const KEY = 'k'.repeat(64);

function depsWith(): HealthDeps & { probed: string[]; keyReads: number } {
  const probed: string[] = [];
  const deps = {
    probed,
    keyReads: 0,
    version: '1.2.3',
    probes: {
      postgres: async () => probed.push('postgres'),
      redis: async () => probed.push('redis'),
    },
    key: async () => {
      deps.keyReads += 1;
      return KEY;
    },
  };
  return deps;
}

describe('health', () => {
  it('is shallow without the key: touches no dependency and reads no secret', async () => {
    // Prepare
    const deps = depsWith();

    // Act
    const result = await health(deps, undefined);

    // Assess
    expect(result).toEqual({ status: 200, body: { status: 'ok', version: '1.2.3', dependencies: {} } });
    expect(deps.probed).toEqual([]);
    expect(deps.keyReads).toBe(0);
  });

  it('is shallow with a wrong key', async () => {
    // Prepare
    const deps = depsWith();

    // Act
    const result = await health(deps, `${KEY}x`);

    // Assess
    expect(result.body.dependencies).toEqual({});
    expect(deps.probed).toEqual([]);
  });

  it('checks every dependency with the platform key, 503 when one is down', async () => {
    // Prepare
    const deps = depsWith();
    const down = {
      ...deps,
      probes: { ...deps.probes, redis: async () => Promise.reject(new Error('ECONNREFUSED')) },
    };

    // Act
    const up = await health(deps, KEY);
    const probedWhenUp = [...deps.probed].sort();
    const degraded = await health(down, KEY);

    // Assess
    expect(up.status).toBe(200);
    expect(Object.keys(up.body.dependencies).sort()).toEqual(['postgres', 'redis']);
    expect(probedWhenUp).toEqual(['postgres', 'redis']);
    expect(degraded.status).toBe(503);
    expect(degraded.body).toMatchObject({ status: 'degraded', dependencies: { redis: { status: 'down' } } });
  });
});

describe('GET /health (platform handler)', () => {
  let handler: (e: APIGatewayProxyEvent, c: Context) => Promise<APIGatewayProxyResult>;
  beforeAll(async () => {
    // Endpoints nothing listens on: a shallow check must answer without trying any of them.
    vi.stubEnv('DATABASE_URL', 'postgresql://nobody@127.0.0.1:1/none');
    vi.stubEnv('REDIS_URL', 'redis://127.0.0.1:1');
    vi.stubEnv('CONNECTIONS_TABLE', 'none');
    vi.stubEnv('HEALTH_CHECK_KEY', KEY);
    ({ handler } = await import('./handler'));
  });
  afterAll(() => vi.unstubAllEnvs());

  it('answers 200 with no dependency details to a public caller', async () => {
    // Prepare
    const event = {
      resource: '/health',
      path: '/health',
      httpMethod: 'GET',
      headers: { [HEALTH_KEY_HEADER]: 'guess' },
      requestContext: { requestId: 'r1', identity: { sourceIp: '203.0.113.9' } },
    } as unknown as APIGatewayProxyEvent;

    // Act
    const res = await handler(event, { awsRequestId: 'r1' } as Context);

    // Assess
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok', version: expect.any(String), dependencies: {} });
  });
});
