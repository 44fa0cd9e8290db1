import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { cacheablePathPatterns, SPA_REWRITE_CODE, VIEWER_IP_CODE } from '../../infra/lib/stacks/web-stack';
import { ORIGIN_VERIFY_HEADER, VIEWER_IP_HEADER } from '../../shared/edge';
import { type RouteDef, routes } from '../../shared/routes';
import { buildTestApp, resourcesOfType } from './support';

let web: Template;
let assemblyDir: string;

beforeAll(() => {
  const { app, stacks } = buildTestApp();
  assemblyDir = app.synth().directory;
  web = Template.fromStack(stacks.web);
});

type Behavior = Record<string, unknown>;
const distributionConfig = () =>
  Object.values(resourcesOfType(web, 'AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig as {
    DefaultCacheBehavior: Behavior;
    CacheBehaviors: Behavior[];
    CustomErrorResponses?: unknown;
    Origins: Array<Record<string, unknown>>;
    Restrictions?: unknown;
    Logging?: unknown;
  };

describe('site bucket', () => {
  it('is private, encrypted, SSL-only and logs access', () => {
    web.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.objectLike({ ServerSideEncryptionConfiguration: Match.anyValue() }),
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'site-bucket/' }),
    });
    web.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('distribution', () => {
  it('reads the bucket through Origin Access Control', () => {
    web.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
      }),
    });
    const s3Origin = distributionConfig().Origins.find((o) => o.S3OriginConfig);
    expect(s3Origin?.OriginAccessControlId).toBeDefined();
  });

  it('forwards /api/* and /health to the REST API uncached, with every viewer header but Host', () => {
    const behaviors = distributionConfig().CacheBehaviors.filter((b) =>
      ['/api/*', '/health'].includes(b.PathPattern as string),
    );
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual(['/api/*', '/health']);
    for (const b of behaviors) {
      expect(b.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
      expect(b.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // AllViewerExceptHostHeader
      expect(b.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
    }
    const apiOrigin = distributionConfig().Origins.find((o) => o.CustomOriginConfig);
    expect(apiOrigin?.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    expect(JSON.stringify(apiOrigin?.DomainName)).toContain('execute-api');
  });

  it('falls back to index.html with a viewer-request function, not distribution-wide error pages', () => {
    const config = distributionConfig();
    expect(config.CustomErrorResponses).toBeUndefined();
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: expect.anything() },
    ]);
    web.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionCode: SPA_REWRITE_CODE,
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
    });
  });

  it('rewrites extension-less paths only', () => {
    const handler = new Function(`${SPA_REWRITE_CODE}; return handler;`)() as (e: {
      request: { uri: string };
    }) => { uri: string };
    const rewrite = (uri: string) => handler({ request: { uri } }).uri;
    expect(rewrite('/')).toBe('/index.html');
    expect(rewrite('/events/123')).toBe('/index.html');
    expect(rewrite('/assets/index-abc.js')).toBe('/assets/index-abc.js');
    expect(rewrite('/config.json')).toBe('/config.json');
  });

  it('adds CSP (with the WebSocket origin), HSTS and the other security headers', () => {
    const [policy] = Object.values(resourcesOfType(web, 'AWS::CloudFront::ResponseHeadersPolicy'));
    const headers = (
      policy!.Properties.ResponseHeadersPolicyConfig as {
        SecurityHeadersConfig: {
          ContentSecurityPolicy: { ContentSecurityPolicy: unknown };
          StrictTransportSecurity: unknown;
          ContentTypeOptions: unknown;
          FrameOptions: unknown;
          ReferrerPolicy: unknown;
        };
      }
    ).SecurityHeadersConfig;
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    for (const directive of [
      "default-src 'self'",
      "img-src 'self' data:",
      "frame-ancestors 'none'",
      "connect-src 'self' ",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).toContain('WebSocketApi');
    expect(headers.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 63_072_000,
      IncludeSubdomains: true,
      Preload: true,
      Override: true,
    });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ReferrerPolicy).toMatchObject({ ReferrerPolicy: 'strict-origin-when-cross-origin' });
    const config = distributionConfig();
    for (const b of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      expect(b.ResponseHeadersPolicyId).toBeDefined();
    }
  });

  it('logs and restricts geography as configured', () => {
    const config = distributionConfig();
    expect(config.Logging).toMatchObject({ Prefix: 'cloudfront/' });
    expect(config.Restrictions).toEqual({
      GeoRestriction: { RestrictionType: 'whitelist', Locations: ['KR', 'US', 'JP'] },
    });
  });
});

