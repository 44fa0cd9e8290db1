import { MANIFEST } from '../manifest';
import { getConnectionRepository } from '../shared/broadcaster';
import { loadConfig } from '../shared/config';
import { createLogger, withLambdaContext } from '../shared/logger';

/**
 * Scheduled sweep of stale connections: rows whose `expiresAt` has passed (a client that vanished without
 * `$disconnect`, a dropped `$disconnect` invocation). An expired connection row takes all its rows with it.
 * On AWS, DynamoDB TTL deletes the same rows, but lazily (often hours later); dynalite has no TTL at all.
 * It Scans with a filter, page by page — acceptable for a periodic maintenance job, never on a request path.
 * The broadcaster's 410 path removes dead connections it meets sooner.
 */
loadConfig(MANIFEST.sweep.parts);
const logger = createLogger('sweep');

async function sweep() {
  const result = await (await getConnectionRepository()).removeExpired();
  if (result.rows) logger.info('swept stale connections', result);
  return result;
}
export const handler = withLambdaContext(sweep);
