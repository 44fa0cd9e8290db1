import type { ReservationStatus } from '../../../lib/contract';
import { useI18n } from '../../../lib/i18n';

const TONE = {
  pending_payment: 'draft',
  confirmed: 'on-sale',
  expired: 'closed',
  cancelled: 'closed',
  refunded: 'cancelled',
} as const satisfies Record<ReservationStatus, string>;

export function ReservationStatusBadge({ status }: { status: ReservationStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge badge--${TONE[status]}`} data-status={status}>
      {t(`reservation.status.${status}`)}
    </span>
  );
}
