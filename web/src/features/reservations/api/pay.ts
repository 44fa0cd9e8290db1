import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { isApiError, useApiClient } from '../../../lib/api';
import type { PaymentPrepared, PaymentStatusResult } from '../../../lib/contract';
import { createAttemptKeys, isOutcomeUnknown, withAttemptKey } from '../../../lib/idempotency';
import { buildPaymentKey, cardDigits } from '../utils/payment-key';
import { reservationKeys } from './reservation-keys';

/** The server prepared the payment with a provider this page has no form for (only the sandbox is built in). */
export class UnsupportedProviderError extends Error {
  override readonly name = 'UnsupportedProviderError';
  constructor(readonly provider: string) {
    super(`No payment form for provider ${provider}`);
  }
}

interface PendingConfirm {
  paymentId: string;
  card: string;
  paymentKey: string;
}

/**
 * Pays a pending reservation: `payments.prepare` (once per payment attempt), then `payments.confirm` with the
 * sandbox paymentKey built from the card. Both carry an Idempotency-Key. Retrying after an unknown outcome
 * resends the very same request (same key, same paymentKey), so the provider never charges twice; a definite
 * refusal of the confirm (PAYMENT_NOT_CONFIRMABLE…) starts over with a new prepare. The prepare carries the
 * event's waiting-room admission token (`eventId`: the reservation's event).
 */
export function usePay(reservationId: string, eventId: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const [prepareKeys] = useState(() => createAttemptKeys());
  const [confirmKeys] = useState(() => createAttemptKeys());
  const prepared = useRef<PaymentPrepared | null>(null);
  const pendingConfirm = useRef<PendingConfirm | null>(null);

  const mutation = useMutation({
    mutationFn: async (card: string): Promise<PaymentStatusResult> => {
      if (!prepared.current || prepared.current.reservationId !== reservationId) {
        prepared.current = await withAttemptKey(prepareKeys, reservationId, (key) =>
          client.call('payments.prepare', {
            body: { reservationId },
            headers: { 'Idempotency-Key': key },
            // The body names only the reservation: say which event's waiting-room admission to send.
            admissionEventId: eventId,
          }),
        );
      }
      if (prepared.current.provider !== 'sandbox')
        throw new UnsupportedProviderError(prepared.current.provider);
      const { paymentId } = prepared.current;
      const digits = cardDigits(card);
      const previous = pendingConfirm.current;
      const paymentKey =
        previous && previous.paymentId === paymentId && previous.card === digits
          ? previous.paymentKey
          : buildPaymentKey(digits);
      pendingConfirm.current = { paymentId, card: digits, paymentKey };
      try {
        const result = await withAttemptKey(confirmKeys, `${paymentId}:${paymentKey}`, (key) =>
          client.call('payments.confirm', {
            body: { paymentId, paymentKey },
            headers: { 'Idempotency-Key': key },
          }),
        );
        pendingConfirm.current = null;
        return result;
      } catch (error) {
        if (!isOutcomeUnknown(error)) {
          pendingConfirm.current = null;
          // The prepared payment cannot be confirmed any more: the next try prepares a new one.
          if (isApiError(error) && error.code === 'PAYMENT_NOT_CONFIRMABLE') prepared.current = null;
        }
        throw error;
      }
    },
    onSuccess: (result) => {
      queryClient.setQueryData(reservationKeys.payment(result.paymentId), result);
    },
  });

  /** After a final failure (declined…), the next payment starts from a fresh prepare. */
  const startOver = () => {
    prepared.current = null;
    pendingConfirm.current = null;
    mutation.reset();
  };

  return { ...mutation, startOver };
}
