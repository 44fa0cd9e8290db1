import type { ComponentType } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { useDocumentTitle } from '../../../lib/hooks/use-document-title';
import { useI18n } from '../../../lib/i18n';
import { useSession } from '../hooks/use-session';
import { NEXT_PARAM, safeRedirectPath } from '../utils/redirect';

/** Per page: its title and the link to the other page (which keeps `?next=`). */
const PAGES = {
  login: {
    title: 'auth.login.title',
    switchPrompt: 'auth.login.noAccount',
    switchLabel: 'auth.login.toRegister',
    switchTo: '/register',
  },
  register: {
    title: 'auth.register.title',
    switchPrompt: 'auth.register.haveAccount',
    switchLabel: 'auth.register.toLogin',
    switchTo: '/login',
  },
} as const;

interface AuthPageProps {
  page: keyof typeof PAGES;
  form: ComponentType<{ onSuccess: () => void }>;
}

/** The sign-in and sign-up pages: a signed-in visitor goes straight on to `?next=` (or `/`). */
export function AuthPage({ page, form: Form }: AuthPageProps) {
  const { t } = useI18n();
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const { signedIn } = useSession();
  const rawNext = searchParams.get(NEXT_PARAM);
  const next = safeRedirectPath(rawNext);
  const { title, switchPrompt, switchLabel, switchTo } = PAGES[page];
  const titleId = `${page}-title`;
  useDocumentTitle(t(title));

  if (signedIn) return <Navigate to={next} replace />;
  return (
    <section className="auth-card" aria-labelledby={titleId}>
      <h1 id={titleId} className="page-title" tabIndex={-1}>
        {t(title)}
      </h1>
      <Form onSuccess={() => navigate(next, { replace: true })} />
      <p className="auth-card__switch muted">
        {t(switchPrompt)}{' '}
        <Link to={rawNext ? `${switchTo}?${NEXT_PARAM}=${encodeURIComponent(next)}` : switchTo}>
          {t(switchLabel)}
        </Link>
      </p>
    </section>
  );
}
