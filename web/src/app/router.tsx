import { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { RootLayout } from './layout/root-layout';
import { RouteErrorBoundary } from './route-error-boundary';
import { CheckoutRoute } from './routes/checkout';
import { EventRoute } from './routes/event';
import { HomeRoute } from './routes/home';
import { LoginRoute } from './routes/login';
import { NotFoundRoute } from './routes/not-found';
import { RegisterRoute } from './routes/register';
import { ReservationsRoute } from './routes/reservations';

/** Every route has its own error boundary, rendered inside the layout so the header stays usable. */
export function createAppRouter() {
  return createBrowserRouter([
    {
      element: <RootLayout />,
      ErrorBoundary: RouteErrorBoundary,
      children: [
        { index: true, element: <HomeRoute />, ErrorBoundary: RouteErrorBoundary },
        { path: 'events/:id', element: <EventRoute />, ErrorBoundary: RouteErrorBoundary },
        { path: 'checkout/:reservationId', element: <CheckoutRoute />, ErrorBoundary: RouteErrorBoundary },
        { path: 'reservations', element: <ReservationsRoute />, ErrorBoundary: RouteErrorBoundary },
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
