import type { RouteBody } from '../../../lib/contract';
import { useAuthMutation } from './auth-mutation';

export type RegisterInput = RouteBody<'auth.register'>;

/** Creates the account and signs in with the tokens the server returns. */
export function useRegister() {
  return useAuthMutation((client, body: RegisterInput) => client.call('auth.register', { body }));
}
