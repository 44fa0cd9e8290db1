import { MANIFEST } from '../manifest';
import { loadConfig } from '../shared/config';
import { createHttpHandler } from '../shared/http';
import { getQueueDeps } from './deps';
import { joinQueue, leaveQueue, queueStatus, roomState } from './use-cases/join-queue';

// Parsed once at cold start so a missing variable fails loudly, listing all of them.
loadConfig(MANIFEST.queue.parts);

/** queue: the waiting room's REST routes. The admission loop runs in functions/queue/admission-tick.ts. */
export const handler = createHttpHandler('queue', {
  'queue.join': async ({ params, auth }) => ({
    status: 200,
    body: await joinQueue(await getQueueDeps(), { eventId: params.eventId, userId: auth.userId }),
  }),
  'queue.status': async ({ params, auth }) => ({
    status: 200,
    body: await queueStatus(await getQueueDeps(), { eventId: params.eventId, userId: auth.userId }),
  }),
  'queue.leave': async ({ params, auth }) => ({
    status: 200,
    body: await leaveQueue(await getQueueDeps(), { eventId: params.eventId, userId: auth.userId }),
  }),
  'queue.room': async ({ params }) => ({
    status: 200,
    body: await roomState(await getQueueDeps(), { eventId: params.eventId }),
  }),
});
