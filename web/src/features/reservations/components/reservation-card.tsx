import { Link } from 'react-router';
import { Countdown } from '../../../components/ui/countdown';
import type { Reservation } from '../../../lib/contract';
import { formatDateTimeShort, formatPrice } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { ReservationStatusBadge } from './reservation-status-badge';

interface ReservationCardProps {
  reservation: Reservation;
  onCancel: (reservation: Reservation) => void;
  /** A pending reservation's deadline passed on screen: re-read the list. */
  onExpire: () => void;
}

const MAX_LABELS = 4;

export function ReservationCard({ reservation, onCancel, onExpire }: ReservationCardProps) {
  const { t, intlLocale } = useI18n();
  const pending = reservation.status === 'pending_payment';
  const cancellable = pending || reservation.status === 'confirmed';
  const labels = reservation.items.map((item) =>
    item.quantity > 1 ? `${item.label} × ${item.quantity}` : item.label,
  );
  const shown = labels.slice(0, MAX_LABELS).join(', ');
  const more = labels.length - MAX_LABELS;
  return (
    <article
      className="reservation-card"
      data-reservation-id={reservation.id}
      data-status={reservation.status}
    >
      <header className="reservation-card__header">
        <ReservationStatusBadge status={reservation.status} />
        <h2 className="reservation-card__title">
          <Link to={`/events/${reservation.eventId}`}>{reservation.eventTitle}</Link>
        </h2>
      </header>
      <dl className="reservation-card__facts">
        <div>
          <dt>{t('reservations.items')}</dt>
          <dd>{more > 0 ? t('reservations.itemsMore', { items: shown, count: more }) : shown}</dd>
        </div>
        <div>
          <dt>{t('reservations.total')}</dt>
          <dd>{formatPrice(reservation.total, intlLocale, reservation.currency)}</dd>
        </div>
        <div>
          <dt>{t('reservations.createdAt')}</dt>
          <dd>
            <time dateTime={reservation.createdAt}>
              {formatDateTimeShort(reservation.createdAt, intlLocale)}
            </time>
          </dd>
        </div>
      </dl>
      {pending ? (
        <Countdown
          expiresAt={reservation.expiresAt}
          label={t('checkout.deadline')}
          expiredText={t('checkout.deadlinePassed')}
          onExpire={onExpire}
        />
      ) : null}
      {cancellable ? (
        <div className="reservation-card__actions">
          {pending ? (
            <Link className="button button--primary button--small" to={`/checkout/${reservation.id}`}>
              {t('reservations.payNow')}
            </Link>
          ) : null}
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={() => onCancel(reservation)}
            aria-label={t('reservations.cancelLabel', { title: reservation.eventTitle })}
          >
            {pending ? t('reservations.cancel') : t('reservations.cancelAndRefund')}
          </button>
        </div>
      ) : null}
    </article>
  );
}

export function ReservationCardSkeleton() {
  return (
    <div className="reservation-card" aria-hidden="true">
      <span className="skeleton" style={{ width: '30%', height: '1.25rem' }} />
      <span className="skeleton" style={{ width: '70%', height: '1.5rem' }} />
      <span className="skeleton" style={{ width: '50%', height: '1rem' }} />
    </div>
  );
}
