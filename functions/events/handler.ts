import { MANIFEST } from '../manifest';
import { getPool } from '../shared/clients';
import { loadConfig } from '../shared/config';
import { createHttpHandler } from '../shared/http';
import { pgEventRepository } from './adapters/pg-event-repository';
import { getEvent } from './use-cases/get-event';
import { listEvents } from './use-cases/list-events';

// Parsed once at cold start so a missing variable fails loudly, listing all of them.
loadConfig(MANIFEST.events.parts);

/** events: GET /api/v1/events and /api/v1/events/{id}. */
const repo = async () => pgEventRepository(await getPool());

export const handler = createHttpHandler('events', {
  'events.list': async ({ query }) => ({ status: 200, body: await listEvents(await repo(), query) }),
  'events.get': async ({ params }) => ({ status: 200, body: await getEvent(await repo(), params.id) }),
});
