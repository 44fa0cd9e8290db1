import { createPublicKey, createSign, createVerify } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyEnv, handlerEnv } from './env';
import { loadOrCreateSigningKey } from './keys';

const dir = mkdtempSync(join(tmpdir(), 'keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('signing key', () => {
  it('is created once (mode 0600), then reused, and its JWKS verifies its signatures', async () => {
    const file = join(dir, 'jwt-key.json');
    const first = await loadOrCreateSigningKey(file);
    expect(first.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateSigningKey(file);
    expect(again.created).toBe(false);
    expect(again.kid).toBe(first.kid);

    const [jwk] = first.jwks.keys;
    expect(jwk).toMatchObject({ kty: 'RSA', kid: first.kid, use: 'sig', alg: 'RS256', e: 'AQAB' });
    const signature = createSign('RSA-SHA256').update('payload').sign(first.privateKeyPem);
    const publicKey = createPublicKey({ key: { kty: 'RSA', n: jwk!.n, e: jwk!.e }, format: 'jwk' });
    expect(createVerify('RSA-SHA256').update('payload').verify(publicKey, signature)).toBe(true);
  });
});

describe('handler environment', () => {
  it('has every variable the handlers read, pointing at the local stack', async () => {
    const key = await loadOrCreateSigningKey(join(dir, 'env-key.json'));
    const env = handlerEnv({
      redisUrl: 'redis://x',
      dynamoEndpoint: 'http://127.0.0.1:1',
      sfnEndpoint: 'http://127.0.0.1:2',
      managementEndpoint: 'http://127.0.0.1:3/ws',
      key,
      dataDir: dir,
      logLevel: 'WARN',
    });
    expect(env).toMatchObject({
      STAGE: 'local',
      AWS_REGION: 'ap-northeast-2',
      CONNECTIONS_TABLE: 'tiketi-local-connections',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1',
      AWS_ENDPOINT_URL_SFN: 'http://127.0.0.1:2',
      WS_MANAGEMENT_ENDPOINT: 'http://127.0.0.1:3/ws',
      HOLD_EXPIRY_STATE_MACHINE_ARN:
        'arn:aws:states:ap-northeast-2:000000000000:stateMachine:tiketi-local-hold-expiry',
      JWT_KEY_ID: key.kid,
      JWT_ISSUER: 'tiketi-local',
      JWT_AUDIENCE: 'tiketi-api',
    });
    expect(JSON.parse(env.JWKS_JSON!)).toEqual(key.jwks);
  });

  it('applyEnv restores what was there before', () => {
    process.env.TIKETI_KEEP = 'before';
    delete process.env.TIKETI_NEW;
    const restore = applyEnv({ TIKETI_KEEP: 'during', TIKETI_NEW: 'x' });
    expect(process.env.TIKETI_KEEP).toBe('during');
    restore();
    expect(process.env.TIKETI_KEEP).toBe('before');
    expect(process.env.TIKETI_NEW).toBeUndefined();
    delete process.env.TIKETI_KEEP;
  });
});
