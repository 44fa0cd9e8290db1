import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { HEALTH_KEY_HEADER, ORIGIN_VERIFY_HEADER, VIEWER_IP_HEADER } from '../../../shared/edge';
import { type ErrorCode, errorEnvelope, httpStatusOf } from '../../../shared/errors';
import { FUNCTIONS, type FunctionName, type RouteDef, routes } from '../../../shared/routes';
import { CLIENT_ACTIONS } from '../../../shared/ws';
import { prefix, type StageConfig } from '../config';
import { codeOf, FUNCTION_PARTS, partsOf, routeFunctionEntry } from '../functions';
import { AppFunction } from '../lambda';
import { acknowledge, acknowledgeWildcardResource, MANAGED_POLICY } from '../nag';
import { RealtimeWorkers } from '../realtime-workers';
import { type RuntimeResources, wireRuntime } from '../runtime-env';
import type { DataStack } from './data-stack';
import type { NetworkStack } from './network-stack';
import { workflowMachineName } from './workflows-stack';

export interface ApiStackProps extends StackProps {
  readonly config: StageConfig;
  readonly network: NetworkStack;
  readonly data: DataStack;
}

/** Export name of the WebSocket API id, for stacks whose functions post to its connections. */
export const webSocketApiIdExport = (config: StageConfig) => `${prefix(config)}-ws-api-id`;

/** Name of the secret holding the origin-verify values, one JSON key per generation: `{ "v1": "…", "v2": "…" }`. */
export const originSecretName = (config: StageConfig) => `${prefix(config)}/origin-verify`;
/** The JSON key CloudFront sends in this generation. */
export const originSecretKey = (generation: number) => `v${generation}`;
/**
 * Keys the WAF accepts: this generation's and the previous one's, so CloudFront edges still sending the old
 * value while a rotation propagates are not refused (docs/decisions.md, "The edge cannot be bypassed").
 */
export const acceptedOriginSecretKeys = (generation: number) =>
  generation > 1
    ? [originSecretKey(generation), originSecretKey(generation - 1)]
    : [originSecretKey(generation)];

