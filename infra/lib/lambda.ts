import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { StageConfig } from './config';
import { acknowledge, MANAGED_POLICY, REASONS } from './nag';
import { REPO_ROOT, repoPath } from './paths';

/** The runtime every function uses; one constant so tests and cdk-nag acknowledgements agree on it. */
export const NODE_RUNTIME = lambda.Runtime.NODEJS_22_X;

/**
 * ESM bundles still meet CommonJS dependencies that call `require` (pg, ioredis internals). The banner gives
 * them one; the alias keeps it from colliding with a `createRequire` import inside the bundled code.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __tiketiCreateRequire } from 'node:module'; const require = __tiketiCreateRequire(import.meta.url);";

export interface AppFunctionProps {
  readonly config: StageConfig;
  /** Entry relative to the repository root, e.g. `functions/auth/handler.ts`. */
  readonly entry: string;
  /** Exported handler name. */
  readonly handler?: string;
  readonly description: string;
  /** When set, the function runs in the VPC's private subnets with these security groups. */
  readonly vpc?: ec2.IVpc;
  readonly securityGroups?: ec2.ISecurityGroup[];
  readonly environment?: Record<string, string>;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  /** Caps (and reserves) the function's concurrency; unset = the account's unreserved pool. */
  readonly reservedConcurrentExecutions?: number;
  readonly commandHooks?: nodejs.ICommandHooks;
}

/**
 * A NodejsFunction with the project's defaults: arm64, Node 22, minified ESM + source maps, X-Ray, own log group
 * with retention.
 */
export class AppFunction extends nodejs.NodejsFunction {
  /** The entry relative to the repository root; its context decides the function's database role. */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    const { config } = props;
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: config.lambda.logRetentionDays,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: repoPath(props.entry),
      handler: props.handler ?? 'handler',
      description: props.description,
      runtime: NODE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? config.lambda.memorySize,
      timeout: props.timeout ?? Duration.seconds(config.lambda.timeoutSeconds),
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: repoPath('package-lock.json'),
      ...(props.vpc
        ? {
            vpc: props.vpc,
            vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
            securityGroups: props.securityGroups,
          }
        : {}),
      // Stage, log level and the rest of the config contract come from wireRuntime().
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Prefer ESM entry points so tree-shaking works on dual packages.
        mainFields: ['module', 'main'],
        // The Node 22 runtime ships SDK v3; everything else is bundled.
        externalModules: ['@aws-sdk/*'],
        banner: ESM_REQUIRE_BANNER,
        ...(props.commandHooks ? { commandHooks: props.commandHooks } : {}),
      },
    });

    this.entry = props.entry;

    // Findings every AppFunction has by construction (default role, pinned runtime, active tracing).
    acknowledge(this, MANAGED_POLICY.lambdaBasic, REASONS.lambdaBasic);
    if (props.vpc) acknowledge(this, MANAGED_POLICY.lambdaVpc, REASONS.lambdaVpc);
    acknowledge(this, 'AwsSolutions-L1', REASONS.runtime);
    acknowledge(this, 'AwsSolutions-IAM5[Resource::*]', REASONS.xray);
  }
}
