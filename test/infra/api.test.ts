import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TiketiStacks } from '../../infra/lib/app';
import { partsOf } from '../../infra/lib/functions';
import { acceptedOriginSecretKeys } from '../../infra/lib/stacks/api-stack';
import { ORIGIN_VERIFY_HEADER, VIEWER_IP_HEADER } from '../../shared/edge';
import { errorEnvelope } from '../../shared/errors';
import { FUNCTIONS, type RouteDef, routes } from '../../shared/routes';
import { CLIENT_ACTIONS } from '../../shared/ws';
import { buildTestApp, resourcesOfType } from './support';

let stacks: TiketiStacks;
let api: Template;

beforeAll(() => {
  stacks = buildTestApp().stacks;
  api = Template.fromStack(stacks.api);
});

const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stacks.api.getLogicalId(construct.node.defaultChild as Parameters<Stack['getLogicalId']>[0]);

/** `/api/v1/events/{id}` → the CloudFormation logical id chain is opaque, so compare resolved paths instead. */
function resourcePaths(): Map<string, string> {
  const resources = resourcesOfType(api, 'AWS::ApiGateway::Resource');
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const cached = paths.get(id);
    if (cached) return cached;
    const { ParentId, PathPart } = resources[id]!.Properties as {
      ParentId: { Ref?: string };
      PathPart: string;
    };
    const parent = ParentId.Ref && resources[ParentId.Ref] ? pathOf(ParentId.Ref) : '';
    const path = `${parent}/${PathPart}`;
    paths.set(id, path);
    return path;
  };
  for (const id of Object.keys(resources)) pathOf(id);
  return paths;
}

describe('REST API from the route table', () => {
  it('is regional, staged per stage config, with access logs, tracing and throttling', () => {
    api.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    api.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [
        Match.objectLike({
          LoggingLevel: 'ERROR',
          ThrottlingRateLimit: Match.anyValue(),
          ThrottlingBurstLimit: Match.anyValue(),
        }),
      ],
    });
  });

  it('has a method for every route, with the authorizer exactly on user/admin routes', () => {
    const paths = resourcePaths();
    const methods = Object.values(resourcesOfType(api, 'AWS::ApiGateway::Method')).map((m) => m.Properties);
    const authorizerId = logicalId(stacks.api.authorizer as never);
    for (const route of routes as readonly RouteDef[]) {
      const found = methods.filter((m) => {
        const ref = (m.ResourceId as { Ref?: string }).Ref;
        const path = ref ? paths.get(ref) : undefined;
        return m.HttpMethod === route.method && path === route.path;
      });
      expect(found, `${route.method} ${route.path}`).toHaveLength(1);
      const method = found[0]!;
      expect(method.OperationName).toBe(route.id);
      if (route.auth === 'public') {
        expect(method.AuthorizationType, route.id).toBe('NONE');
        expect(method.AuthorizerId, route.id).toBeUndefined();
      } else {
        expect(method.AuthorizationType, route.id).toBe('CUSTOM');
        expect(method.AuthorizerId, route.id).toEqual({ Ref: authorizerId });
      }
    }
    expect(methods).toHaveLength(routes.length);
  });

  it('integrates each route with the Lambda of its function context (proxy)', () => {
    const methods = resourcesOfType(api, 'AWS::ApiGateway::Method');
    for (const route of routes as readonly RouteDef[]) {
      const fn = stacks.api.functions.get(route.fn);
      expect(fn, route.fn).toBeDefined();
      const method = methods[logicalId(stacks.api.methods.get(route.id)!)]!;
      const integration = method.Properties.Integration as { Type: string; Uri: unknown };
      expect(integration.Type, route.id).toBe('AWS_PROXY');
      expect(JSON.stringify(integration.Uri), route.id).toContain(logicalId(fn!));
    }
  });

  it('uses a REQUEST authorizer on the Authorization header without result caching', () => {
    api.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 0,
    });
  });

  it('answers gateway errors with the error envelope', () => {
    api.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      StatusCode: '401',
      ResponseTemplates: {
        'application/json': JSON.stringify({
          error: { code: 'UNAUTHENTICATED', message: 'Sign in to continue' },
        }),
      },
    });
    api.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
      StatusCode: '404',
    });
  });

  it('is protected by a regional WAF with a per-client rate limit', () => {
    api.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({
          Statement: {
            RateBasedStatement: Match.objectLike({
              Limit: 100,
              EvaluationWindowSec: 60,
              AggregateKeyType: 'FORWARDED_IP',
            }),
          },
        }),
      ]),
    });
    api.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });
});

