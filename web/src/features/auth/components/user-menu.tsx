import { Link, useLocation } from 'react-router';
import { useI18n } from '../../../lib/i18n';
import { useLogout } from '../api/logout';
import { useCurrentUser } from '../api/me';
import { useSession } from '../hooks/use-session';
import { loginPathFor } from '../utils/redirect';

/** Header corner: the signed-in user's name and a sign-out button, or sign-in / sign-up links. */
export function UserMenu() {
  const { t } = useI18n();
  const { user, signedIn } = useSession();
  const logout = useLogout();
  const location = useLocation();
  useCurrentUser();

  if (signedIn && user) {
    return (
      <div className="user-menu">
        <span className="user-menu__name">{t('nav.signedInAs', { name: user.name })}</span>
        <button
          type="button"
          className="button button--ghost button--small"
          onClick={() => logout.mutate()}
          disabled={logout.isPending}
        >
          {t('nav.logout')}
        </button>
      </div>
    );
  }
  const here = `${location.pathname}${location.search}`;
  return (
    <div className="user-menu">
      <Link className="button button--ghost button--small" to={loginPathFor(here)}>
        {t('nav.login')}
      </Link>
      <Link className="button button--primary button--small" to={loginPathFor(here, '/register')}>
        {t('nav.register')}
      </Link>
    </div>
  );
}
