import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HEALTH_KEY_HEADER } from '../../shared/edge';
import { buildOpenApiDocument } from '../../shared/openapi';
import { MANIFEST } from '../manifest';
import { getDynamo, getPool, getRedis, readSecretJson } from '../shared/clients';
import { loadConfig } from '../shared/config';
import { createHttpHandler } from '../shared/http';
import { once } from '../shared/once';
import { health } from './health';

/** platform: GET /health (shallow; each dependency with the health-check key) and GET /api/v1/openapi.json. */
const config = loadConfig(MANIFEST.platform.parts);
let openapi: ReturnType<typeof buildOpenApiDocument> | undefined;

const healthKey = once(async () =>
  config.HEALTH_CHECK_KEY
    ? config.HEALTH_CHECK_KEY
    : (await readSecretJson<{ key: string }>(config.HEALTH_CHECK_SECRET_ARN as string)).key,
);

export const handler = createHttpHandler('platform', {
  'platform.health': async ({ headers }) =>
    health(
      {
        probes: {
          postgres: async () => (await getPool()).query('SELECT 1'),
          redis: async () => (await getRedis()).ping(),
          dynamodb: async () =>
            (await getDynamo()).send(new DescribeTableCommand({ TableName: config.CONNECTIONS_TABLE })),
        },
        version: config.SERVICE_VERSION,
        key: healthKey,
      },
      headers[HEALTH_KEY_HEADER],
    ),
  'platform.openapi': async () => {
    openapi ??= buildOpenApiDocument(config.SERVICE_VERSION);
    return { status: 200, body: openapi };
  },
});
