import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { buildOpenApiDocument } from '../../shared/openapi';
import { getDynamo, getPool, getRedis } from '../shared/clients';
import { loadConfig } from '../shared/config';
import { createHttpHandler } from '../shared/http';
import { checkHealth } from './health';

/** platform: GET /health (each dependency) and GET /api/v1/openapi.json (generated from the route table). */
const config = loadConfig(['database', 'redis', 'connections']);
let openapi: ReturnType<typeof buildOpenApiDocument> | undefined;

export const handler = createHttpHandler('platform', {
  'platform.health': async () => {
    const health = await checkHealth(
      {
        postgres: async () => (await getPool()).query('SELECT 1'),
        redis: async () => (await getRedis()).ping(),
        dynamodb: async () =>
          (await getDynamo()).send(new DescribeTableCommand({ TableName: config.CONNECTIONS_TABLE })),
      },
      config.SERVICE_VERSION,
    );
    return { status: health.status === 'ok' ? 200 : 503, body: health };
  },
  'platform.openapi': async () => {
    openapi ??= buildOpenApiDocument(config.SERVICE_VERSION);
    return { status: 200, body: openapi };
  },
});
