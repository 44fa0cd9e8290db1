import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from '../features/auth/hooks/use-session';
import { loginPathFor } from '../features/auth/utils/redirect';

/** Pages for signed-in users only: anyone else goes to sign-in, and comes back here afterwards. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const { signedIn } = useSession();
  const location = useLocation();
  if (!signedIn) return <Navigate to={loginPathFor(`${location.pathname}${location.search}`)} replace />;
  return children;
}
