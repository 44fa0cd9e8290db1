import { MyReservations } from '../../features/reservations/components/my-reservations';
import { useDocumentTitle } from '../../lib/hooks/use-document-title';
import { useI18n } from '../../lib/i18n';
import { RequireSignIn } from '../require-sign-in';

export function ReservationsRoute() {
  const { t } = useI18n();
  useDocumentTitle(t('reservations.title'));
  return (
    <RequireSignIn>
      <div className="page-header">
        <h1 className="page-title" tabIndex={-1}>
          {t('reservations.title')}
        </h1>
        <p className="muted">{t('reservations.subtitle')}</p>
      </div>
      <MyReservations />
    </RequireSignIn>
  );
}
