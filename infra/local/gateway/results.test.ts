import { describe, expect, it } from 'vitest';
import {
  AuthorizerConfigurationError,
  evaluateAuthorizerResult,
  isUnauthorizedError,
  parseProxyResult,
} from './results';

describe('parseProxyResult', () => {
  it('merges headers and multiValueHeaders (multi-value wins) and drops framing headers', () => {
    const r = parseProxyResult({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', 'Set-Cookie': 'ignored', 'Content-Length': '999' },
      multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
      body: '{"ok":true}',
    });
    expect(r?.statusCode).toBe(201);
    expect(r?.headers.get('set-cookie')?.values).toEqual(['a=1', 'b=2']);
    expect(r?.headers.get('content-type')?.values).toEqual(['application/json']);
    expect(r?.headers.has('content-length')).toBe(false);
    expect(r?.body.toString()).toBe('{"ok":true}');
  });

  it('decodes base64 bodies and accepts an absent body', () => {
    expect(parseProxyResult({ statusCode: 200, body: 'aGk=', isBase64Encoded: true })?.body.toString()).toBe(
      'hi',
    );
    expect(parseProxyResult({ statusCode: 204 })?.body.length).toBe(0);
  });

  it('rejects what API Gateway calls a malformed proxy response', () => {
    for (const bad of [
      undefined,
      null,
      'x',
      {},
      { statusCode: 99 },
      { statusCode: 200, body: {} },
      { statusCode: 200, headers: { a: {} } },
    ]) {
      expect(parseProxyResult(bad)).toBeUndefined();
    }
  });
});

describe('evaluateAuthorizerResult', () => {
  const arn = 'arn:aws:execute-api:ap-northeast-2:000000000000:api/local/GET/api/v1/auth/me';
  const policy = (Effect: string, Resource: string | string[], context?: Record<string, unknown>) => ({
    principalId: 'u1',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect, Resource }],
    },
    context,
  });

  it('allows on a matching Allow and passes principalId plus stringified context', () => {
    expect(evaluateAuthorizerResult(policy('Allow', arn, { userId: 'u1', admin: false, n: 3 }), arn)).toEqual(
      {
        effect: 'Allow',
        authorizer: { principalId: 'u1', userId: 'u1', admin: 'false', n: '3' },
      },
    );
  });

  it('matches wildcards, lets Deny win and denies when nothing matches', () => {
    const wildcard = 'arn:aws:execute-api:ap-northeast-2:000000000000:api/local/*';
    expect(evaluateAuthorizerResult(policy('Allow', wildcard), arn).effect).toBe('Allow');
    expect(evaluateAuthorizerResult(policy('Deny', arn), arn).effect).toBe('Deny');
    expect(evaluateAuthorizerResult(policy('Allow', `${arn}/other`), arn).effect).toBe('Deny');
    const both = policy('Allow', arn);
    both.policyDocument.Statement.push({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: arn });
    expect(evaluateAuthorizerResult(both, arn).effect).toBe('Deny');
  });

  it('treats a malformed result as a configuration error (500), not a 401/403', () => {
    expect(() => evaluateAuthorizerResult({}, arn)).toThrow(AuthorizerConfigurationError);
    expect(() => evaluateAuthorizerResult({ principalId: 'u' }, arn)).toThrow(AuthorizerConfigurationError);
    expect(() => evaluateAuthorizerResult(policy('Allow', arn, { nested: {} }), arn)).toThrow(
      AuthorizerConfigurationError,
    );
  });

  it('recognises API Gateway’s "Unauthorized" convention', () => {
    expect(isUnauthorizedError(new Error('Unauthorized'))).toBe(true);
    expect(isUnauthorizedError(new Error('unauthorized'))).toBe(false);
    expect(isUnauthorizedError('Unauthorized')).toBe(false);
  });
});
