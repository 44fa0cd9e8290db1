import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { type Jwks, jwksOf } from '../../functions/shared/jwt';

/**
 * Custom resource (Provider framework onEvent) that creates the access-token signing key on first deploy:
 * the private key goes to a Secrets Manager secret as `{ privateKeyPem, kid }`, the public half to an SSM
 * parameter as a JWKS document. Update keeps the key and re-publishes its JWKS (so a CloudFormation update of
 * the parameter can never leave verifiers without keys); rotation is a separate, deliberate operation. Delete
 * leaves both alone: the secret and parameter belong to CloudFormation and go away with their own resources.
 */

export interface JwtKeyMaterial {
  readonly privateKeyPem: string;
  readonly kid: string;
}

export interface JwtKeysResult {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly Kid: string };
}

export function generateKeyMaterial(): JwtKeyMaterial {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    kid: randomBytes(16).toString('base64url'),
  };
}

export function jwksFor(material: JwtKeyMaterial): Jwks {
  return jwksOf({ kid: material.kid, privateKey: createPrivateKey(material.privateKeyPem) });
}

/** A secret value that already holds a usable key, or undefined (CloudFormation's random placeholder). */
export function parseKeyMaterial(secretString: string | undefined): JwtKeyMaterial | undefined {
  if (!secretString) return undefined;
  try {
    const value: unknown = JSON.parse(secretString);
    if (typeof value !== 'object' || value === null) return undefined;
    const { privateKeyPem, kid } = value as Record<string, unknown>;
    if (typeof privateKeyPem !== 'string' || typeof kid !== 'string' || !kid) return undefined;
    if (createPrivateKey(privateKeyPem).asymmetricKeyType !== 'rsa') return undefined;
    return { privateKeyPem, kid };
  } catch {
    return undefined;
  }
}

const secrets = new SecretsManagerClient({});
const ssm = new SSMClient({});

function requiredProperty(event: CloudFormationCustomResourceEvent, name: string): string {
  const value: unknown = event.ResourceProperties[name];
  if (typeof value !== 'string' || !value) throw new Error(`Missing resource property ${name}`);
  return value;
}

export async function handler(event: CloudFormationCustomResourceEvent): Promise<JwtKeysResult> {
  if (event.RequestType === 'Delete') {
    console.log('JwtKeys Delete: nothing to do');
    return { PhysicalResourceId: event.PhysicalResourceId };
  }

  const secretId = requiredProperty(event, 'SecretArn');
  const parameterName = requiredProperty(event, 'ParameterName');

  // Create can be retried (rollback, replacement) and Update runs on property changes: reuse a key that is
  // already there rather than invalidate every token signed with it.
  const current = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
  let material = parseKeyMaterial(current.SecretString);
  if (material) {
    console.log(`JwtKeys ${event.RequestType}: reusing existing key ${material.kid}`);
  } else {
    material = generateKeyMaterial();
    await secrets.send(
      new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(material) }),
    );
    console.log(`JwtKeys ${event.RequestType}: generated key ${material.kid}`);
  }

  await ssm.send(
    new PutParameterCommand({
      Name: parameterName,
      Value: JSON.stringify(jwksFor(material)),
      Type: 'String',
      Overwrite: true,
    }),
  );
  return { PhysicalResourceId: `jwt-keys-${material.kid}`, Data: { Kid: material.kid } };
}
