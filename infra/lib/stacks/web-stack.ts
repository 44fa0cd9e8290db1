import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct, IConstruct } from 'constructs';
import { ORIGIN_VERIFY_HEADER, VIEWER_IP_HEADER } from '../../../shared/edge';
import { type RouteDef, routes } from '../../../shared/routes';
import { prefix, type StageConfig } from '../config';
import { acknowledge, acknowledgeWildcardResource, MANAGED_POLICY, REASONS } from '../nag';
import { type ApiStack, originSecretKey, originSecretName } from './api-stack';

export interface WebStackProps extends StackProps {
  readonly config: StageConfig;
  readonly api: ApiStack;
  /** Built SPA (`web/dist`); undefined deploys a placeholder page so the stack synthesizes before a web build. */
  readonly webDistDir?: string;
}

/** Rewrites extension-less paths (client-side routes) to the SPA shell; only on the S3 behaviour, so API 404s stay 404s. */
export const SPA_REWRITE_CODE = `function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}`;

/**
 * On every API request: the viewer's address in VIEWER_IP_HEADER, replacing whatever a client sent under that
 * name (the WAF rate limit and the audit log trust it), and no client-sent origin secret.
 */
export const VIEWER_IP_CODE = `function handler(event) {
  var request = event.request;
  request.headers['${VIEWER_IP_HEADER}'] = { value: event.viewer.ip };
  delete request.headers['${ORIGIN_VERIFY_HEADER}'];
  return request;
}`;

/** CloudFront keeps a cacheable API answer at most this long, whatever its Cache-Control says. */
export const API_CACHE_MAX_TTL = Duration.seconds(60);

/** A route path as a CloudFront path pattern: each `{param}` becomes `*`. */
export const pathPatternOf = (path: string) => path.replace(/\{[^}]+\}/g, '*');

/** CloudFront's `*` matches any characters, `/` included. */
const patternMatches = (pattern: string, path: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(path.replace(/\{[^}]+\}/g, 'x'));

/**
 * Path patterns of the public GETs that declare `cache` in the route table, one CloudFront behaviour each. A
 * pattern must not also catch a route that is not cacheable (its requests would lose the Authorization header and
 * the other methods): synth fails instead.
 */
export function cacheablePathPatterns(table: readonly RouteDef[] = routes): string[] {
  const cacheable = table.filter((r) => r.cache && r.auth === 'public' && r.method === 'GET');
  const patterns = [...new Set(cacheable.map((r) => pathPatternOf(r.path)))];
  for (const pattern of patterns) {
    const caught = table.filter((r) => !cacheable.includes(r) && patternMatches(pattern, r.path));
    if (caught.length) {
      throw new Error(
        `CloudFront behaviour ${pattern} for cacheable routes would also catch ${caught
          .map((r) => `${r.method} ${r.path}`)
          .join(', ')}; give the cacheable route a path of its own`,
      );
    }
  }
  return patterns;
}

const PLACEHOLDER_INDEX = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TIKETI</title></head>
<body><p>TIKETI is deploying. Build the web app (npm run build:web) and deploy again.</p></body></html>
`;

const IMMUTABLE = s3deploy.CacheControl.fromString('public, max-age=31536000, immutable');
const SHORT = s3deploy.CacheControl.fromString('public, max-age=300');
const NO_CACHE = s3deploy.CacheControl.fromString('no-cache');

/**
 * The browser's single origin: CloudFront serves the SPA from a private bucket (OAC) and forwards `/api/*` and
 * `/health` to the REST API (with the origin secret the API's WAF requires and the viewer's address), caching the
 * public GETs the route table marks cacheable, with security headers on every response.
 */
export class WebStack extends Stack {
  readonly siteBucket: s3.Bucket;
  readonly logsBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  readonly apiCachePolicy: cloudfront.CachePolicy;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const { config, api } = props;
    const name = prefix(config);

