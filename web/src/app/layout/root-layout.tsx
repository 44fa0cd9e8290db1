import { useEffect, useRef } from 'react';
import { Outlet, ScrollRestoration, useLocation } from 'react-router';
import { useI18n } from '../../lib/i18n';
import { Header } from './header';

/** Page chrome shared by every route: skip link, header, main landmark, footer. */
export function RootLayout() {
  const { t } = useI18n();
  const { pathname } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const lastPathname = useRef(pathname);

  // On client-side navigation, move focus to the new page (as a full page load would) so screen-reader
  // and keyboard users start at the top of the new content. Query-string changes (filters) keep focus.
  useEffect(() => {
    if (lastPathname.current === pathname) return;
    lastPathname.current = pathname;
    const heading = mainRef.current?.querySelector<HTMLElement>('h1');
    (heading ?? mainRef.current)?.focus({ preventScroll: true });
  }, [pathname]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <Header />
      <main id="main" ref={mainRef} className="container main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <div className="container">
          <p className="muted small">{t('app.footer')}</p>
        </div>
      </footer>
      <ScrollRestoration />
    </div>
  );
}
