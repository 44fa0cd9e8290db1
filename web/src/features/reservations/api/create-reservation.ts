import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApiClient } from '../../../lib/api';
import type { ReservationCreateBody } from '../../../lib/contract';
import { createAttemptKeys, withAttemptKey } from '../../../lib/idempotency';
import { reservationKeys } from './reservation-keys';

/**
 * `reservations.create` with an `Idempotency-Key`: a fresh key per attempt, the same key when the same
 * request is retried after an unknown outcome (timeout, network error, 5xx), so a retry can never reserve
 * twice. The created reservation seeds the checkout page's cache.
 */
export function useCreateReservation() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const [keys] = useState(() => createAttemptKeys());
  return useMutation({
    mutationFn: (body: ReservationCreateBody) =>
      withAttemptKey(keys, JSON.stringify(body), (key) =>
        client.call('reservations.create', { body, headers: { 'Idempotency-Key': key } }),
      ),
    onSuccess: (reservation) => {
      queryClient.setQueryData(reservationKeys.detail(reservation.id), reservation);
      void queryClient.invalidateQueries({ queryKey: reservationKeys.lists() });
    },
  });
}
