import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../../../lib/api';
import { nextPollDelay } from '../utils/payment-outcome';
import { reservationKeys } from './reservation-keys';

/**
 * Polls a payment's status every second while it is in progress, for at most a minute from `startedAt`
 * (the saga normally settles in well under that; past it the page says so and points to "my reservations").
 */
export function usePaymentStatus(paymentId: string | null, startedAt: number) {
  const client = useApiClient();
  return useQuery({
    queryKey: reservationKeys.payment(paymentId ?? ''),
    queryFn: ({ signal }) => client.call('payments.status', { params: { id: paymentId ?? '' }, signal }),
    enabled: paymentId !== null,
    refetchInterval: (query) => nextPollDelay(query.state.data, startedAt, Date.now()),
    refetchIntervalInBackground: true,
    refetchOnWindowFocus: false,
    staleTime: 0,
    retry: 3,
  });
}
