import { useQuery } from '@tanstack/react-query';
import { type ApiClient, ApiError, useApiClient } from '../../../lib/api';
import type { SeatMap, SeatStatusView } from '../../../lib/contract';
import type { LiveSeatStore } from '../utils/live-seat-store';
import { seatKeys } from './seat-keys';

/**
 * The event's seat map. Every fetch first tells the live store a load is starting, so realtime messages that
 * arrive while it is in flight are replayed over its snapshot. Never served from an old cache entry (the
 * statuses would be stale with nothing to replay): dropped on unmount, re-fetched after a realtime gap.
 */
export function useSeatMap(eventId: string, store: LiveSeatStore) {
  const client = useApiClient();
  return useQuery({
    queryKey: seatKeys.map(eventId),
    queryFn: async ({ signal }): Promise<SeatMap> => {
      store.beginLoad();
      const map = await client.call('seats.map', { params: { eventId }, signal });
      if (!('seats' in map)) throw unexpected();
      return map;
    },
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    refetchOnWindowFocus: false,
  });
}

const unexpected = () =>
  new ApiError({ status: 200, code: 'UNKNOWN', message: 'Unexpected seat map response' });

/** Only the statuses (`?view=status`): a few KB instead of the whole map, for re-reads after a gap. */
export async function fetchSeatStatuses(client: ApiClient, eventId: string): Promise<SeatStatusView> {
  const view = await client.call('seats.map', { params: { eventId }, query: { view: 'status' } });
  if ('seats' in view) throw unexpected();
  return view;
}
