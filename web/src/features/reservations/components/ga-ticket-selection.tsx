import { useId, useState } from 'react';
import { Link } from 'react-router';
import type { EventDetail } from '../../../lib/contract';
import { formatNumber, formatPrice } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import {
  clampQuantities,
  maxQuantity,
  type Quantities,
  setQuantity,
  toItems,
  totalPrice,
  totalQuantity,
} from '../utils/ga-quantities';
import { ReserveButton } from './reserve-button';

interface GaTicketSelectionProps {
  event: Pick<EventDetail, 'id' | 'ticketTypes' | 'maxSeatsPerUser' | 'currency'>;
  signedIn: boolean;
  signInHref: string;
}

/**
 * General admission: a quantity stepper per ticket type, bounded by its live availability (the event detail
 * is patched by `ticket-updated`), the per-line maximum and the per-user limit across types; then reserve.
 */
export function GaTicketSelection({ event, signedIn, signInHref }: GaTicketSelectionProps) {
  const { t, intlLocale } = useI18n();
  const headingId = useId();
  const [chosen, setChosen] = useState<Quantities>({});
  const limit = event.maxSeatsPerUser;
  const types = event.ticketTypes;
  // Availability can drop while the user decides: never show (or send) more than is left.
  const quantities = clampQuantities(chosen, types, limit);
  const count = totalQuantity(quantities);
  const price = (amount: number) => formatPrice(amount, intlLocale, event.currency);
  const change = (typeId: string, value: number) =>
    setChosen(setQuantity(quantities, typeId, value, types, limit));

  if (types.length === 0) return null;
  const body = { eventId: event.id, items: toItems(quantities, types) };

  return (
    <section className="ga-booking panel" aria-labelledby={headingId}>
      <h2 id={headingId} className="section__title">
        {t('ga.title')}
      </h2>
      <p className="muted small">{t('ga.limit', { max: event.maxSeatsPerUser })}</p>
      {signedIn ? null : (
        <p className="notice small">
          {t('ga.signInNote')} <Link to={signInHref}>{t('seatMap.signInLink')}</Link>
        </p>
      )}
      <ul className="ga-list">
        {types.map((type) => {
          const value = quantities[type.id] ?? 0;
          const max = maxQuantity(type.id, types, quantities, limit);
          const soldOut = type.available === 0;
          const inputId = `${headingId}-${type.id}`;
          return (
            <li key={type.id} className="ga-list__item">
              <div className="ga-list__info">
                <label htmlFor={inputId} className="ga-list__name">
                  {type.name}
                </label>
                <span className="ga-list__price">{price(type.price)}</span>
                <span className={soldOut ? 'badge badge--cancelled' : 'muted small'}>
                  {soldOut
                    ? t('events.soldOut')
                    : t('ga.available', { count: formatNumber(type.available, intlLocale) })}
                </span>
              </div>
              <div className="stepper">
                <button
                  type="button"
                  className="button button--secondary button--small"
                  onClick={() => change(type.id, value - 1)}
                  disabled={!signedIn || value === 0}
                  aria-label={t('ga.decrease', { name: type.name })}
                >
                  −
                </button>
                <input
                  id={inputId}
                  className="input input--compact stepper__input"
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={Math.max(value, max)}
                  value={value}
                  disabled={!signedIn || (soldOut && value === 0)}
                  onChange={(e) => change(type.id, Number(e.target.value))}
                />
                <button
                  type="button"
                  className="button button--secondary button--small"
                  onClick={() => change(type.id, value + 1)}
                  disabled={!signedIn || value >= max}
                  aria-label={t('ga.increase', { name: type.name })}
                >
                  +
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      <p className="hold-total" aria-live="polite">
        <span>{t('ga.total', { count })}</span>
        <strong>{price(totalPrice(quantities, types))}</strong>
      </p>
      {signedIn ? (
        <ReserveButton
          body={body}
          label={t('ga.reserve', { count })}
          disabled={count === 0}
          maxSeats={event.maxSeatsPerUser}
        />
      ) : null}
    </section>
  );
}
