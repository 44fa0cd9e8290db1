import { useMutation } from '@tanstack/react-query';
import { type ApiError, useApiClient } from '../../../lib/api';
import type { AuthResult, RouteBody } from '../../../lib/contract';

export type LoginInput = RouteBody<'auth.login'>;

export function useLogin() {
  const client = useApiClient();
  return useMutation<AuthResult, ApiError, LoginInput>({
    mutationFn: (body) => client.call('auth.login', { body }),
    onSuccess: (result) => client.session.setAuth(result),
  });
}
