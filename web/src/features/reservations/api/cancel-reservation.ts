import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../../../lib/api';
import { reservationKeys } from './reservation-keys';

/** Cancels a reservation: a pending one is released, a confirmed one refunded. */
export function useCancelReservation() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => client.call('reservations.cancel', { params: { id } }),
    onSuccess: (reservation) => {
      queryClient.setQueryData(reservationKeys.detail(reservation.id), reservation);
      void queryClient.invalidateQueries({ queryKey: reservationKeys.lists() });
    },
  });
}
