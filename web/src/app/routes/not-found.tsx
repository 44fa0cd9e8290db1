import { NotFoundView } from '../../components/ui/not-found-view';
import { useDocumentTitle } from '../../lib/hooks/use-document-title';
import { useI18n } from '../../lib/i18n';

export function NotFoundRoute() {
  const { t } = useI18n();
  useDocumentTitle(t('notFound.title'));
  return (
    <NotFoundView title={t('notFound.title')} body={t('notFound.body')} linkLabel={t('common.backHome')} />
  );
}
