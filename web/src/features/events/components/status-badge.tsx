import type { EventStatus } from '../../../lib/contract';
import { useI18n } from '../../../lib/i18n';

export function StatusBadge({ status }: { status: EventStatus }) {
  const { t } = useI18n();
  return <span className={`badge badge--${status.replace('_', '-')}`}>{t(`status.${status}`)}</span>;
}
