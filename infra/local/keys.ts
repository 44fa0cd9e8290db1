import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';

/**
 * The local access-token signing key: RSA-2048, generated on first start into `<dataDir>/jwt-key.json`
 * (`{ privateKeyPem, kid }`, mode 0600 — the same shape the AWS secret has), with the JWKS derived from it.
 */

export interface Jwk {
  kty: 'RSA';
  kid: string;
  use: 'sig';
  alg: 'RS256';
  n: string;
  e: string;
}

export interface SigningKey {
  privateKeyPem: string;
  kid: string;
  jwks: { keys: Jwk[] };
  created: boolean;
}

export function jwksOf(privateKeyPem: string, kid: string): { keys: Jwk[] } {
  const jwk = createPublicKey(createPrivateKey(privateKeyPem)).export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new Error('The signing key is not an RSA key');
  return { keys: [{ kty: 'RSA', kid, use: 'sig', alg: 'RS256', n: jwk.n, e: jwk.e }] };
}

export function generateSigningKey(): { privateKeyPem: string; kid: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  // kid: a short thumbprint of the public key, so a regenerated key never reuses an old kid.
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const kid = `local-${createHash('sha256').update(der).digest('base64url').slice(0, 16)}`;
  return { privateKeyPem, kid };
}

export async function loadOrCreateSigningKey(file: string): Promise<SigningKey> {
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as { privateKeyPem?: unknown; kid?: unknown };
    if (typeof saved.privateKeyPem === 'string' && typeof saved.kid === 'string') {
      return {
        privateKeyPem: saved.privateKeyPem,
        kid: saved.kid,
        jwks: jwksOf(saved.privateKeyPem, saved.kid),
        created: false,
      };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`${file} is unreadable (${(error as Error).message}); delete it or start with --reset`);
    }
  }
  const key = generateSigningKey();
  await writeFile(file, JSON.stringify(key, null, 2), { mode: 0o600 });
  await chmod(file, 0o600);
  return { ...key, jwks: jwksOf(key.privateKeyPem, key.kid), created: true };
}
