import { useId } from 'react';
import { Link, useLocation } from 'react-router';
import { UserMenu } from '../../features/auth/components/user-menu';
import { useSession } from '../../features/auth/hooks/use-session';
import { isLocale, LOCALES, useI18n } from '../../lib/i18n';
import { ConnectionStatus } from './connection-status';

const LANGUAGE_NAMES = { ko: '한국어', en: 'English' } as const;

export function Header() {
  const { t, locale, setLocale } = useI18n();
  const languageId = useId();
  const { pathname } = useLocation();
  const { signedIn } = useSession();
  const inEvents = pathname === '/' || pathname.startsWith('/events/');
  const inReservations = pathname === '/reservations';
  return (
    <header className="site-header">
      <div className="container site-header__inner">
        <Link to="/" className="brand">
          <span className="brand__mark" aria-hidden="true">
            T
          </span>
          <span>{t('app.name')}</span>
        </Link>
        <nav className="site-nav" aria-label={t('nav.main')}>
          <Link
            to="/"
            className={inEvents ? 'site-nav__link active' : 'site-nav__link'}
            aria-current={inEvents ? 'page' : undefined}
          >
            {t('nav.events')}
          </Link>
          {signedIn ? (
            <Link
              to="/reservations"
              className={inReservations ? 'site-nav__link active' : 'site-nav__link'}
              aria-current={inReservations ? 'page' : undefined}
            >
              {t('nav.reservations')}
            </Link>
          ) : null}
        </nav>
        <div className="site-header__end">
          <ConnectionStatus />
          <div className="language-switch">
            <label className="visually-hidden" htmlFor={languageId}>
              {t('nav.language')}
            </label>
            <select
              id={languageId}
              className="input input--compact"
              value={locale}
              onChange={(e) => {
                if (isLocale(e.target.value)) setLocale(e.target.value);
              }}
            >
              {LOCALES.map((code) => (
                <option key={code} value={code} lang={code}>
                  {LANGUAGE_NAMES[code]}
                </option>
              ))}
            </select>
          </div>
          <UserMenu />
        </div>
      </div>
    </header>
  );
}
