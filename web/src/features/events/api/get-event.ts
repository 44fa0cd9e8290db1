import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../../../lib/api';
import { eventKeys } from './event-keys';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isEventId(id: string | undefined): id is string {
  return id !== undefined && UUID.test(id);
}

/** Event detail with live availability. Disabled for ids that cannot exist (the page shows 404). */
export function useEvent(id: string | undefined) {
  const client = useApiClient();
  return useQuery({
    queryKey: eventKeys.detail(id ?? ''),
    queryFn: ({ signal }) => client.call('events.get', { params: { id: id ?? '' }, signal }),
    enabled: isEventId(id),
    staleTime: 2_000,
  });
}
