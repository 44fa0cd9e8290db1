import { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { Spinner } from '../components/ui/spinner';
import { useI18n } from '../lib/i18n/i18n-provider';
import { RootLayout } from './layout/root-layout';
import { RouteErrorBoundary } from './route-error-boundary';
import { HomeRoute } from './routes/home';
import { LoginRoute } from './routes/login';
import { NotFoundRoute } from './routes/not-found';
import { RegisterRoute } from './routes/register';

/**
 * The booking routes (the canvas seat map, checkout, my reservations) load on first visit: the home page and
 * sign-in do not carry their code. While a first load is in flight the router shows RouteLoading.
 */
const lazyRoute = <K extends string>(load: () => Promise<Record<K, () => React.JSX.Element>>, name: K) => ({
  lazy: async () => ({ Component: (await load())[name] }),
  ErrorBoundary: RouteErrorBoundary,
});

function RouteLoading() {
  const { t } = useI18n();
  return <Spinner label={t('common.loading')} />;
}

/** Every route has its own error boundary, rendered inside the layout so the header stays usable. */
export function createAppRouter() {
  return createBrowserRouter([
    {
      element: <RootLayout />,
      ErrorBoundary: RouteErrorBoundary,
      HydrateFallback: RouteLoading,
      children: [
        { index: true, element: <HomeRoute />, ErrorBoundary: RouteErrorBoundary },
        { path: 'events/:id', ...lazyRoute(() => import('./routes/event'), 'EventRoute') },
        { path: 'checkout/:reservationId', ...lazyRoute(() => import('./routes/checkout'), 'CheckoutRoute') },
        { path: 'reservations', ...lazyRoute(() => import('./routes/reservations'), 'ReservationsRoute') },
        { path: 'login', element: <LoginRoute />, ErrorBoundary: RouteErrorBoundary },
        { path: 'register', element: <RegisterRoute />, ErrorBoundary: RouteErrorBoundary },
        { path: '*', element: <NotFoundRoute />, ErrorBoundary: RouteErrorBoundary },
      ],
    },
  ]);
}

type AppRouter = ReturnType<typeof createAppRouter>;

export function AppRouter({ router }: { router: AppRouter }) {
  return <RouterProvider router={router} />;
}
