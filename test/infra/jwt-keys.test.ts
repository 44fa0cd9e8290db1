import { createPublicKey, createSign, createVerify } from 'node:crypto';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Jwks } from '../../functions/shared/jwt';
import {
  generateKeyMaterial,
  handler,
  jwksFor,
  parseKeyMaterial,
} from '../../infra/custom-resources/jwt-keys';
import { jwksSchema } from '../../shared/routes';

const secrets = mockClient(SecretsManagerClient);
const ssm = mockClient(SSMClient);
beforeEach(() => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
  secrets.reset();
  ssm.reset();
});

const base = {
  ServiceToken: 'arn:aws:lambda:ap-northeast-2:1:function:provider',
  ResponseURL: 'https://example.invalid',
  StackId: 'stack',
  RequestId: 'req',
  LogicalResourceId: 'JwtKeys',
  ResourceType: 'Custom::TiketiJwtKeys',
  ResourceProperties: { ServiceToken: 'x', SecretArn: 'arn:secret', ParameterName: '/tiketi-dev/auth/jwks' },
};

describe('jwt-keys custom resource', () => {
  it('generates an RSA-2048 key whose JWKS verifies its signatures', () => {
    const material = generateKeyMaterial();
    const jwks = jwksFor(material);
    expect(jwksSchema.parse(jwks)).toEqual(jwks);
    const [key] = jwks.keys;
    expect(key?.kid).toBe(material.kid);
    const publicKey = createPublicKey({ key: { kty: 'RSA', n: key!.n, e: key!.e }, format: 'jwk' });
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const signature = createSign('RSA-SHA256').update('payload').sign(material.privateKeyPem);
    expect(createVerify('RSA-SHA256').update('payload').verify(publicKey, signature)).toBe(true);
  });

  it('on Create writes the key to the secret and the JWKS to the parameter', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'random-placeholder' });
    secrets.on(PutSecretValueCommand).resolves({});
    ssm.on(PutParameterCommand).resolves({});
    const result = await handler({ ...base, RequestType: 'Create' } as CloudFormationCustomResourceEvent);

    const put = secrets.commandCalls(PutSecretValueCommand)[0]!.args[0].input;
    expect(put.SecretId).toBe('arn:secret');
    const stored = parseKeyMaterial(put.SecretString);
    expect(stored?.kid).toBe(result.Data?.Kid);

    const param = ssm.commandCalls(PutParameterCommand)[0]!.args[0].input;
    expect(param).toMatchObject({ Name: '/tiketi-dev/auth/jwks', Type: 'String', Overwrite: true });
    const jwks = JSON.parse(param.Value!) as Jwks;
    expect(jwks).toEqual(jwksFor(stored!));
    expect(result.PhysicalResourceId).toBe(`jwt-keys-${stored!.kid}`);
  });

  it('on a repeated Create keeps an existing key and republishes its JWKS', async () => {
    const existing = generateKeyMaterial();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(existing) });
    ssm.on(PutParameterCommand).resolves({});
    const result = await handler({ ...base, RequestType: 'Create' } as CloudFormationCustomResourceEvent);
    expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(JSON.parse(ssm.commandCalls(PutParameterCommand)[0]!.args[0].input.Value!)).toEqual(
      jwksFor(existing),
    );
    expect(result.Data?.Kid).toBe(existing.kid);
  });

  it('on Update keeps the key and republishes its JWKS', async () => {
    const existing = generateKeyMaterial();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(existing) });
    ssm.on(PutParameterCommand).resolves({});
    const result = await handler({
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: `jwt-keys-${existing.kid}`,
      OldResourceProperties: base.ResourceProperties,
    } as CloudFormationCustomResourceEvent);
    expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(JSON.parse(ssm.commandCalls(PutParameterCommand)[0]!.args[0].input.Value!)).toEqual(
      jwksFor(existing),
    );
    expect(result.PhysicalResourceId).toBe(`jwt-keys-${existing.kid}`);
  });

  it('does nothing on Delete', async () => {
    const result = await handler({
      ...base,
      RequestType: 'Delete',
      PhysicalResourceId: 'jwt-keys-abc',
      OldResourceProperties: base.ResourceProperties,
    } as CloudFormationCustomResourceEvent);
    expect(result).toEqual({ PhysicalResourceId: 'jwt-keys-abc' });
    expect(secrets.calls()).toHaveLength(0);
    expect(ssm.calls()).toHaveLength(0);
  });

  it('rejects secret values that are not a usable key', () => {
    expect(parseKeyMaterial(undefined)).toBeUndefined();
    expect(parseKeyMaterial('not json')).toBeUndefined();
    expect(parseKeyMaterial('{"privateKeyPem":"x","kid":"k"}')).toBeUndefined();
    expect(
      parseKeyMaterial(JSON.stringify({ privateKeyPem: generateKeyMaterial().privateKeyPem })),
    ).toBeUndefined();
  });
});
