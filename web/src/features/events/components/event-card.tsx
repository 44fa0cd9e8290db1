import { Link } from 'react-router';
import type { EventSummary } from '../../../lib/contract';
import { formatDateTimeShort, formatNumber, formatPrice } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { StatusBadge } from './status-badge';

export function EventCard({ event }: { event: EventSummary }) {
  const { t, intlLocale } = useI18n();
  const { available, total } = event.availability;
  const soldOut = event.status === 'on_sale' && total > 0 && available === 0;
  return (
    <article className="event-card">
      <div className="event-card__media" aria-hidden="true">
        {event.imageUrl ? <img src={event.imageUrl} alt="" loading="lazy" decoding="async" /> : null}
      </div>
      <div className="event-card__body">
        <div className="event-card__badges">
          <StatusBadge status={event.status} />
          <span className="badge badge--neutral">
            {event.hasSeatMap ? t('events.seatMap') : t('events.generalAdmission')}
          </span>
        </div>
        <h2 className="event-card__title">
          {/* The whole card is clickable through the stretched link; the accessible name is the title. */}
          <Link className="event-card__link" to={`/events/${event.id}`}>
            {event.title}
          </Link>
        </h2>
        <p className="event-card__meta">{event.venue}</p>
        <p className="event-card__meta">
          <time dateTime={event.startsAt}>{formatDateTimeShort(event.startsAt, intlLocale)}</time>
        </p>
        <div className="event-card__footer">
          <span className="event-card__price">
            {event.minPrice === null
              ? t('events.noPrice')
              : t('events.fromPrice', { price: formatPrice(event.minPrice, intlLocale, event.currency) })}
          </span>
          {event.status === 'on_sale' && total > 0 ? (
            <span className={soldOut ? 'event-card__stock event-card__stock--out' : 'event-card__stock'}>
              {soldOut
                ? t('events.soldOut')
                : t('events.remaining', {
                    available: formatNumber(available, intlLocale),
                    total: formatNumber(total, intlLocale),
                  })}
            </span>
          ) : null}
        </div>
      </div>
    </article>
  );
}

export function EventCardSkeleton() {
  return (
    <div className="event-card event-card--skeleton" aria-hidden="true">
      <div className="event-card__media skeleton" />
      <div className="event-card__body">
        <span className="skeleton" style={{ width: '40%', height: '1.25rem' }} />
        <span className="skeleton" style={{ width: '85%', height: '1.5rem' }} />
        <span className="skeleton" style={{ width: '60%', height: '1rem' }} />
        <span className="skeleton" style={{ width: '50%', height: '1rem' }} />
      </div>
    </div>
  );
}
