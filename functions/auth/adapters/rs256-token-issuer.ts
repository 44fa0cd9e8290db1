import { createHash, randomBytes } from 'node:crypto';
import { jwksOf, type SigningKey, signJwt } from '../../shared/jwt';
import type { Clock, TokenIssuer } from '../ports';

export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

export function rs256TokenIssuer(
  key: SigningKey,
  opts: { issuer: string; audience: string; accessTtlSeconds: number; clock: Clock },
): TokenIssuer {
  const jwks = jwksOf(key);
  const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('base64url');
  return {
    accessTtlSeconds: opts.accessTtlSeconds,
    accessToken(user, sessionId) {
      const token = signJwt({ sub: user.id, role: user.role, email: user.email, sid: sessionId }, key, {
        issuer: opts.issuer,
        audience: opts.audience,
        ttlSeconds: opts.accessTtlSeconds,
        now: opts.clock.now().getTime(),
      });
      return { token, expiresIn: opts.accessTtlSeconds };
    },
    refreshToken() {
      const token = randomBytes(32).toString('base64url');
      return { token, hash: hashRefreshToken(token) };
    },
    hashRefreshToken,
    refreshTtlSeconds: REFRESH_TOKEN_TTL_SECONDS,
    jwks: () => jwks,
  };
}
