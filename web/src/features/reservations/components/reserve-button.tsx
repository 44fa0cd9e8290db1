import { useNavigate } from 'react-router';
import { isApiError } from '../../../lib/api';
import type { ReservationCreateBody } from '../../../lib/contract';
import { errorMessage } from '../../../lib/error-message';
import { useI18n } from '../../../lib/i18n';
import { isOutcomeUnknown } from '../../../lib/idempotency';
import { useCreateReservation } from '../api/create-reservation';

interface ReserveButtonProps {
  body: ReservationCreateBody;
  label: string;
  disabled?: boolean;
  /** The seat limit, for the LIMIT_EXCEEDED message. */
  maxSeats?: number;
  /** A definite refusal (hold expired, seats taken, sold out): the caller refreshes what it shows. */
  onRefused?: (error: unknown) => void;
}

/**
 * Creates the reservation (Idempotency-Key per attempt, reused on retry) and goes to checkout. Failures are
 * explained by code; after an unknown outcome the button offers to retry the same request.
 */
export function ReserveButton({ body, label, disabled, maxSeats, onRefused }: ReserveButtonProps) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const create = useCreateReservation();
  const { error } = create;
  const unknownOutcome = error !== null && isOutcomeUnknown(error);

  const submit = () =>
    create.mutate(body, {
      onSuccess: (reservation) => navigate(`/checkout/${reservation.id}`),
      onError: (failure) => {
        if (isApiError(failure) && !isOutcomeUnknown(failure)) onRefused?.(failure);
      },
    });

  return (
    <div className="reserve">
      <button
        type="button"
        className="button button--primary button--block"
        onClick={submit}
        disabled={disabled || create.isPending}
        aria-busy={create.isPending || undefined}
      >
        {create.isPending ? t('reserve.pending') : unknownOutcome ? t('reserve.retry') : label}
      </button>
      <div role="alert">
        {error ? (
          <p className="form-alert small">
            {errorMessage(error, { maxSeats })(t)}
            {unknownOutcome ? ` ${t('reserve.retryNote')}` : null}
          </p>
        ) : null}
      </div>
    </div>
  );
}
