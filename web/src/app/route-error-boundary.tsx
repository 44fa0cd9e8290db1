import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { NotFoundView } from '../components/ui/not-found-view';
import { genericErrorKey } from '../lib/describe-error';
import { useI18n } from '../lib/i18n';

/**
 * Error boundary attached to every route: a render error in one page shows this inside the layout (header
 * and language switch keep working) instead of a blank screen.
 */
export function RouteErrorBoundary() {
  const error = useRouteError();
  const { t } = useI18n();

  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <NotFoundView title={t('notFound.title')} body={t('notFound.body')} linkLabel={t('common.backHome')} />
    );
  }
  console.error(error);
  return (
    <section className="state state--error" role="alert">
      <h1 className="page-title">{t('error.title')}</h1>
      <p className="state__body">{t(genericErrorKey(error))}</p>
      <div className="state__actions">
        <button type="button" className="button button--primary" onClick={() => window.location.reload()}>
          {t('common.retry')}
        </button>
        <Link className="button button--secondary" to="/">
          {t('common.backHome')}
        </Link>
      </div>
    </section>
  );
}
