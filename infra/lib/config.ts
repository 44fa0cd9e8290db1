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
  /** Broadcast fan-out (functions/shared/broadcaster); sized against the API Gateway account throttle, see fanoutBudget(). */
  readonly realtime: {
    /** FANOUT_SHARD_SIZE: connections per shard. A publisher posts an audience this small itself. */
    readonly fanoutShardSize: number;
    /** FANOUT_CONCURRENCY: PostToConnection calls in flight at once in one process (publisher or worker). */
    readonly fanoutConcurrency: number;
    /** Reserved concurrency of the fan-out worker: shards posted at the same time, account-wide. */
    readonly fanoutWorkers: number;
  };
  /**
   * Payment provider. `sandbox` (test cards, no money moves) or `toss`: then the data stack creates the secret
   * `{ "secretKey": "…" }` the operator fills after the first deploy, and the public client key comes from
   * `-c tossClientKey=…`.
   */
  readonly payments: {
    readonly provider: 'sandbox' | 'toss';
    readonly tossClientKey?: string;
    /** Client-side timeout of one provider call (the saga task's Lambda timeout is larger). */
    readonly providerTimeoutMs: number;
  };
  readonly waitingRoom: {
    /** People waiting in one room above which the queue-length alarm fires (a surge beyond what was planned). */
    readonly queueLengthAlarm: number;
  };
  readonly web: {
    /** CloudFront geo allow-list (seed: Korea, US, Japan). Empty disables the restriction. */
    readonly geoAllowList: readonly string[];
    /**
     * Which origin-verify value CloudFront sends (`v<n>` in the secret); the WAF accepts it and the previous one.
     * Raised with `-c originSecretGeneration=<n>` to rotate (docs/decisions.md).
     */
    readonly originSecretGeneration: number;
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
  realtime: { fanoutShardSize: 500, fanoutConcurrency: 16, fanoutWorkers: 4 },
  payments: { provider: 'sandbox', providerTimeoutMs: 10_000 },
  waitingRoom: { queueLengthAlarm: 50_000 },
  web: { geoAllowList: ['KR', 'US', 'JP'], originSecretGeneration: 1 },
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
  realtime: { fanoutShardSize: 500, fanoutConcurrency: 16, fanoutWorkers: 6 },
  payments: { provider: 'toss', providerTimeoutMs: 10_000 },
  waitingRoom: { queueLengthAlarm: 600_000 },
  web: { geoAllowList: ['KR', 'US', 'JP'], originSecretGeneration: 1 },
  retainData: true,
};

const STAGES: Readonly<Record<StageName, StageConfig>> = { dev, prod };

export function isStageName(value: unknown): value is StageName {
  return typeof value === 'string' && (STAGE_NAMES as readonly string[]).includes(value);
}

/** Resolves `-c stage=<name>` (default `dev`); unknown names fail loudly instead of deploying a guess. */
export function stageConfig(
  stage: unknown = 'dev',
  context: { tossClientKey?: unknown; originSecretGeneration?: unknown } = {},
): StageConfig {
  if (!isStageName(stage)) {
    throw new Error(`Unknown stage ${JSON.stringify(stage)}; expected one of: ${STAGE_NAMES.join(', ')}`);
  }
  let config = STAGES[stage];
  // The Toss client key is public (it goes to the browser) but per merchant: it comes with the deploy command.
  if (typeof context.tossClientKey === 'string' && context.tossClientKey) {
    config = { ...config, payments: { ...config.payments, tossClientKey: context.tossClientKey } };
  }
  if (context.originSecretGeneration !== undefined) {
    const generation = Number(context.originSecretGeneration);
    if (!Number.isInteger(generation) || generation < 1) {
      throw new Error(
        `originSecretGeneration must be an integer ≥ 1, got ${String(context.originSecretGeneration)}`,
      );
    }
    config = { ...config, web: { ...config.web, originSecretGeneration: generation } };
  }
  return config;
}

/** Common prefix of every physical name and stack name: `tiketi-dev`. */
export function prefix(config: StageConfig): string {
  return `tiketi-${config.stage}`;
}

/**
 * API Gateway's throttle per account and Region, shared by REST, HTTP and WebSocket APIs *and* WebSocket
 * callback (`@connections`) calls (API Gateway quotas, "account-level quotas, per Region"; burst 5,000).
 */
export const APIGW_ACCOUNT_RPS = 10_000;
/**
 * The fastest PostToConnection round trip we plan for (same Region, keep-alive connection). One post in
 * flight then makes at most 1000 / 20 = 50 requests per second; slower posts only lower the rate.
 */
export const MIN_POST_LATENCY_MS = 20;

export interface FanoutBudget {
  /** What is left of the account throttle once both stages' own rate limits (REST, WebSocket) are served. */
  readonly budgetRps: number;
  /** Upper bound of the workers' post rate: workers × posts in flight × posts per second per slot. */
  readonly workersRps: number;
  /** Left for publishers posting small audiences themselves (and the 429 backstop absorbs the rest). */
  readonly headroomRps: number;
}

/**
 * Fan-out sizing. The fan-out worker's reserved concurrency caps the shards posted at once; each posts with
 * FANOUT_CONCURRENCY calls in flight. Their product times 1000 / MIN_POST_LATENCY_MS must stay below what the
 * REST and WebSocket stages leave of the account throttle, or a big broadcast would starve the REST API (its
 * requests share the same token bucket). dev: 4 × 16 × 50 = 3,200 ≤ 10,000 − 100 − 100 = 9,800;
 * prod: 6 × 16 × 50 = 4,800 ≤ 10,000 − 2,000 − 2,000 = 6,000, leaving 1,200 RPS for inline posts.
 */
export function fanoutBudget(config: StageConfig): FanoutBudget {
  const budgetRps = APIGW_ACCOUNT_RPS - 2 * config.api.throttlingRateLimit;
  const { fanoutWorkers, fanoutConcurrency } = config.realtime;
  const workersRps = fanoutWorkers * fanoutConcurrency * (1000 / MIN_POST_LATENCY_MS);
  return { budgetRps, workersRps, headroomRps: budgetRps - workersRps };
}

/** Fails synthesis when a stage's fan-out could outrun the account throttle (see fanoutBudget). */
export function assertFanoutBudget(config: StageConfig): void {
  const { fanoutShardSize, fanoutConcurrency, fanoutWorkers } = config.realtime;
  for (const [name, value, max] of [
    ['fanoutShardSize', fanoutShardSize, Number.MAX_SAFE_INTEGER],
    // functions/shared/config.ts refuses FANOUT_CONCURRENCY above 1,000.
    ['fanoutConcurrency', fanoutConcurrency, 1_000],
    ['fanoutWorkers', fanoutWorkers, Number.MAX_SAFE_INTEGER],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new Error(`${config.stage}: realtime.${name} must be an integer from 1 to ${max}, got ${value}`);
    }
  }
  const { budgetRps, workersRps } = fanoutBudget(config);
  if (workersRps > budgetRps) {
    throw new Error(
      `${config.stage}: fan-out workers could post ${workersRps} RPS, above the ${budgetRps} RPS the API Gateway ` +
        'account throttle leaves after the REST and WebSocket stage limits; lower realtime.fanoutWorkers or fanoutConcurrency',
    );
  }
}
