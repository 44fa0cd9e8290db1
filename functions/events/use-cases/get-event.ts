import type { EventDetail } from '../../../shared/domain';
import { NotFoundError } from '../../shared/errors';
import type { EventRepository } from '../ports';

export async function getEvent(repo: EventRepository, id: string): Promise<EventDetail> {
  const event = await repo.findPublic(id);
  if (!event) throw new NotFoundError('EVENT_NOT_FOUND', 'Event not found');
  return event;
}
