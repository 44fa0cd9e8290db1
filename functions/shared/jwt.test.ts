import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAccessTokenVerifier, jwksOf, type SigningKey, signJwt } from './jwt';

const opts = { issuer: 'tiketi-test', audience: 'tiketi-api' };
const newKey = (kid: string): SigningKey => ({
  kid,
  privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
});
const key = newKey('k1');
const verifier = createAccessTokenVerifier(jwksOf(key), opts);
const claims = { sub: randomUUID(), role: 'user' as const, email: 'a@example.com' };
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

describe('access tokens', () => {
  it('verifies a token it signed and returns the claims', async () => {
    // Prepare
    const token = signJwt(claims, key, opts);
    // Act
    const out = await verifier.verify(token);
    // Assess
    expect(out).toEqual({ ...claims, jti: payloadOf(token).jti, exp: payloadOf(token).exp });
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({
      alg: 'RS256',
      kid: 'k1',
    });
    expect(payloadOf(token).exp - payloadOf(token).iat).toBe(15 * 60);
  });

  it('carries the session id (sid) through verification', async () => {
    // Prepare
    const sid = '6f1c2d3e-0000-4000-8000-000000000001';
    // Act
    const out = await verifier.verify(signJwt({ ...claims, sid }, key, opts));
    // Assess
    expect(out.sid).toBe(sid);
    expect(typeof out.jti).toBe('string');
  });

  it('rejects a tampered payload', async () => {
    const [h, , s] = signJwt(claims, key, opts).split('.');
    const forged = `${h}.${b64({ ...payloadOf(signJwt(claims, key, opts)), role: 'admin' })}.${s}`;
    await expect(verifier.verify(forged)).rejects.toThrow();
  });

  it('rejects an expired token', async () => {
    const token = signJwt(claims, key, { ...opts, now: Date.now() - 16 * 60 * 1000 });
    await expect(verifier.verify(token)).rejects.toThrow(/expired/i);
  });

  it('rejects a token signed by another key with an unknown kid', async () => {
    await expect(verifier.verify(signJwt(claims, newKey('other'), opts))).rejects.toThrow();
  });

  it('rejects a token signed by another key that claims the known kid', async () => {
    await expect(verifier.verify(signJwt(claims, newKey('k1'), opts))).rejects.toThrow();
  });

  it('rejects alg none', async () => {
    const p = payloadOf(signJwt(claims, key, opts));
    await expect(verifier.verify(`${b64({ alg: 'none', kid: 'k1' })}.${b64(p)}.`)).rejects.toThrow();
  });

  it('rejects HS256 signed with the public key as secret (key confusion)', async () => {
    const p = payloadOf(signJwt(claims, key, opts));
    const input = `${b64({ alg: 'HS256', kid: 'k1', typ: 'JWT' })}.${b64(p)}`;
    const secret = JSON.stringify(jwksOf(key).keys[0]);
    const sig = createHmac('sha256', secret).update(input).digest('base64url');
    await expect(verifier.verify(`${input}.${sig}`)).rejects.toThrow();
  });

  it('rejects the wrong issuer or audience', async () => {
    await expect(verifier.verify(signJwt(claims, key, { ...opts, issuer: 'evil' }))).rejects.toThrow();
    await expect(verifier.verify(signJwt(claims, key, { ...opts, audience: 'other' }))).rejects.toThrow();
  });
});
