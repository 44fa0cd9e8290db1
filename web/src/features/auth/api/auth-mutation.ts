import { useMutation } from '@tanstack/react-query';
import { type ApiClient, type ApiError, useApiClient } from '../../../lib/api';
import type { AuthResult } from '../../../lib/contract';

/**
 * A mutation for a route that answers with a new session (login, register): on success the returned tokens
 * and user go into the session. `call` names the route, so its body stays typed by the route table.
 */
export function useAuthMutation<B>(call: (client: ApiClient, body: B) => Promise<AuthResult>) {
  const client = useApiClient();
  return useMutation<AuthResult, ApiError, B>({
    mutationFn: (body) => call(client, body),
    onSuccess: (result) => client.session.setAuth(result),
  });
}