describe('the edge cannot be bypassed', () => {
  type Rule = { Name: string; Priority: number; Action?: unknown; Statement: Record<string, unknown> };
  const rulesOf = (template: Template) =>
    (Object.values(resourcesOfType(template, 'AWS::WAFv2::WebACL'))[0]!.Properties.Rules as Rule[]).sort(
      (a, b) => a.Priority - b.Priority,
    );
  const originSecretId = () =>
    logicalId({ node: { defaultChild: stacks.api.originSecret.node.defaultChild } });
  const secretReference = (key: string) => ({
    'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: originSecretId() }, `:SecretString:${key}::}}`]],
  });
  const headerMatch = (key: string) => ({
    ByteMatchStatement: {
      FieldToMatch: { SingleHeader: { Name: ORIGIN_VERIFY_HEADER } },
      PositionalConstraint: 'EXACTLY',
      SearchString: secretReference(key),
      TextTransformations: [{ Priority: 0, Type: 'NONE' }],
    },
  });

  it('blocks with 403 (error envelope) every request without CloudFront’s origin secret, before any other rule', () => {
    const [first] = rulesOf(api);
    expect(first).toMatchObject({
      Name: 'RequireOriginSecret',
      Priority: 0,
      Action: { Block: { CustomResponse: { ResponseCode: 403, CustomResponseBodyKey: 'forbidden' } } },
      Statement: { NotStatement: { Statement: headerMatch('v1') } },
    });
    api.hasResourceProperties('AWS::WAFv2::WebACL', {
      CustomResponseBodies: Match.objectLike({
        forbidden: {
          ContentType: 'APPLICATION_JSON',
          Content: JSON.stringify(errorEnvelope('FORBIDDEN', 'Request blocked')),
        },
      }),
    });
  });

  it('generates the origin secret (named, so the web stack resolves it at deploy); no value in the template', () => {
    api.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'tiketi-dev/origin-verify',
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'v1', SecretStringTemplate: '{}' }),
    });
    expect(JSON.stringify(api.toJSON())).not.toMatch(/"SecretString"\s*:/);
  });

  it('accepts the current and the previous generation while a rotation propagates', () => {
    const rotated = Template.fromStack(buildTestApp({ originSecretGeneration: 2 }).stacks.api);
    const [first] = rulesOf(rotated);
    const statements = (
      first!.Statement as { NotStatement: { Statement: { OrStatement: { Statements: unknown[] } } } }
    ).NotStatement.Statement.OrStatement.Statements;
    expect(JSON.stringify(statements)).toContain(':SecretString:v2::}}');
    expect(JSON.stringify(statements)).toContain(':SecretString:v1::}}');
    expect(statements).toHaveLength(2);
    expect(acceptedOriginSecretKeys(3)).toEqual(['v3', 'v2']);
  });

  it('rate-limits on the viewer address CloudFront sets, not on a client-supplied X-Forwarded-For', () => {
    const rate = rulesOf(api).find((r) => r.Statement.RateBasedStatement)!;
    expect(rate.Priority).toBeGreaterThan(0);
    expect(rate.Statement.RateBasedStatement).toMatchObject({
      AggregateKeyType: 'FORWARDED_IP',
      ForwardedIPConfig: { HeaderName: VIEWER_IP_HEADER, FallbackBehavior: 'MATCH' },
    });
    expect(JSON.stringify(rulesOf(api))).not.toMatch(/x-forwarded-for/i);
  });

  it('gives only the platform function the deep health check’s key', () => {
    const withKey = [...stacks.api.functions.entries()].filter(([, fn]) => {
      const env = Stack.of(fn).resolve(
        (fn.node.defaultChild as unknown as { environment: { variables: Record<string, unknown> } })
          .environment,
      ) as { variables: Record<string, unknown> };
      return 'HEALTH_CHECK_SECRET_ARN' in env.variables;
    });
    expect(withKey.map(([name]) => name)).toEqual(['platform']);
  });
});

