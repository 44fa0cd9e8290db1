import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { RegisterForm } from '../../features/auth/components/register-form';
import { useSession } from '../../features/auth/hooks/use-session';
import { NEXT_PARAM, safeRedirectPath } from '../../features/auth/utils/redirect';
import { useDocumentTitle } from '../../lib/hooks/use-document-title';
import { useI18n } from '../../lib/i18n';

export function RegisterRoute() {
  const { t } = useI18n();
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const { signedIn } = useSession();
  const rawNext = searchParams.get(NEXT_PARAM);
  const next = safeRedirectPath(rawNext);
  useDocumentTitle(t('auth.register.title'));

  if (signedIn) return <Navigate to={next} replace />;
  return (
    <section className="auth-card" aria-labelledby="register-title">
      <h1 id="register-title" className="page-title" tabIndex={-1}>
        {t('auth.register.title')}
      </h1>
      <RegisterForm onSuccess={() => navigate(next, { replace: true })} />
      <p className="auth-card__switch muted">
        {t('auth.register.haveAccount')}{' '}
        <Link to={rawNext ? `/login?${NEXT_PARAM}=${encodeURIComponent(next)}` : '/login'}>
          {t('auth.register.toLogin')}
        </Link>
      </p>
    </section>
  );
}
