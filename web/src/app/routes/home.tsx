import { EventList } from '../../features/events/components/event-list';
import { useDocumentTitle } from '../../lib/hooks/use-document-title';
import { useI18n } from '../../lib/i18n';

export function HomeRoute() {
  const { t } = useI18n();
  useDocumentTitle(null);
  return (
    <>
      <div className="page-header">
        <h1 className="page-title" tabIndex={-1}>
          {t('events.title')}
        </h1>
        <p className="muted">{t('events.subtitle')}</p>
      </div>
      <EventList />
    </>
  );
}
