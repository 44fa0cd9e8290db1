import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { LoginForm } from '../../features/auth/components/login-form';
import { useSession } from '../../features/auth/hooks/use-session';
import { NEXT_PARAM, safeRedirectPath } from '../../features/auth/utils/redirect';
import { useDocumentTitle } from '../../lib/hooks/use-document-title';
import { useI18n } from '../../lib/i18n';

export function LoginRoute() {
  const { t } = useI18n();
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const { signedIn } = useSession();
  const rawNext = searchParams.get(NEXT_PARAM);
  const next = safeRedirectPath(rawNext);
  useDocumentTitle(t('auth.login.title'));

  if (signedIn) return <Navigate to={next} replace />;
  return (
    <section className="auth-card" aria-labelledby="login-title">
      <h1 id="login-title" className="page-title" tabIndex={-1}>
        {t('auth.login.title')}
      </h1>
      <LoginForm onSuccess={() => navigate(next, { replace: true })} />
      <p className="auth-card__switch muted">
        {t('auth.login.noAccount')}{' '}
        <Link to={rawNext ? `/register?${NEXT_PARAM}=${encodeURIComponent(next)}` : '/register'}>
          {t('auth.login.toRegister')}
        </Link>
      </p>
    </section>
  );
}
