import { useMutation } from '@tanstack/react-query';
import { type ApiError, useApiClient } from '../../../lib/api';
import type { AuthResult, RouteBody } from '../../../lib/contract';

export type RegisterInput = RouteBody<'auth.register'>;

/** Creates the account and signs in with the tokens the server returns. */
export function useRegister() {
  const client = useApiClient();
  return useMutation<AuthResult, ApiError, RegisterInput>({
    mutationFn: (body) => client.call('auth.register', { body }),
    onSuccess: (result) => client.session.setAuth(result),
  });
}