    // Access logs of the site bucket and CloudFront. CloudFront standard logging still writes with ACLs.
    this.logsBucket = new s3.Bucket(this, 'LogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(Math.max(config.lambda.logRetentionDays, 30)) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.siteBucket = new s3.Bucket(this, 'SiteBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'site-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `${name} security headers`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            `connect-src 'self' ${api.webSocketApi.apiEndpoint}`,
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            'upgrade-insecure-requests',
          ].join('; '),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
      },
    });

    const spaRewrite = new cloudfront.Function(this, 'SpaRewrite', {
      comment: 'SPA fallback: extension-less paths -> /index.html',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(SPA_REWRITE_CODE),
    });

    const viewerIp = new cloudfront.Function(this, 'ViewerIp', {
      comment: `API requests: ${VIEWER_IP_HEADER} = the viewer's address`,
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(VIEWER_IP_CODE),
    });
    // Resolved by CloudFormation at deploy from the API stack's secret (by name: no cross-stack export).
    const originSecret = SecretValue.secretsManager(originSecretName(config), {
      jsonField: originSecretKey(config.web.originSecretGeneration),
    });
    const apiOrigin = new origins.RestApiOrigin(api.restApi, {
      customHeaders: { [ORIGIN_VERIFY_HEADER]: originSecret.unsafeUnwrap() },
    });
    const apiCommon = {
      origin: apiOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      responseHeadersPolicy: this.responseHeadersPolicy,
      functionAssociations: [{ function: viewerIp, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    };
    // API traffic: not cached, every viewer header but Host (API Gateway routes on its own host name).
    const apiBehavior: cloudfront.BehaviorOptions = {
      ...apiCommon,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };
    // Cacheable public GETs: the handler's Cache-Control decides (min/default 0, so no-store stays uncached), the
    // query string is the only key, and only the viewer's address is forwarded besides it.
    this.apiCachePolicy = new cloudfront.CachePolicy(this, 'ApiCachePolicy', {
      comment: `${name} cacheable public API GETs: honour Cache-Control, at most ${API_CACHE_MAX_TTL.toSeconds()} s`,
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: API_CACHE_MAX_TTL,
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const apiCachedRequests = new cloudfront.OriginRequestPolicy(this, 'ApiCachedOriginRequests', {
      comment: `${name} cacheable public API GETs: the viewer's address only`,
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(VIEWER_IP_HEADER),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
    });
    const cachedApiBehavior: cloudfront.BehaviorOptions = {
      ...apiCommon,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: this.apiCachePolicy,
      originRequestPolicy: apiCachedRequests,
    };
    // Behaviours match in order: the specific cacheable patterns before the catch-all /api/*.
    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {
      ...Object.fromEntries(cacheablePathPatterns().map((p) => [p, cachedApiBehavior])),
      '/api/*': apiBehavior,
      '/health': apiBehavior,
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${name} web + API`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.siteBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        functionAssociations: [
          { function: spaRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
        compress: true,
      },
      additionalBehaviors,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // Includes Korea and Japan edges.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
      ...(config.web.geoAllowList.length
        ? { geoRestriction: cloudfront.GeoRestriction.allowlist(...config.web.geoAllowList) }
        : {}),
      ...(config.domain
        ? {
            domainNames: [config.domain.domainName],
            // Only settable with a custom certificate; the default *.cloudfront.net one is fixed at TLSv1.
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            certificate: acm.Certificate.fromCertificateArn(
              this,
              'Certificate',
              config.domain.certificateArn,
            ),
          }
        : {}),
    });

    this.deploySite(config, api, props.webDistDir);

    acknowledge(
      this.distribution,
      'AwsSolutions-CFR2',
      'WAF for CloudFront must live in us-east-1 (separate stack, later issue); the API behind /api/* has a regional WebACL that admits only requests carrying this distribution’s origin secret and rate-limits each viewer address.',
    );
    if (!config.domain) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR4',
        'Without a custom domain the distribution uses the default *.cloudfront.net certificate, whose TLS policy cannot be set; configure `domain` to enforce TLSv1.2_2021.',
      );
    }

    new CfnOutput(this, 'WebUrl', {
      value: `https://${config.domain?.domainName ?? this.distribution.domainName}`,
    });
    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId });
  }

  private acknowledgeDeploymentHandler(handler: IConstruct): void {
    const reason =
      'CDK BucketDeployment handler (AWS-maintained): copies from the CDK asset bucket into the site bucket and invalidates the distribution.';
    acknowledge(handler, MANAGED_POLICY.lambdaBasic, REASONS.lambdaBasic);
    acknowledge(
      handler,
      'AwsSolutions-L1',
      'The BucketDeployment runtime is chosen and upgraded by aws-cdk-lib.',
    );
    for (const action of ['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*']) {
      acknowledge(handler, `AwsSolutions-IAM5[Action::${action}]`, reason);
    }
    acknowledge(
      handler,
      'AwsSolutions-IAM5[Resource::*]',
      `${reason} CreateInvalidation has no resource-level scoping.`,
    );
    acknowledgeWildcardResource(handler, `${this.siteBucket.bucketArn}/*`, reason);
    const assetBucket = `cdk-${this.synthesizer.bootstrapQualifier ?? 'hnb659fds'}-assets-${this.account}-${this.region}`;
    acknowledgeWildcardResource(handler, `arn:${this.partition}:s3:::${assetBucket}/*`, reason);
  }

  /**
   * Hashed build assets are immutable; other root files get a short cache; index.html and config.json are
   * revalidated on every load and invalidated on deploy. Deployments never prune, so a tab still running the
   * previous build can fetch its chunks.
   */
  private deploySite(config: StageConfig, api: ApiStack, webDistDir: string | undefined): void {
    const common = {
      destinationBucket: this.siteBucket,
      prune: false,
      memoryLimit: 512,
      logGroup: new logs.LogGroup(this, 'DeploymentLogs', {
        retention: config.lambda.logRetentionDays,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    };
    const entryFiles = ['index.html', 'config.json'];
    const before: s3deploy.BucketDeployment[] = [];

    if (webDistDir) {
      if (existsSync(join(webDistDir, 'assets'))) {
        const assets = new s3deploy.BucketDeployment(this, 'DeployAssets', {
          ...common,
          // Source maps stay out of the public bucket (the build emits them for error tooling only).
          sources: [s3deploy.Source.asset(join(webDistDir, 'assets'), { exclude: ['*.map'] })],
          destinationKeyPrefix: 'assets/',
          cacheControl: [IMMUTABLE],
        });
        before.push(assets);
      }
      const otherFiles = readdirSync(webDistDir).filter((f) => f !== 'assets' && !entryFiles.includes(f));
      if (otherFiles.length) {
        const others = new s3deploy.BucketDeployment(this, 'DeployStatic', {
          ...common,
          sources: [s3deploy.Source.asset(webDistDir, { exclude: ['assets', 'assets/**', ...entryFiles] })],
          cacheControl: [SHORT],
        });
        before.push(others);
      }
    }

    const indexHtml = webDistDir ? readFileSync(join(webDistDir, 'index.html'), 'utf8') : PLACEHOLDER_INDEX;
    const entry = new s3deploy.BucketDeployment(this, 'DeployEntry', {
      ...common,
      sources: [
        s3deploy.Source.data('index.html', indexHtml),
        s3deploy.Source.jsonData('config.json', {
          apiUrl: '/api/v1',
          wsUrl: api.webSocketStage.url,
          stage: config.stage,
          region: this.region,
        }),
      ],
      cacheControl: [NO_CACHE],
      distribution: this.distribution,
      distributionPaths: entryFiles.map((f) => `/${f}`),
    });
    // The new index.html must not go live before the chunks it references.
    for (const deployment of before) entry.node.addDependency(deployment);

    // All deployments share one CDK-provided handler function.
    const handler = entry.handlerRole.node.scope;
    if (handler) this.acknowledgeDeploymentHandler(handler);
  }
}
