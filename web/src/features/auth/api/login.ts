import type { RouteBody } from '../../../lib/contract';
import { useAuthMutation } from './auth-mutation';

export type LoginInput = RouteBody<'auth.login'>;

export function useLogin() {
  return useAuthMutation((client, body: LoginInput) => client.call('auth.login', { body }));
}
