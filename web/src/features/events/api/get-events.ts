import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useApiClient } from '../../../lib/api';
import { type EventFilters, toEventListQuery } from '../utils/event-filters';
import { eventKeys } from './event-keys';

export function useEvents(filters: EventFilters) {
  const client = useApiClient();
  return useQuery({
    queryKey: eventKeys.list(filters),
    queryFn: ({ signal }) => client.call('events.list', { query: toEventListQuery(filters), signal }),
    // Keep showing the previous page while the next one loads (no skeleton flash on every keystroke).
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
}
