import type { Reservation } from '../../../lib/contract';
import { formatPrice } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';

/** The reservation's lines (seat or ticket type, quantity, unit price) and total, as a table. */
export function ReservationSummary({ reservation }: { reservation: Reservation }) {
  const { t, intlLocale } = useI18n();
  const price = (amount: number) => formatPrice(amount, intlLocale, reservation.currency);
  return (
    <table className="table">
      <caption className="visually-hidden">{t('checkout.itemsCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('checkout.item')}</th>
          <th scope="col" className="num">
            {t('checkout.quantity')}
          </th>
          <th scope="col" className="num">
            {t('checkout.amount')}
          </th>
        </tr>
      </thead>
      <tbody>
        {reservation.items.map((item, index) => (
          <tr key={item.seatId ?? item.ticketTypeId ?? index}>
            <th scope="row">{item.label}</th>
            <td className="num">{item.quantity}</td>
            <td className="num">{price(item.unitPrice * item.quantity)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={2}>
            {t('checkout.total')}
          </th>
          <td className="num">
            <strong>{price(reservation.total)}</strong>
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
