import { type ReactNode, useId } from 'react';
import { Countdown } from '../../../components/ui/countdown';
import { ErrorState } from '../../../components/ui/error-state';
import { Skeleton } from '../../../components/ui/skeleton';
import type { Hold } from '../../../lib/contract';
import { errorMessage } from '../../../lib/error-message';
import { formatPrice } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';

interface HoldPanelProps {
  hold: Hold | null;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  /** Seats whose lock is in flight (labels), shown as "selecting…". */
  adding: readonly { key: string; label: string }[];
  /** Seat ids whose unlock is in flight. */
  removing: ReadonlySet<string>;
  maxSeats: number;
  onRemove: (seatId: string) => void;
  /** The hold ran out on screen: re-read it (the server releases it). */
  onExpire: () => void;
  /** The reserve action for this hold (composed in by the page). */
  reserve: ReactNode;
}

/** "My seats": the hold's seats with prices and total, a countdown to its deadline, remove buttons. */
export function HoldPanel(props: HoldPanelProps) {
  const { hold, loading, error, onRetry, adding, removing, maxSeats, onRemove, onExpire, reserve } = props;
  const { t, intlLocale } = useI18n();
  const titleId = useId();
  const seats = hold?.seats ?? [];
  const total = seats.reduce((sum, seat) => sum + seat.price, 0);
  const count = seats.length + adding.length;

  let body: ReactNode;
  if (loading) {
    body = (
      <>
        <p className="visually-hidden" role="status">
          {t('common.loading')}
        </p>
        <Skeleton width="100%" height="2.5rem" />
      </>
    );
  } else if (error) {
    body = (
      <ErrorState
        title={t('hold.loadError')}
        message={errorMessage(error)(t)}
        retryLabel={t('common.retry')}
        onRetry={onRetry}
      />
    );
  } else if (count === 0) {
    body = <p className="muted small">{t('hold.empty', { max: maxSeats })}</p>;
  } else {
    body = (
      <>
        {hold ? (
          <Countdown
            expiresAt={hold.expiresAt}
            label={t('hold.timeLeft')}
            expiredText={t('hold.expired')}
            onExpire={onExpire}
          />
        ) : null}
        <ul className="hold-list" aria-label={t('hold.listLabel', { count, max: maxSeats })}>
          {seats.map((seat) => {
            const busy = removing.has(seat.id);
            return (
              <li key={seat.id} className="hold-list__item" aria-busy={busy || undefined}>
                <span className="hold-list__seat">
                  <strong>{seat.label}</strong>
                  <span className="muted small">
                    {seat.tierName} · {formatPrice(seat.price, intlLocale)}
                  </span>
                </span>
                <button
                  type="button"
                  className="button button--ghost button--small"
                  onClick={() => onRemove(seat.id)}
                  disabled={busy}
                  aria-label={t('hold.removeSeat', { label: seat.label })}
                >
                  {busy ? t('hold.removing') : t('hold.remove')}
                </button>
              </li>
            );
          })}
          {adding.map((seat) => (
            <li key={seat.key} className="hold-list__item hold-list__item--pending" aria-busy="true">
              <span className="hold-list__seat">
                <strong>{seat.label}</strong>
                <span className="muted small">{t('hold.adding')}</span>
              </span>
            </li>
          ))}
        </ul>
        <p className="hold-total">
          <span>{t('hold.total', { count: seats.length })}</span>
          <strong>{formatPrice(total, intlLocale)}</strong>
        </p>
        {hold && seats.length > 0 ? reserve : null}
      </>
    );
  }

  return (
    <section className="panel hold-panel" aria-labelledby={titleId}>
      <h3 id={titleId} className="section__title">
        {t('hold.title')}
      </h3>
      {body}
    </section>
  );
}
