import { type ReactNode, useId } from 'react';
import { Link } from 'react-router';
import { ErrorState } from '../../../components/ui/error-state';
import { NotFoundView } from '../../../components/ui/not-found-view';
import { Skeleton } from '../../../components/ui/skeleton';
import { isApiError } from '../../../lib/api';
import type { EventDetail as EventDetailData, EventStatus } from '../../../lib/contract';
import { genericErrorKey } from '../../../lib/describe-error';
import { formatDateTimeLong, formatNumber, formatPrice, formatTimeOfDay } from '../../../lib/format';
import { useDocumentTitle } from '../../../lib/hooks/use-document-title';
import { useI18n } from '../../../lib/i18n';
import { isEventId, useEvent } from '../api/get-event';
import { useLiveAvailability } from '../hooks/use-live-availability';
import { StatusBadge } from './status-badge';

interface EventDetailProps {
  eventId: string | undefined;
  /**
   * The booking UI for an event on sale (seat map or ticket types), composed in by the page: booking lives in
   * other features. Receives the live event detail.
   */
  booking?: (event: EventDetailData) => ReactNode;
}

/** Event detail page content: loading, not-found and error states, then the event. */
export function EventDetail({ eventId, booking }: EventDetailProps) {
  const { t } = useI18n();
  const event = useEvent(eventId);
  const liveUpdatedAt = useLiveAvailability(eventId, event.data?.hasSeatMap ?? false);
  useDocumentTitle(event.data?.title ?? null);

  const notFound =
    !isEventId(eventId) ||
    (isApiError(event.error) && (event.error.code === 'EVENT_NOT_FOUND' || event.error.status === 404));
  if (notFound) {
    return (
      <NotFoundView
        title={t('notFound.eventTitle')}
        body={t('notFound.eventBody')}
        linkLabel={t('event.back')}
        linkTo="/"
      />
    );
  }
  if (event.isPending) return <EventDetailSkeleton label={t('common.loading')} />;
  if (event.isError) {
    return (
      <ErrorState
        title={t('event.loadError')}
        message={t(genericErrorKey(event.error))}
        retryLabel={t('common.retry')}
        onRetry={() => void event.refetch()}
      />
    );
  }
  return <EventDetailView event={event.data} liveUpdatedAt={liveUpdatedAt} booking={booking} />;
}

