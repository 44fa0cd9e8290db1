import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/**
 * Per-stage settings: the only place where dev and prod differ. Everything else in the CDK app is derived from
 * the shared route table and the runtime config contract, so adding a stage means adding one object here.
 */

export const STAGE_NAMES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

export interface DomainConfig {
  /** Custom domain for the CloudFront distribution, e.g. `tickets.example.com`. */
  readonly domainName: string;
  /** ACM certificate for `domainName`; CloudFront requires it to live in us-east-1. */
  readonly certificateArn: string;
}

export interface StageConfig {
  readonly stage: StageName;
  /**
   * Pin the account for `cdk deploy`. Leave undefined to keep synth offline and account-agnostic: with a
   * concrete account CDK looks up the region's AZs once (needs credentials, cached in cdk.context.json).
   */
  readonly account?: string;
  readonly region: string;
  /** Optional custom domain; without it the distribution uses its `*.cloudfront.net` name. */
  readonly domain?: DomainConfig;
  readonly network: {
    readonly cidr: string;
    /** NAT gateways: Lambdas reach the WebSocket management API, X-Ray and payment providers through them. */
    readonly natGateways: number;
    readonly flowLogRetentionDays: RetentionDays;
  };
  readonly database: {
    /** EC2-style instance type without the `db.` prefix, e.g. `t4g.micro`. */
    readonly instanceType: string;
    readonly allocatedStorageGiB: number;
    readonly maxAllocatedStorageGiB: number;
    readonly multiAz: boolean;
    readonly backupRetentionDays: number;
    readonly deletionProtection: boolean;
    /** Require IAM tokens at RDS Proxy. Off by default: handlers authenticate with the Secrets Manager secret. */
    readonly iamAuth: boolean;
    /** Non-default listener port of the instance (RDS Proxy still listens on 5432). */
    readonly port: number;
  };
  readonly redis: {
    readonly nodeType: string;
    /** Total nodes in the replication group (1 primary + replicas). 2+ enables Multi-AZ failover. */
    readonly nodes: number;
    readonly engineVersion: string;
    readonly port: number;
    readonly snapshotRetentionDays: number;
  };
  readonly lambda: {
    readonly memorySize: number;
    readonly timeoutSeconds: number;
    /** CloudWatch retention for function, API, workflow and database logs. */
    readonly logRetentionDays: RetentionDays;
    readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  };
  readonly api: {
    readonly throttlingRateLimit: number;
    readonly throttlingBurstLimit: number;
    /** WAF rate-based rule: requests per client IP per minute across the REST API (seed: 100 req/min). */
    readonly rateLimitPerMinute: number;
  };
  readonly web: {
    /** CloudFront geo allow-list (seed: Korea, US, Japan). Empty disables the restriction. */
    readonly geoAllowList: readonly string[];
  };
  /** Destroy data stores with the stack (dev) or keep them (prod). */
  readonly retainData: boolean;
}

const dev: StageConfig = {
  stage: 'dev',
  region: 'ap-northeast-2',
  network: { cidr: '10.10.0.0/16', natGateways: 1, flowLogRetentionDays: RetentionDays.TWO_WEEKS },
  database: {
    instanceType: 't4g.micro',
    allocatedStorageGiB: 20,
    maxAllocatedStorageGiB: 50,
    multiAz: false,
    backupRetentionDays: 1,
    deletionProtection: false,
    iamAuth: false,
    port: 5433,
  },
  redis: {
    nodeType: 'cache.t4g.micro',
    nodes: 1,
    engineVersion: '7.1',
    port: 6380,
    snapshotRetentionDays: 1,
  },
  lambda: {
    memorySize: 512,
    timeoutSeconds: 15,
    logRetentionDays: RetentionDays.TWO_WEEKS,
    logLevel: 'DEBUG',
  },
  api: { throttlingRateLimit: 100, throttlingBurstLimit: 200, rateLimitPerMinute: 100 },
  web: { geoAllowList: ['KR', 'US', 'JP'] },
  retainData: false,
};

const prod: StageConfig = {
  stage: 'prod',
  region: 'ap-northeast-2',
  network: { cidr: '10.20.0.0/16', natGateways: 2, flowLogRetentionDays: RetentionDays.THREE_MONTHS },
  database: {
    instanceType: 'r7g.large',
    allocatedStorageGiB: 100,
    maxAllocatedStorageGiB: 500,
    multiAz: true,
    backupRetentionDays: 14,
    deletionProtection: true,
    iamAuth: false,
    port: 5433,
  },
  redis: {
    nodeType: 'cache.r7g.large',
    nodes: 2,
    engineVersion: '7.1',
    port: 6380,
    snapshotRetentionDays: 7,
  },
  lambda: {
    memorySize: 1024,
    timeoutSeconds: 15,
    logRetentionDays: RetentionDays.THREE_MONTHS,
    logLevel: 'INFO',
  },
  api: { throttlingRateLimit: 2000, throttlingBurstLimit: 5000, rateLimitPerMinute: 100 },
  web: { geoAllowList: ['KR', 'US', 'JP'] },
  retainData: true,
};

const STAGES: Readonly<Record<StageName, StageConfig>> = { dev, prod };

export function isStageName(value: unknown): value is StageName {
  return typeof value === 'string' && (STAGE_NAMES as readonly string[]).includes(value);
}

/** Resolves `-c stage=<name>` (default `dev`); unknown names fail loudly instead of deploying a guess. */
export function stageConfig(stage: unknown = 'dev'): StageConfig {
  if (!isStageName(stage)) {
    throw new Error(`Unknown stage ${JSON.stringify(stage)}; expected one of: ${STAGE_NAMES.join(', ')}`);
  }
  return STAGES[stage];
}

/** Common prefix of every physical name and stack name: `tiketi-dev`. */
export function prefix(config: StageConfig): string {
  return `tiketi-${config.stage}`;
}
