import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useApiClient } from '../../../lib/api';
import { reservationKeys } from './reservation-keys';

export const RESERVATIONS_PAGE_SIZE = 10;

/** The caller's reservations, newest first, a page at a time. */
export function useMyReservations(page: number) {
  const client = useApiClient();
  return useQuery({
    queryKey: reservationKeys.list(page),
    queryFn: ({ signal }) =>
      client.call('reservations.mine', { query: { page, pageSize: RESERVATIONS_PAGE_SIZE }, signal }),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}