function EventDetailView({
  event,
  liveUpdatedAt,
  booking,
}: {
  event: EventDetailData;
  liveUpdatedAt: number | null;
  booking: EventDetailProps['booking'];
}) {
  const { t, intlLocale } = useI18n();
  const bookNoteId = useId();
  const price = (amount: number) => formatPrice(amount, intlLocale, event.currency);
  const number = (value: number) => formatNumber(value, intlLocale);
  const { availability } = event;
  const bookable =
    booking !== undefined && event.status === 'on_sale' && (event.hasSeatMap || event.ticketTypes.length > 0);
  const bookingContent = bookable ? booking(event) : null;

  return (
    <article className="event-detail">
      <p>
        <Link className="back-link" to="/">
          ← {t('event.back')}
        </Link>
      </p>
      <header className="event-detail__header">
        <div className="event-card__badges">
          <StatusBadge status={event.status} />
        </div>
        <h1 className="page-title" tabIndex={-1}>
          {event.title}
        </h1>
      </header>

      <div className="event-detail__layout">
        <div className="event-detail__main">
          {event.imageUrl ? (
            <img className="event-detail__image" src={event.imageUrl} alt="" decoding="async" />
          ) : null}
          <dl className="facts">
            <div>
              <dt>{t('event.when')}</dt>
              <dd>
                <time dateTime={event.startsAt}>{formatDateTimeLong(event.startsAt, intlLocale)}</time>
                <span className="muted"> ({t('event.timezoneNote')})</span>
              </dd>
            </div>
            <div>
              <dt>{t('event.where')}</dt>
              <dd>{event.venue}</dd>
            </div>
            <div>
              <dt>{t('event.salesWindow')}</dt>
              <dd>
                {t('event.salesWindowValue', {
                  open: formatDateTimeLong(event.salesOpenAt, intlLocale),
                  close: formatDateTimeLong(event.salesCloseAt, intlLocale),
                })}
              </dd>
            </div>
          </dl>

          {event.description ? (
            <section className="section" aria-labelledby={`${bookNoteId}-about`}>
              <h2 id={`${bookNoteId}-about`} className="section__title">
                {t('event.description')}
              </h2>
              {/* Plain text, rendered as text: line breaks kept by CSS, never parsed as HTML. */}
              <p className="event-detail__description">{event.description}</p>
            </section>
          ) : null}

          <PriceTable
            id={`${bookNoteId}-tiers`}
            title={t('event.priceTiers')}
            columns={[t('event.tier'), t('event.price'), t('event.seats')]}
            rows={event.priceTiers.map((tier) => ({
              key: tier.tier,
              name: tier.tier,
              price: price(tier.price),
              amount: number(tier.seats),
            }))}
          />

          <PriceTable
            id={`${bookNoteId}-types`}
            title={t('event.ticketTypes')}
            columns={[t('event.ticketName'), t('event.price'), t('event.ticketAvailable')]}
            rows={event.ticketTypes.map((type) => ({
              key: type.id,
              name: type.name,
              price: price(type.price),
              amount:
                type.available === 0 ? (
                  <span className="badge badge--cancelled">{t('events.soldOut')}</span>
                ) : (
                  `${number(type.available)} / ${number(type.capacity)}`
                ),
            }))}
          />

          {event.priceTiers.length === 0 && event.ticketTypes.length === 0 ? (
            <p className="muted">{t('event.noTickets')}</p>
          ) : null}
        </div>

        <aside className="event-detail__aside" aria-labelledby={`${bookNoteId}-availability`}>
          <div className="panel">
            <h2 id={`${bookNoteId}-availability`} className="section__title">
              {t('event.availability')}
            </h2>
            {/* Re-keyed on every live update so the highlight animation replays. */}
            <dl key={liveUpdatedAt ?? 'initial'} className={liveUpdatedAt ? 'stats stats--live' : 'stats'}>
              <div>
                <dt>{t('event.available')}</dt>
                <dd>{number(availability.available)}</dd>
              </div>
              <div>
                <dt>{t('event.held')}</dt>
                <dd>{number(availability.held)}</dd>
              </div>
              <div>
                <dt>{t('event.sold')}</dt>
                <dd>{number(availability.sold)}</dd>
              </div>
              <div>
                <dt>{t('event.total')}</dt>
                <dd>{number(availability.total)}</dd>
              </div>
            </dl>
            {availability.total > 0 ? (
              <div className="meter" aria-hidden="true">
                <span
                  className="meter__sold"
                  style={{ width: `${(availability.sold / availability.total) * 100}%` }}
                />
                <span
                  className="meter__held"
                  style={{ width: `${(availability.held / availability.total) * 100}%` }}
                />
              </div>
            ) : null}
            {liveUpdatedAt ? (
              <p className="live-note small">
                <span className="live-note__dot" aria-hidden="true" />
                {t('event.liveUpdated', { time: formatTimeOfDay(liveUpdatedAt, intlLocale) })}
              </p>
            ) : null}
            <p className="muted small">{t('event.maxPerUser', { count: event.maxSeatsPerUser })}</p>
            {event.waitingRoom ? <p className="notice small">{t('event.waitingRoom')}</p> : null}
            {bookable ? (
              <>
                {/* Jumps to (and focuses) the seat map or ticket selection below. */}
                <a
                  className="button button--primary button--block"
                  href="#booking"
                  aria-describedby={bookNoteId}
                >
                  {t('event.book')}
                </a>
                <p id={bookNoteId} className="muted small">
                  {t(event.hasSeatMap ? 'event.bookSeats' : 'event.bookTickets')}
                </p>
              </>
            ) : (
              <>
                {/* Not bookable now: the button is visible but disabled, with the reason. */}
                <button
                  type="button"
                  className="button button--primary button--block"
                  disabled
                  aria-describedby={bookNoteId}
                >
                  {t('event.book')}
                </button>
                <p id={bookNoteId} className="muted small">
                  {t(bookingNoteKey(event.status))}
                </p>
              </>
            )}
          </div>
        </aside>
      </div>

      {bookingContent ? (
        <div id="booking" className="event-detail__booking" tabIndex={-1}>
          {bookingContent}
        </div>
      ) : null}
    </article>
  );
}

interface PriceTableProps {
  id: string;
  title: string;
  /** Headers: the name column, the price, and the amount (seats or availability). */
  columns: readonly [string, string, string];
  rows: readonly { key: string; name: string; price: string; amount: ReactNode }[];
}

/** A titled section with a name / price / amount table; nothing when there are no rows. */
function PriceTable({ id, title, columns: [nameLabel, priceLabel, amountLabel], rows }: PriceTableProps) {
  if (rows.length === 0) return null;
  return (
    <section className="section" aria-labelledby={id}>
      <h2 id={id} className="section__title">
        {title}
      </h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{nameLabel}</th>
            <th scope="col" className="num">
              {priceLabel}
            </th>
            <th scope="col" className="num">
              {amountLabel}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.name}</th>
              <td className="num">{row.price}</td>
              <td className="num">{row.amount}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Why the booking button is disabled. */
function bookingNoteKey(status: EventStatus) {
  switch (status) {
    case 'on_sale':
      return 'event.noTicketsToBook';
    case 'closed':
      return 'event.salesClosedNote';
    case 'cancelled':
      return 'event.cancelledNote';
    case 'draft':
      return 'event.notOnSaleNote';
  }
}

function EventDetailSkeleton({ label }: { label: string }) {
  return (
    <div className="event-detail">
      <p className="visually-hidden" role="status">
        {label}
      </p>
      <Skeleton width="30%" height="1rem" />
      <Skeleton width="70%" height="2.25rem" />
      <div className="event-detail__layout">
        <div className="event-detail__main">
          <Skeleton width="100%" height="6rem" />
          <Skeleton width="100%" height="10rem" />
        </div>
        <Skeleton width="100%" height="16rem" />
      </div>
    </div>
  );
}
