import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../../../lib/api';
import { seatKeys } from './seat-keys';

/** The caller's live hold on the event (null when none); only for signed-in users. Always re-read on mount. */
export function useHold(eventId: string, enabled: boolean) {
  const client = useApiClient();
  return useQuery({
    queryKey: seatKeys.hold(eventId),
    queryFn: ({ signal }) => client.call('seats.hold', { params: { eventId }, signal }),
    enabled,
    staleTime: 0,
    gcTime: 0,
    refetchOnMount: 'always',
  });
}
