import { createPrivateKey, createPublicKey, createSign, type KeyObject, randomUUID } from 'node:crypto';
import { JwtVerifier } from 'aws-jwt-verify';
import type { Role } from '../../shared/domain';
import { readParameter, readSecretJson } from './clients';
import { type configParts, loadConfig } from './config';

/**
 * Access tokens: RS256 JWTs (15 minutes) with `kid`, claims sub/role/email, `jti` and the session id `sid`. Signing uses node:crypto;
 * verification uses aws-jwt-verify against the service's own JWKS, which rejects `alg: none`, HS256 and
 * unknown key ids by construction.
 */

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

export interface AccessClaims {
  sub: string;
  role: Role;
  email: string;
  /** The sign-in session (refresh-token family) the token belongs to; logout denylists it. */
  sid?: string;
}

/** What a verified token yields: its claims plus the token's own id and expiry (epoch seconds). */
export interface VerifiedClaims extends AccessClaims {
  jti: string;
  exp: number;
}

// Type aliases (not interfaces) so they stay assignable to aws-jwt-verify's JSON types.
export type Jwk = { kty: 'RSA'; kid: string; use: 'sig'; alg: 'RS256'; n: string; e: string };
export type Jwks = { keys: Jwk[] };

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

const b64url = (input: Buffer | string) => Buffer.from(input).toString('base64url');

export function signJwt(
  claims: AccessClaims,
  key: SigningKey,
  opts: { issuer: string; audience: string; ttlSeconds?: number; now?: number },
): string {
  const iat = Math.floor((opts.now ?? Date.now()) / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid: key.kid };
  const payload = {
    ...claims,
    iss: opts.issuer,
    aud: opts.audience,
    iat,
    nbf: iat,
    exp: iat + (opts.ttlSeconds ?? ACCESS_TOKEN_TTL_SECONDS),
    jti: randomUUID(),
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key.privateKey);
  return `${input}.${b64url(signature)}`;
}

export function jwksOf(key: SigningKey): Jwks {
  const jwk = createPublicKey(key.privateKey).export({ format: 'jwk' });
  return { keys: [{ kty: 'RSA', kid: key.kid, use: 'sig', alg: 'RS256', n: jwk.n!, e: jwk.e! }] };
}

type Z<T extends keyof typeof configParts> = import('zod').infer<(typeof configParts)[T]>;

export async function loadSigningKey(c: Z<'jwtSigning'>): Promise<SigningKey> {
  if (c.JWT_PRIVATE_KEY && c.JWT_KEY_ID) {
    return { kid: c.JWT_KEY_ID, privateKey: createPrivateKey(c.JWT_PRIVATE_KEY) };
  }
  const secret = await readSecretJson<{ privateKeyPem: string; kid: string }>(c.JWT_KEY_SECRET_ARN!);
  return { kid: secret.kid, privateKey: createPrivateKey(secret.privateKeyPem) };
}

export async function loadJwks(c: Z<'jwks'>): Promise<Jwks> {
  const raw = c.JWKS_JSON ?? (await readParameter(c.JWKS_PARAMETER_NAME!));
  return JSON.parse(raw) as Jwks;
}

export interface AccessTokenVerifier {
  verify(token: string): Promise<VerifiedClaims>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createAccessTokenVerifier(
  jwks: Jwks,
  opts: { issuer: string; audience: string },
): AccessTokenVerifier {
  const verifier = JwtVerifier.create({
    issuer: opts.issuer,
    audience: opts.audience,
    // Never fetched: the JWKS is cached below, and a token with an unknown kid fails verification.
    jwksUri: 'https://jwks.invalid/.well-known/jwks.json',
    customJwtCheck: ({ header, payload }) => {
      if (header.alg !== 'RS256') throw new Error('alg must be RS256');
      if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) throw new Error('bad sub');
      if (payload.role !== 'user' && payload.role !== 'admin') throw new Error('bad role');
      if (typeof payload.email !== 'string') throw new Error('bad email');
      if (typeof payload.jti !== 'string') throw new Error('bad jti');
      if (payload.sid !== undefined && typeof payload.sid !== 'string') throw new Error('bad sid');
    },
  });
  verifier.cacheJwks(jwks);
  return {
    async verify(token) {
      const payload = await verifier.verify(token);
      return {
        sub: payload.sub as string,
        role: payload.role as Role,
        email: payload.email as string,
        jti: payload.jti as string,
        exp: payload.exp as number,
        ...(typeof payload.sid === 'string' ? { sid: payload.sid } : {}),
      };
    },
  };
}

let cachedVerifier: Promise<AccessTokenVerifier> | undefined;
/** The verifier for this cold start (authorizer, realtime): JWKS loaded once. */
export function getAccessTokenVerifier(): Promise<AccessTokenVerifier> {
  cachedVerifier ??= (async () => {
    const c = loadConfig(['jwt', 'jwks']);
    return createAccessTokenVerifier(await loadJwks(c), { issuer: c.JWT_ISSUER, audience: c.JWT_AUDIENCE });
  })();
  return cachedVerifier;
}