describe('Lambda functions', () => {
  it('creates one function per FUNCTIONS entry', () => {
    expect([...stacks.api.functions.keys()]).toEqual([...FUNCTIONS]);
  });

  it('runs every function on arm64 / nodejs22.x with X-Ray', () => {
    for (const stack of Object.values(stacks)) {
      for (const [id, fn] of Object.entries(
        resourcesOfType(Template.fromStack(stack), 'AWS::Lambda::Function'),
      )) {
        // CDK's own handlers (BucketDeployment, Provider framework) pick their own runtime.
        if (/^(Custom|.*Provider.*framework)/i.test(id) || !fn.Properties.TracingConfig) continue;
        expect(fn.Properties.Architectures, id).toEqual(['arm64']);
        expect(fn.Properties.Runtime, id).toBe('nodejs22.x');
        expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      }
    }
  });

  it('gives each route function the env of its config parts, in the VPC', () => {
    const expected: Record<string, string[]> = {
      database: ['DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_SECRET_ARN'],
      redis: ['REDIS_HOST', 'REDIS_PORT', 'REDIS_AUTH_SECRET_ARN'],
      jwt: ['JWT_ISSUER', 'JWT_AUDIENCE'],
      jwtSigning: ['JWT_KEY_SECRET_ARN'],
      connections: ['CONNECTIONS_TABLE'],
      websocketManagement: ['WS_MANAGEMENT_ENDPOINT'],
      broadcast: ['FANOUT_FUNCTION_NAME', 'FANOUT_SHARD_SIZE', 'FANOUT_CONCURRENCY'],
    };
    for (const fnName of FUNCTIONS) {
      const fn = stacks.api.functions.get(fnName)!;
      const props = Stack.of(fn).resolve(
        (fn.node.defaultChild as unknown as { environment: unknown }).environment,
      ) as {
        variables: Record<string, unknown>;
      };
      const vars = Object.keys(props.variables);
      for (const part of partsOf(fnName))
        for (const v of expected[part] ?? []) expect(vars, fnName).toContain(v);
      expect(props.variables.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(props.variables.STAGE).toBe('dev');
      expect(vars.includes('JWT_KEY_SECRET_ARN'), fnName).toBe(partsOf(fnName).includes('jwtSigning'));
      expect((fn.node.defaultChild as unknown as { vpcConfig?: unknown }).vpcConfig, fnName).toBeDefined();
    }
    api.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({ JWT_ISSUER: 'tiketi-dev', JWKS_PARAMETER_NAME: Match.anyValue() }),
      },
    });
  });

  it('puts every function that talks to Redis or PostgreSQL in the VPC (ElastiCache and RDS are private)', () => {
    // The authorizers read the session denylist in Redis: outside the VPC every signed-in request would fail.
    const fns = Object.entries(resourcesOfType(api, 'AWS::Lambda::Function'));
    const needing = fns.filter(([, f]) => {
      const vars = Object.keys(
        (f.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
      );
      return vars.includes('REDIS_HOST') || vars.includes('DB_HOST');
    });
    expect(needing.map(([id]) => id)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AuthorizerFn/),
        expect.stringMatching(/^WsAuthorizerFn/),
      ]),
    );
    const outside = needing.filter(([, f]) => !f.Properties.VpcConfig).map(([id]) => id);
    expect(outside).toEqual([]);
  });

  it('grants ssm:GetParameter on the JWKS parameter only to verifiers', () => {
    const policies = Object.entries(resourcesOfType(api, 'AWS::IAM::Policy'));
    const withSsm = policies.filter(([, p]) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('ssm:GetParameter'),
    );
    expect(withSsm.map(([id]) => id.replace(/ServiceRole.*/, '')).sort()).toEqual(
      ['AuthorizerFn', 'WsAuthorizerFn'].sort(),
    );
  });
});

describe('WebSocket API', () => {
  it('selects routes on $request.body.action', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    });
  });

  it('has $connect with the token authorizer, $disconnect, $default and a route per client action', () => {
    const routeKeys = Object.values(resourcesOfType(api, 'AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties,
    );
    const keys = routeKeys.map((r) => r.RouteKey);
    expect(keys.sort()).toEqual(['$connect', '$default', '$disconnect', ...CLIENT_ACTIONS].sort());
    const connect = routeKeys.find((r) => r.RouteKey === '$connect')!;
    expect(connect.AuthorizationType).toBe('CUSTOM');
    expect(connect.AuthorizerId).toBeDefined();
    for (const r of routeKeys.filter((r) => r.RouteKey !== '$connect'))
      expect(r.AuthorizationType).toBe('NONE');
    api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      IdentitySource: ['route.request.querystring.token'],
    });
    api.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.wsHandler' });
  });

  it('gives the realtime function the management endpoint and ManageConnections on this API/stage only', () => {
    const realtimeId = logicalId(stacks.api.realtimeFn);
    const fn = resourcesOfType(api, 'AWS::Lambda::Function')[realtimeId]!;
    const vars = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.stringify(vars.WS_MANAGEMENT_ENDPOINT)).toMatch(/https:\/\/.*execute-api.*\/dev/);
    expect(vars.CONNECTIONS_TABLE).toBeDefined();
    api.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'execute-api:ManageConnections',
            Resource: {
              'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/dev/\\*/@connections/\\*$')])],
            },
          }),
        ]),
      },
    });
  });

  it('has a stage named after the stage config with access logs', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'dev',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });
});
