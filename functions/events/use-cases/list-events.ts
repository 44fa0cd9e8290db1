import type { EventList, EventListQuery } from '../../../shared/routes';
import { ValidationError } from '../../shared/errors';
import type { EventRepository } from '../ports';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const KST = '+09:00';

/** A bare date means that whole day in Korea: `from` is its start, `to` includes it to the end. */
export function dateRange(from?: string, to?: string): { startsFrom?: Date; startsBefore?: Date } {
  const startsFrom = from ? new Date(DATE_ONLY.test(from) ? `${from}T00:00:00${KST}` : from) : undefined;
  let startsBefore: Date | undefined;
  if (to) {
    startsBefore = new Date(DATE_ONLY.test(to) ? `${to}T00:00:00${KST}` : to);
    if (DATE_ONLY.test(to)) startsBefore = new Date(startsBefore.getTime() + 24 * 60 * 60 * 1000);
  }
  if (startsFrom && startsBefore && startsFrom >= startsBefore) {
    throw new ValidationError('`from` must be before `to`', [{ path: 'from', message: 'must be before to' }]);
  }
  return { startsFrom, startsBefore };
}

export async function listEvents(repo: EventRepository, query: EventListQuery): Promise<EventList> {
  const { page, pageSize } = query;
  const { items, total } = await repo.search(
    { text: query.q || undefined, status: query.status, ...dateRange(query.from, query.to) },
    { limit: pageSize, offset: (page - 1) * pageSize },
  );
  return { items, page, pageSize, total, totalPages: Math.ceil(total / pageSize) };
}
