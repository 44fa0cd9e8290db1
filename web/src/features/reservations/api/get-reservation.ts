import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../../../lib/api';
import { reservationKeys } from './reservation-keys';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isReservationId(id: string | undefined): id is string {
  return id !== undefined && UUID.test(id);
}

/** One of the caller's reservations (another user's is a 404, like a missing one). */
export function useReservation(id: string | undefined) {
  const client = useApiClient();
  return useQuery({
    queryKey: reservationKeys.detail(id ?? ''),
    queryFn: ({ signal }) => client.call('reservations.get', { params: { id: id ?? '' }, signal }),
    enabled: isReservationId(id),
    staleTime: 0,
  });
}
