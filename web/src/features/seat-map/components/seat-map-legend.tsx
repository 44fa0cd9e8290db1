import { formatNumber, formatPrice } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import type { SeatModel } from '../utils/seat-map-model';

/** Price tiers (colour, name, price, seats still available, live) and what the other colours mean. */
export function SeatMapLegend({ model, available }: { model: SeatModel; available: readonly number[] }) {
  const { t, intlLocale } = useI18n();
  const total = available.reduce((sum, n) => sum + n, 0);
  return (
    <div className="seat-legend">
      <ul className="seat-legend__tiers" aria-label={t('seatMap.legendTiers')}>
        {model.tiers.map((tier, index) => (
          <li key={tier.name} className="seat-legend__item">
            <span className="seat-legend__swatch" style={{ background: tier.color }} aria-hidden="true" />
            <span className="seat-legend__name">{tier.name}</span>
            <span className="seat-legend__price">{formatPrice(tier.price, intlLocale)}</span>
            <span className="seat-legend__count muted small" data-testid={`seat-legend-available-${index}`}>
              {t('seatMap.tierAvailable', { count: formatNumber(available[index] ?? 0, intlLocale) })}
            </span>
          </li>
        ))}
      </ul>
      <ul className="seat-legend__states" aria-label={t('seatMap.legendStates')}>
        <li className="seat-legend__item">
          <span className="seat-legend__swatch seat-legend__swatch--mine" aria-hidden="true" />
          {t('seatMap.state.mine')}
        </li>
        <li className="seat-legend__item">
          <span className="seat-legend__swatch seat-legend__swatch--taken" aria-hidden="true" />
          {t('seatMap.state.taken')}
        </li>
      </ul>
      <p className="muted small" data-testid="seat-map-available">
        {t('seatMap.availableTotal', {
          available: formatNumber(total, intlLocale),
          total: formatNumber(model.count, intlLocale),
        })}
      </p>
    </div>
  );
}
