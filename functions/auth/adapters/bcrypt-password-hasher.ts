import bcrypt from 'bcryptjs';
import type { PasswordHasher } from '../ports';

/** bcrypt, cost 10 by default (~70 ms on a Lambda vCPU): slow enough for stolen hashes, fast enough for sign-in. */
export function bcryptPasswordHasher(cost = 10): PasswordHasher {
  return {
    hash: (plain) => bcrypt.hash(plain, cost),
    verify: (plain, hash) => bcrypt.compare(plain, hash),
  };
}
