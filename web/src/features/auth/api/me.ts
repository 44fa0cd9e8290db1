import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../../../lib/api';
import { useSession } from '../hooks/use-session';
import { authKeys } from './auth-keys';

/**
 * Re-validates a resumed session (refresh token from storage + cached profile) against the server once
 * per sign-in: refreshes the access token, updates the cached profile, or clears a revoked session.
 */
export function useCurrentUser() {
  const client = useApiClient();
  const { signedIn } = useSession();
  return useQuery({
    queryKey: authKeys.me(),
    enabled: signedIn,
    staleTime: 5 * 60_000,
    retry: false,
    queryFn: async ({ signal }) => {
      const { user } = await client.call('auth.me', { signal });
      client.session.setUser(user);
      return user;
    },
  });
}
