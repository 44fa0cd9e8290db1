import { useEffect, useId, useRef } from 'react';
import type { Reservation } from '../../../lib/contract';
import { errorMessage } from '../../../lib/error-message';
import { formatPrice } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';

interface CancelDialogProps {
  reservation: Reservation;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onClose: () => void;
}

/**
 * Confirms a cancellation in a native modal `<dialog>` (focus trapped and restored, Escape closes). A pending
 * reservation is released; a confirmed one is refunded, and the dialog says how much.
 */
export function CancelDialog({ reservation, pending, error, onConfirm, onClose }: CancelDialogProps) {
  const { t, intlLocale } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const refund = reservation.status === 'confirmed';
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        event.preventDefault();
        if (!pending) onClose();
      }}
    >
      <h2 id={titleId} className="section__title">
        {refund ? t('reservations.cancelConfirmedTitle') : t('reservations.cancelPendingTitle')}
      </h2>
      <p id={bodyId}>
        {refund
          ? t('reservations.cancelConfirmedBody', {
              title: reservation.eventTitle,
              amount: formatPrice(reservation.total, intlLocale, reservation.currency),
            })
          : t('reservations.cancelPendingBody', { title: reservation.eventTitle })}
      </p>
      <div role="alert">{error ? <p className="form-alert">{errorMessage(error)(t)}</p> : null}</div>
      <div className="dialog__actions">
        {/* First in the dialog, so showModal() focuses it: the safe choice. */}
        <button type="button" className="button button--secondary" onClick={onClose} disabled={pending}>
          {t('reservations.keep')}
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={onConfirm}
          disabled={pending}
          aria-busy={pending || undefined}
        >
          {pending
            ? t('reservations.cancelling')
            : refund
              ? t('reservations.cancelAndRefund')
              : t('reservations.cancel')}
        </button>
      </div>
    </dialog>
  );
}
