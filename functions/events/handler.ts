import { getPool } from '../shared/clients';
import { createHttpHandler } from '../shared/http';
import { pgEventRepository } from './adapters/pg-event-repository';
import { getEvent } from './use-cases/get-event';
import { listEvents } from './use-cases/list-events';

/** events: GET /api/v1/events and /api/v1/events/{id}. */
const repo = async () => pgEventRepository(await getPool());

export const handler = createHttpHandler('events', {
  'events.list': async ({ query }) => ({ status: 200, body: await listEvents(await repo(), query) }),
  'events.get': async ({ params }) => ({ status: 200, body: await getEvent(await repo(), params.id) }),
});
