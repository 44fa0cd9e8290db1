import { getConnectionCloser, getConnectionRepository } from '../shared/broadcaster';
import { getPool, getRedis } from '../shared/clients';
import { loadConfig } from '../shared/config';
import { ACCESS_TOKEN_TTL_SECONDS, loadSigningKey } from '../shared/jwt';
import { redisSessionDenylist } from '../shared/session-denylist';
import { bcryptPasswordHasher } from './adapters/bcrypt-password-hasher';
import { pgAuditLog } from './adapters/pg-audit-log';
import { pgRefreshTokenRepository } from './adapters/pg-refresh-token-repository';
import { pgUserRepository } from './adapters/pg-user-repository';
import { redisClientThrottle } from './adapters/redis-client-throttle';
import { redisLoginAttempts } from './adapters/redis-login-attempts';
import { rs256TokenIssuer } from './adapters/rs256-token-issuer';
import { wsSessionSockets } from './adapters/ws-session-sockets';
import type { AuthDeps } from './ports';
import { LOCKOUT_SECONDS, MAX_FAILED_LOGINS } from './use-cases/login';

/** Wires the auth use cases to real adapters, once per cold start. */
let deps: Promise<AuthDeps> | undefined;
export function getAuthDeps(): Promise<AuthDeps> {
  deps ??= (async () => {
    const config = loadConfig([
      'database',
      'redis',
      'jwt',
      'jwtSigning',
      'authThrottle',
      'connections',
      'websocketManagement',
    ]);
    const [pool, redis, key, connections, closer] = await Promise.all([
      getPool(),
      getRedis(),
      loadSigningKey(config),
      getConnectionRepository(),
      getConnectionCloser(),
    ]);
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
      throttle: redisClientThrottle(
        redis,
        {
          login: { points: config.LOGIN_IP_LIMIT, windowSeconds: config.LOGIN_IP_WINDOW_SECONDS },
          register: { points: config.REGISTER_IP_LIMIT, windowSeconds: config.REGISTER_IP_WINDOW_SECONDS },
        },
        new Set(config.AUTH_THROTTLE_EXEMPT_IPS),
      ),
      denylist: redisSessionDenylist(redis),
      sockets: wsSessionSockets(connections, closer),
      hasher: bcryptPasswordHasher(),
      tokens: rs256TokenIssuer(key, {
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        accessTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
        clock,
      }),
      clock,
      testSwitches: config.STAGE === 'local' && config.TIKETI_TEST_SWITCHES === '1',
    };
  })().catch((err) => {
    deps = undefined;
    throw err;
  });
  return deps;
}
