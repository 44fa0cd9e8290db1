import { z } from 'zod';
import { serverMessageSchema } from '../../shared/ws';
import { MANIFEST } from '../manifest';
import { getBroadcaster } from '../shared/broadcaster';
import { loadConfig } from '../shared/config';
import { createLogger, withLambdaContext } from '../shared/logger';

/**
 * Fan-out worker: posts one shard of a large audience (at most FANOUT_SHARD_SIZE connections) with the same
 * bounded, keep-alive, 410-cleaning, throttle-retrying poster the publisher uses. Started asynchronously by
 * the publisher (InvocationType Event); it returns its counts for the logs and never throws for a failed
 * post, so Lambda's automatic retries cannot post a shard twice.
 */
loadConfig(MANIFEST.fanout.parts);
const logger = createLogger('fanout');

const shardSchema = z.object({
  topic: z.string().min(1),
  connectionIds: z.array(z.string().min(1)).max(10_000),
  message: serverMessageSchema,
});
/** Per-user notices (`queue-entry-allowed` to each admitted user): published here, never handed on. */
const noticesSchema = z.object({
  notices: z.array(z.object({ topic: z.string().min(1), message: serverMessageSchema })).max(1_000),
});

async function postShard(payload: unknown) {
  const notices = noticesSchema.safeParse(payload);
  if (notices.success) {
    await (await getBroadcaster()).publishEach(notices.data.notices, { here: true });
    logger.info('fan-out notices published', { notices: notices.data.notices.length });
    return { notices: notices.data.notices.length };
  }
  const shard = shardSchema.safeParse(payload);
  if (!shard.success) {
    // A malformed shard cannot get better on retry: log it and finish.
    logger.error('malformed fan-out shard', { issues: shard.error.issues.slice(0, 5) });
    return { delivered: 0, gone: 0, failed: 0, shards: 0, dispatched: 0 };
  }
  const { topic, connectionIds, message } = shard.data;
  const result = await (await getBroadcaster()).deliver(connectionIds, message, topic);
  logger.info('fan-out shard posted', { topic, connections: connectionIds.length, ...result });
  return result;
}
export const handler = withLambdaContext(postShard);