/** API Gateway's own failures, answered in the contract's error envelope instead of `{"message": …}`. */
const GATEWAY_RESPONSES: ReadonlyArray<[apigw.ResponseType, ErrorCode, string]> = [
  [apigw.ResponseType.UNAUTHORIZED, 'UNAUTHENTICATED', 'Sign in to continue'],
  [apigw.ResponseType.ACCESS_DENIED, 'FORBIDDEN', 'You are not allowed to do this'],
  // API Gateway answers unknown paths and methods with 403 "Missing Authentication Token".
  [apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, 'ROUTE_NOT_FOUND', 'No such route'],
  [apigw.ResponseType.RESOURCE_NOT_FOUND, 'ROUTE_NOT_FOUND', 'No such route'],
  [apigw.ResponseType.THROTTLED, 'TOO_MANY_REQUESTS', 'Too many requests, slow down'],
  [apigw.ResponseType.QUOTA_EXCEEDED, 'TOO_MANY_REQUESTS', 'Too many requests, slow down'],
  [apigw.ResponseType.REQUEST_TOO_LARGE, 'PAYLOAD_TOO_LARGE', 'Request body too large'],
  [apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type'],
  [apigw.ResponseType.BAD_REQUEST_BODY, 'VALIDATION_FAILED', 'Invalid request'],
  [apigw.ResponseType.BAD_REQUEST_PARAMETERS, 'VALIDATION_FAILED', 'Invalid request'],
  [apigw.ResponseType.WAF_FILTERED, 'FORBIDDEN', 'Request blocked'],
  [apigw.ResponseType.INTEGRATION_TIMEOUT, 'DEPENDENCY_UNAVAILABLE', 'The service is busy, try again'],
  [apigw.ResponseType.DEFAULT_4XX, 'FORBIDDEN', 'Request refused'],
  [apigw.ResponseType.DEFAULT_5XX, 'INTERNAL', 'Something went wrong'],
];

/**
 * REST API built from the route table (shared/routes.ts), one Lambda per function context, a JWT REQUEST
 * authorizer on `user`/`admin` routes, a regional WAF, and the WebSocket API for realtime updates.
 */
export class ApiStack extends Stack {
  readonly functions: ReadonlyMap<FunctionName, AppFunction>;
  readonly authorizerFn: AppFunction;
  readonly wsAuthorizerFn: AppFunction;
  readonly realtimeFn: AppFunction;
  /** Fan-out worker, its failure queue, the connection sweep and the realtime alarms. */
  readonly realtime: RealtimeWorkers;
  readonly restApi: apigw.RestApi;
  readonly authorizer: apigw.RequestAuthorizer;
  /** Route id → method, for tests and later wiring. */
  readonly methods: ReadonlyMap<string, apigw.Method>;
  readonly webSocketApi: apigwv2.WebSocketApi;
  readonly webSocketStage: apigwv2.WebSocketStage;
  readonly webAcl: wafv2.CfnWebACL;
  /** Values CloudFront adds as ORIGIN_VERIFY_HEADER; the WAF blocks requests without one (generated, never in code). */
  readonly originSecret: secretsmanager.Secret;
  /** `{ key }`: the HEALTH_KEY_HEADER value that turns `/health` into a deep dependency check. */
  readonly healthCheckSecret: secretsmanager.Secret;
  /** What later stacks' functions are wired with (the workflows stack's tasks publish through this API). */
  readonly runtime: RuntimeResources;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, network, data } = props;
    const name = prefix(config);
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const inVpc = { vpc: network.vpc, securityGroups: [network.lambdaSg] };
    const logGroup = (logId: string) =>
      new logs.LogGroup(this, logId, { retention: config.lambda.logRetentionDays, removalPolicy });

    // --- WebSocket API first: REST functions may later need its management endpoint ------------------------
    this.webSocketApi = new apigwv2.WebSocketApi(this, 'WebSocketApi', {
      apiName: `${name}-ws`,
      description: `${name} realtime: inventory, seat and queue updates`,
      routeSelectionExpression: '$request.body.action',
    });
    this.webSocketStage = new apigwv2.WebSocketStage(this, 'WebSocketStage', {
      webSocketApi: this.webSocketApi,
      stageName: config.stage,
      autoDeploy: true,
      detailedMetricsEnabled: true,
      throttle: { rateLimit: config.api.throttlingRateLimit, burstLimit: config.api.throttlingBurstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(logGroup('WebSocketAccessLogs')),
        // No query string: the $connect token travels there.
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            connectionId: '$context.connectionId',
            eventType: '$context.eventType',
            routeKey: '$context.routeKey',
            status: '$context.status',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            integrationLatency: '$context.integrationLatency',
            error: '$context.error.message',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });
    (this.webSocketStage.node.defaultChild as apigwv2.CfnStage).addPropertyOverride(
      'DefaultRouteSettings.LoggingLevel',
      'ERROR',
    );

    const connectionsArn = `${this.formatArn({ service: 'execute-api', resource: this.webSocketApi.apiId })}/${config.stage}/*/@connections/*`;
    const baseRuntime: RuntimeResources = {
      ...data.runtime,
      // The workflows stack deploys after this one (its tasks publish through this API), so the state machines
      // are referenced by their fixed names here: no cross-stack cycle, the same least-privilege grants.
      holdExpiry: sfn.StateMachine.fromStateMachineName(
        this,
        'HoldExpiryRef',
        workflowMachineName(config, 'hold-expiry'),
      ),
      paymentSaga: sfn.StateMachine.fromStateMachineName(
        this,
        'PaymentSagaRef',
        workflowMachineName(config, 'payment-saga'),
      ),
      admissionLoop: sfn.StateMachine.fromStateMachineName(
        this,
        'AdmissionLoopRef',
        workflowMachineName(config, 'admission-loop'),
      ),
      webSocket: {
        endpoint: this.webSocketStage.callbackUrl,
        grantManage: (fn) => {
          this.webSocketStage.grantManagementApiAccess(fn);
          acknowledgeWildcardResource(
            fn,
            connectionsArn,
            'PostToConnection/DeleteConnection address connections by id, which only exist at runtime; scoped to this API and stage.',
          );
        },
      },
    };

    // --- Edge secrets: CloudFront's origin header (checked by the WAF) and the deep health check's key --------
    const generatedKey = (key: string) => ({
      secretStringTemplate: '{}',
      generateStringKey: key,
      excludePunctuation: true,
      includeSpace: false,
      passwordLength: 64,
    });
    // Generated once as `v1`; later generations are written by the operator (rotation, docs/decisions.md).
    // Fixed name: the web stack resolves it by name at deploy, without a cross-stack export.
    this.originSecret = new secretsmanager.Secret(this, 'OriginVerifySecret', {
      secretName: originSecretName(config),
      description: `${name} CloudFront origin-verify header values, JSON { v<generation>: value }`,
      generateSecretString: generatedKey(originSecretKey(1)),
    });
    this.healthCheckSecret = new secretsmanager.Secret(this, 'HealthCheckSecret', {
      description: `${name} key of the deep /health check (header ${HEALTH_KEY_HEADER}), JSON { key }`,
      generateSecretString: generatedKey('key'),
    });
    acknowledge(
      this.originSecret,
      'AwsSolutions-SMG4',
      'CloudFront and the WAF read the value at deploy (dynamic references); rotation is a two-generation redeploy (docs/decisions.md), not a Lambda rotation.',
    );
    acknowledge(
      this.healthCheckSecret,
      'AwsSolutions-SMG4',
      'Operators paste the key into their monitoring; rotate by putting a new value (the platform function reads it at cold start).',
    );

    // --- Broadcast fan-out worker, sweep, alarms (before any publisher is wired: they invoke the worker) ------
    this.realtime = new RealtimeWorkers(this, 'RealtimeWorkers', { config, runtime: baseRuntime });
    const runtime: RuntimeResources = {
      ...baseRuntime,
      broadcast: this.realtime.broadcast,
      healthCheckSecret: this.healthCheckSecret,
    };
    this.runtime = runtime;

    // --- Lambdas -----------------------------------------------------------------------------------------------
    const functions = new Map<FunctionName, AppFunction>();
    for (const fn of FUNCTIONS) {
      const lambdaFn = new AppFunction(this, `${pascal(fn)}Fn`, {
        config,
        entry: routeFunctionEntry(fn),
        description: `TIKETI ${fn} API`,
        ...inVpc,
      });
      wireRuntime(lambdaFn, partsOf(fn), runtime);
      functions.set(fn, lambdaFn);
    }
    this.functions = functions;

    this.authorizerFn = new AppFunction(this, 'AuthorizerFn', {
      config,
      ...codeOf('authorizer'),
      description: 'REST API JWT authorizer',
      ...inVpc,
    });
    this.wsAuthorizerFn = new AppFunction(this, 'WsAuthorizerFn', {
      config,
      ...codeOf('wsAuthorizer'),
      description: 'WebSocket $connect JWT authorizer',
      ...inVpc,
    });
    // In the VPC: besides the signature (JWKS from SSM, through its endpoint) they refuse ended sessions, whose
    // denylist is in Redis (ElastiCache is reachable only from the VPC).
    for (const fn of [this.authorizerFn, this.wsAuthorizerFn])
      wireRuntime(fn, FUNCTION_PARTS.authorizer, runtime);

    this.realtimeFn = new AppFunction(this, 'RealtimeFn', {
      config,
      ...codeOf('realtime'),
      description: 'WebSocket connect/disconnect/actions',
      ...inVpc,
    });
    // In the VPC for Redis (sessions) and PostgreSQL (event lookups); @connections through NAT.
    wireRuntime(this.realtimeFn, FUNCTION_PARTS.realtime, runtime);
    this.realtime.watchPublisher('Realtime', this.realtimeFn);

    // --- WebSocket routes ------------------------------------------------------------------------------------
    const wsIntegration = (routeId: string) =>
      new WebSocketLambdaIntegration(`Realtime${routeId}`, this.realtimeFn);
    this.webSocketApi.addRoute('$connect', {
      integration: wsIntegration('Connect'),
      authorizer: new WebSocketLambdaAuthorizer('WsAuthorizer', this.wsAuthorizerFn, {
        authorizerName: `${name}-ws-jwt`,
        // Browsers cannot set headers on a WebSocket handshake, so the token comes in the query string.
        identitySource: ['route.request.querystring.token'],
      }),
    });
    const unauthenticatedRoutes = [
      this.webSocketApi.addRoute('$disconnect', { integration: wsIntegration('Disconnect') }),
      this.webSocketApi.addRoute('$default', { integration: wsIntegration('Default') }),
      ...CLIENT_ACTIONS.map((action) =>
        this.webSocketApi.addRoute(action, { integration: wsIntegration(`Action-${action}`) }),
      ),
    ];
    for (const route of unauthenticatedRoutes) {
      acknowledge(
        route,
        'AwsSolutions-APIG4',
        'WebSocket APIs authorize once, on $connect; later frames on the connection carry the identity stored for it.',
      );
    }

    // --- REST API ----------------------------------------------------------------------------------------------
    this.restApi = new apigw.RestApi(this, 'RestApi', {
      restApiName: `${name}-api`,
      description: `${name} REST API (built from shared/routes.ts)`,
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // Execution logging needs the account-level CloudWatch role.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: config.stage,
        accessLogDestination: new apigw.LogGroupLogDestination(logGroup('RestAccessLogs')),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        tracingEnabled: true,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        throttlingRateLimit: config.api.throttlingRateLimit,
        throttlingBurstLimit: config.api.throttlingBurstLimit,
      },
    });

    // Execution logging on the WebSocket stage needs the account-level role the REST API sets up.
    const cloudWatchAccount = this.restApi.node.tryFindChild('Account');
    if (cloudWatchAccount) this.webSocketStage.node.addDependency(cloudWatchAccount);

    for (const [type, code, message] of GATEWAY_RESPONSES) {
      this.restApi.addGatewayResponse(`Gateway${type.responseType}`, {
        type,
        statusCode: String(httpStatusOf(code)),
        templates: { 'application/json': JSON.stringify(errorEnvelope(code, message)) },
      });
    }

    this.authorizer = new apigw.RequestAuthorizer(this, 'Authorizer', {
      authorizerName: `${name}-jwt`,
      handler: this.authorizerFn,
      identitySources: [apigw.IdentitySource.header('Authorization')],
      // No caching: a cached policy would be reused for other methods and outlive a revoked session.
      resultsCacheTtl: Duration.seconds(0),
    });

    // One integration per function; permission scoped to the API rather than per method keeps the Lambda
    // resource policy small as the route table grows.
    const integrations = new Map<FunctionName, apigw.LambdaIntegration>();
    const integrationFor = (fn: FunctionName) => {
      let integration = integrations.get(fn);
      if (!integration) {
        const target = functions.get(fn);
        if (!target) throw new Error(`Route table names unknown function ${fn}`);
        integration = new apigw.LambdaIntegration(target, { proxy: true, scopePermissionToMethod: false });
        integrations.set(fn, integration);
      }
      return integration;
    };

    const methods = new Map<string, apigw.Method>();
    for (const route of routes as readonly RouteDef[]) {
      const resource = resourceFor(this.restApi.root, route.path);
      const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
      const method = resource.addMethod(route.method, integrationFor(route.fn), {
        operationName: route.id,
        ...(route.auth === 'public'
          ? { authorizationType: apigw.AuthorizationType.NONE }
          : { authorizationType: apigw.AuthorizationType.CUSTOM, authorizer: this.authorizer }),
        requestParameters: Object.fromEntries(pathParams.map((p) => [`method.request.path.${p}`, true])),
      });
      methods.set(route.id, method);
      acknowledge(
        method,
        'AwsSolutions-COG4',
        'Users are TIKETI accounts with RS256 access tokens verified by a Lambda authorizer, not a Cognito user pool.',
      );
      if (route.auth === 'public') {
        acknowledge(
          method,
          'AwsSolutions-APIG4',
          `Route ${route.id} is public in the route table (shared/routes.ts).`,
        );
      }
    }
    this.methods = methods;
    acknowledge(
      this.restApi,
      'AwsSolutions-APIG2',
      'Requests are validated by the route table’s zod schemas in the handlers so failures use the error envelope; path parameters are required at the gateway.',
    );
    acknowledge(
      this.restApi.node.findChild('CloudWatchRole'),
      MANAGED_POLICY.apiGatewayLogs,
      'The account-level API Gateway logging role needs AmazonAPIGatewayPushToCloudWatchLogs (AWS-maintained, logs only).',
    );

    // --- WAF: only CloudFront gets in, rate limit per viewer, AWS managed protections (SQLi, XSS, bad inputs) --
    this.webAcl = this.createWebAcl(config);
    new wafv2.CfnWebACLAssociation(this, 'RestApiWafAssociation', {
      resourceArn: this.restApi.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    new CfnOutput(this, 'RestApiUrl', { value: this.restApi.url });
    new CfnOutput(this, 'WebSocketUrl', { value: this.webSocketStage.url });
    // Named, so stacks deployed after this one grant ManageConnections on exactly this API (see WorkflowsStack).
    new CfnOutput(this, 'WebSocketApiId', {
      value: this.webSocketApi.apiId,
      exportName: webSocketApiIdExport(config),
    });
  }

  private createWebAcl(config: StageConfig): wafv2.CfnWebACL {
    const name = prefix(config);
    const visibility = (metric: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${name}-${metric}`,
      sampledRequestsEnabled: true,
    });
    const managed = (priority: number, ruleGroup: string): wafv2.CfnWebACL.RuleProperty => ({
      name: ruleGroup,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: ruleGroup } },
      visibilityConfig: visibility(ruleGroup),
    });
    return new wafv2.CfnWebACL(this, 'RestApiWaf', {
      name: `${name}-api`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('api-waf'),
      customResponseBodies: {
        tooManyRequests: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify(errorEnvelope('TOO_MANY_REQUESTS', 'Too many requests, slow down')),
        },
        forbidden: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify(errorEnvelope('FORBIDDEN', 'Request blocked')),
        },
      },
      rules: [
        {
          // The execute-api URL is public; without CloudFront's secret header a request never reaches a Lambda.
          name: 'RequireOriginSecret',
          priority: 0,
          action: {
            block: {
              customResponse: {
                responseCode: httpStatusOf('FORBIDDEN'),
                customResponseBodyKey: 'forbidden',
              },
            },
          },
          statement: { notStatement: { statement: this.originSecretMatch(config) } },
          visibilityConfig: visibility('origin-secret'),
        },
        {
          name: 'RateLimitPerClient',
          priority: 1,
          action: {
            block: {
              customResponse: {
                responseCode: httpStatusOf('TOO_MANY_REQUESTS'),
                customResponseBodyKey: 'tooManyRequests',
              },
            },
          },
          statement: {
            rateBasedStatement: {
              limit: config.api.rateLimitPerMinute,
              evaluationWindowSec: 60,
              // Requests arrive through CloudFront, so the source IP is an edge's. X-Forwarded-For's first entry
              // is whatever the client sent; VIEWER_IP_HEADER is overwritten by CloudFront's viewer-request
              // function with the connection's address. Fallback MATCH: a request whose header holds no valid
              // address gets the rule's action rather than a free pass.
              aggregateKeyType: 'FORWARDED_IP',
              forwardedIpConfig: { headerName: VIEWER_IP_HEADER, fallbackBehavior: 'MATCH' },
            },
          },
          visibilityConfig: visibility('rate-limit'),
        },
        managed(10, 'AWSManagedRulesAmazonIpReputationList'),
        managed(20, 'AWSManagedRulesKnownBadInputsRuleSet'),
        managed(30, 'AWSManagedRulesSQLiRuleSet'),
        managed(40, 'AWSManagedRulesCommonRuleSet'),
      ],
    });
  }

  /** Header equals one of the accepted origin-secret generations (resolved by CloudFormation at deploy). */
  private originSecretMatch(config: StageConfig): wafv2.CfnWebACL.StatementProperty {
    const matches = acceptedOriginSecretKeys(config.web.originSecretGeneration).map(
      (key): wafv2.CfnWebACL.StatementProperty => ({
        byteMatchStatement: {
          fieldToMatch: { singleHeader: { Name: ORIGIN_VERIFY_HEADER } },
          positionalConstraint: 'EXACTLY',
          searchString: this.originSecret.secretValueFromJson(key).unsafeUnwrap(),
          textTransformations: [{ priority: 0, type: 'NONE' }],
        },
      }),
    );
    return matches.length === 1 ? matches[0]! : { orStatement: { statements: matches } };
  }
}

/** Finds or creates the resource chain for an API Gateway style path (`/api/v1/events/{id}`). */
function resourceFor(root: apigw.IResource, path: string): apigw.IResource {
  let resource = root;
  for (const part of path.split('/').filter(Boolean)) {
    resource = resource.getResource(part) ?? resource.addResource(part);
  }
  return resource;
}

const pascal = (s: string) => s.replace(/(^|[-_])(\w)/g, (_, __, c: string) => c.toUpperCase());