describe('the edge in front of the API', () => {
  const apiBehaviors = () =>
    distributionConfig().CacheBehaviors.filter((b) => b.TargetOriginId === apiOriginOf().Id);
  const apiOriginOf = () => distributionConfig().Origins.find((o) => o.CustomOriginConfig)!;

  it('adds the origin secret to every API request, resolved from Secrets Manager at deploy (never in the template)', () => {
    expect(apiOriginOf().OriginCustomHeaders).toEqual([
      {
        HeaderName: ORIGIN_VERIFY_HEADER,
        HeaderValue: '{{resolve:secretsmanager:tiketi-dev/origin-verify:SecretString:v1::}}',
      },
    ]);
    // Every behaviour that reaches the API goes through that origin.
    const behaviors = distributionConfig().CacheBehaviors;
    expect(
      behaviors.filter((b) => String(b.PathPattern).startsWith('/api') || b.PathPattern === '/health'),
    ).toEqual(apiBehaviors());
  });

  it('sets the viewer address on every API request with a viewer-request function', () => {
    const [viewerIp] = Object.values(resourcesOfType(web, 'AWS::CloudFront::Function')).filter(
      (f) => f.Properties.FunctionCode === VIEWER_IP_CODE,
    );
    expect(viewerIp?.Properties.FunctionConfig).toMatchObject({ Runtime: 'cloudfront-js-2.0' });
    for (const b of apiBehaviors()) {
      expect(b.FunctionAssociations, String(b.PathPattern)).toEqual([
        {
          EventType: 'viewer-request',
          FunctionARN: { 'Fn::GetAtt': [expect.stringMatching(/^ViewerIp/), 'FunctionARN'] },
        },
      ]);
    }
  });

  it('overwrites a client-sent viewer address and drops a client-sent origin secret', () => {
    const handler = new Function(`${VIEWER_IP_CODE}; return handler;`)() as (e: unknown) => {
      headers: Record<string, { value: string }>;
    };
    const request = handler({
      viewer: { ip: '203.0.113.7' },
      request: {
        uri: '/api/v1/auth/login',
        headers: {
          [VIEWER_IP_HEADER]: { value: '1.2.3.4' },
          [ORIGIN_VERIFY_HEADER]: { value: 'guess' },
          'x-forwarded-for': { value: '1.2.3.4' },
        },
      },
    });
    expect(request.headers[VIEWER_IP_HEADER]).toEqual({ value: '203.0.113.7' });
    expect(request.headers[ORIGIN_VERIFY_HEADER]).toBeUndefined();
  });

  it('caches each cacheable public GET of the route table under its own behaviour, before /api/*', () => {
    const expected = (routes as readonly RouteDef[])
      .filter((r) => r.cache && r.auth === 'public' && r.method === 'GET')
      .map((r) => r.path.replace(/\{[^}]+\}/g, '*'));
    expect(expected.length).toBeGreaterThan(0);
    const behaviors = distributionConfig().CacheBehaviors;
    const patterns = behaviors.map((b) => b.PathPattern);
    expect(patterns).toEqual([...expected, '/api/*', '/health']);
    const [policyId] = Object.keys(resourcesOfType(web, 'AWS::CloudFront::CachePolicy'));
    const [requestPolicyId] = Object.keys(resourcesOfType(web, 'AWS::CloudFront::OriginRequestPolicy'));
    for (const b of behaviors.slice(0, expected.length)) {
      expect(b.CachePolicyId, String(b.PathPattern)).toEqual({ Ref: policyId });
      expect(b.OriginRequestPolicyId, String(b.PathPattern)).toEqual({ Ref: requestPolicyId });
      expect(b.AllowedMethods).toEqual(['GET', 'HEAD']);
    }
  });

  it('honours the handlers’ Cache-Control (min and default TTL 0, at most 60 s), keyed on the query string only', () => {
    web.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        MinTTL: 0,
        DefaultTTL: 0,
        MaxTTL: 60,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          QueryStringsConfig: { QueryStringBehavior: 'all' },
          HeadersConfig: { HeaderBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
        }),
      }),
    });
    web.hasResourceProperties('AWS::CloudFront::OriginRequestPolicy', {
      OriginRequestPolicyConfig: Match.objectLike({
        HeadersConfig: { HeaderBehavior: 'whitelist', Headers: [VIEWER_IP_HEADER] },
        CookiesConfig: { CookieBehavior: 'none' },
      }),
    });
  });

  it('refuses a cache behaviour that would also catch a route that is not cacheable', () => {
    const base = { fn: 'events', summary: '', request: {}, responses: {}, errors: [] } as const;
    const table = [
      {
        ...base,
        id: 'events.get',
        method: 'GET',
        path: '/api/v1/events/{id}',
        auth: 'public',
        cache: 'public, max-age=2',
      },
      { ...base, id: 'events.publish', method: 'POST', path: '/api/v1/events/{id}/publish', auth: 'admin' },
    ] as unknown as RouteDef[];
    expect(() => cacheablePathPatterns(table)).toThrow(/POST \/api\/v1\/events\/\{id\}\/publish/);
    expect(cacheablePathPatterns(table.slice(0, 1))).toEqual(['/api/v1/events/*']);
  });
});

describe('deployment', () => {
  it('deploys index.html and config.json (no-cache) and invalidates them', () => {
    web.hasResourceProperties('Custom::CDKBucketDeployment', {
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionPaths: ['/index.html', '/config.json'],
      SourceMarkersConfig: [{}, { jsonEscape: true }],
      Prune: false,
    });
  });

  it('writes config.json with the API path, the WebSocket stage URL, stage and region', () => {
    const files = readdirSync(assemblyDir)
      .map((f) => join(assemblyDir, f))
      .filter((p) => statSync(p).isDirectory())
      .flatMap((dir) => readdirSync(dir).map((f) => join(dir, f)))
      .filter((p) => p.endsWith('config.json'));
    expect(files).toHaveLength(1);
    const config = JSON.parse(readFileSync(files[0]!, 'utf8')) as Record<string, string>;
    expect(config).toMatchObject({ apiUrl: '/api/v1', stage: 'dev', region: 'ap-northeast-2' });
    // The API id and URL suffix are deploy-time markers the deployment handler fills in.
    expect(config.wsUrl).toMatch(
      /^wss:\/\/<<marker:0xbaba:0>>\.execute-api\.ap-northeast-2\.<<marker:0xbaba:1>>\/dev$/,
    );
  });
});
