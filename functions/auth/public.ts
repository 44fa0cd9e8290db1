import { bcryptPasswordHasher } from './adapters/bcrypt-password-hasher';

/**
 * What other contexts may call of the auth context (functions/architecture.test.ts: nothing else of it is
 * imported from outside).
 */

/** A password hash sign-in accepts (the seed's admin account). */
export function hashPassword(password: string): Promise<string> {
  return bcryptPasswordHasher().hash(password);
}
