import { getPool, getRedis } from '../shared/clients';
import { loadConfig } from '../shared/config';
import { ACCESS_TOKEN_TTL_SECONDS, loadSigningKey } from '../shared/jwt';
import { bcryptPasswordHasher } from './adapters/bcrypt-password-hasher';
import { pgAuditLog } from './adapters/pg-audit-log';
import { pgRefreshTokenRepository } from './adapters/pg-refresh-token-repository';
import { pgUserRepository } from './adapters/pg-user-repository';
import { redisLoginAttempts } from './adapters/redis-login-attempts';
import { rs256TokenIssuer } from './adapters/rs256-token-issuer';
import type { AuthDeps } from './ports';
import { LOCKOUT_SECONDS, MAX_FAILED_LOGINS } from './use-cases/login';

/** Wires the auth use cases to real adapters, once per cold start. */
let deps: Promise<AuthDeps> | undefined;
export function getAuthDeps(): Promise<AuthDeps> {
  deps ??= (async () => {
    const config = loadConfig(['database', 'redis', 'jwt', 'jwtSigning']);
    const [pool, redis, key] = await Promise.all([getPool(), getRedis(), loadSigningKey(config)]);
    const clock = { now: () => new Date() };
    return {
      users: pgUserRepository(pool),
      refreshTokens: pgRefreshTokenRepository(pool),
      audit: pgAuditLog(pool),
      attempts: redisLoginAttempts(redis, {
        maxFailures: MAX_FAILED_LOGINS,
        windowSeconds: LOCKOUT_SECONDS,
        lockSeconds: LOCKOUT_SECONDS,
      }),
      hasher: bcryptPasswordHasher(),
      tokens: rs256TokenIssuer(key, {
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        accessTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
        clock,
      }),
      clock,
    };
  })().catch((err) => {
    deps = undefined;
    throw err;
  });
  return deps;
}
