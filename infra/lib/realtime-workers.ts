import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { assertFanoutBudget, prefix, type StageConfig } from './config';
import { codeOf, FUNCTION_PARTS, timeoutOf } from './functions';
import { AppFunction } from './lambda';
import { acknowledge } from './nag';
import { type BroadcastRuntime, type RuntimeResources, wireRuntime } from './runtime-env';

/** How often expired connection/subscription rows are deleted (DynamoDB TTL may take days to get to them). */
export const SWEEP_SCHEDULE = events.Schedule.rate(Duration.minutes(5));

/**
 * Lambda's floor for MaximumEventAgeInSeconds. A shard still queued after a minute (the worker's reserved
 * concurrency was busy) goes to the failure queue instead of posting a stale update; clients re-fetch after gaps.
 */
export const FANOUT_MAX_EVENT_AGE = Duration.seconds(60);

/**
 * 0: a shard is posted at most once. A worker that fails has usually posted part of its shard already (the
 * broadcaster retries throttled posts and drops failed ones itself; only a crash or timeout fails the
 * invocation), so a retry would post those connections the same message twice. Failed shards land in the
 * failure queue with Lambda's error context and raise an alarm instead.
 */
export const FANOUT_RETRY_ATTEMPTS = 0;

export interface RealtimeWorkersProps {
  readonly config: StageConfig;
  /** Needs `connectionsTable` and `webSocket`; `broadcast` is what this construct adds. */
  readonly runtime: RuntimeResources;
}

/**
 * The broadcaster's back end: the fan-out worker publishers hand large audiences to (asynchronous invokes,
 * capped by reserved concurrency), its failure queue, the scheduled sweep of expired connection rows, and
 * the realtime alarms.
 *
 * Both functions run outside the VPC: they only call DynamoDB and the `@connections` management API, public
 * AWS endpoints, so they need no NAT path (dev has a single NAT gateway) and no ENIs. The realtime function
 * stays in the VPC for Redis sessions and reaches `@connections` through NAT (network-stack.ts explains why
 * there is no execute-api interface endpoint).
 *
 * Alarms have no actions yet: they show in the console and `alarms` lets a later on-call topic subscribe to
 * them all at once.
 */
export class RealtimeWorkers extends Construct {
  readonly fanoutFn: AppFunction;
  /** On-failure destination of the worker's asynchronous invocations (crashes, timeouts, expired shards). */
  readonly fanoutFailures: sqs.Queue;
  readonly sweepFn: AppFunction;
  readonly sweepSchedule: events.Rule;
  /** What publishers are wired with (`broadcast` config part). */
  readonly broadcast: BroadcastRuntime;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly name: string;

  constructor(scope: Construct, id: string, props: RealtimeWorkersProps) {
    super(scope, id);
    const { config, runtime } = props;
    this.name = prefix(config);
    assertFanoutBudget(config);

    // --- Fan-out worker -----------------------------------------------------------------------------------------
    this.fanoutFn = new AppFunction(this, 'FanoutFn', {
      config,
      ...codeOf('fanout'),
      description: 'WebSocket broadcast fan-out: posts one shard of a topic audience',
      // A shard of fanoutShardSize posts at fanoutConcurrency in flight takes about a second; the margin covers
      // the broadcaster's throttling backoff (429 → up to 5 attempts, 2 s cap).
      timeout: timeoutOf('fanout'),
      // Account-wide cap on shards posted at once: the API Gateway throttle arithmetic is in config.ts
      // (fanoutBudget). Invocations over the cap wait in Lambda's async queue, up to FANOUT_MAX_EVENT_AGE.
      reservedConcurrentExecutions: config.realtime.fanoutWorkers,
    });
    this.broadcast = {
      worker: this.fanoutFn,
      shardSize: config.realtime.fanoutShardSize,
      concurrency: config.realtime.fanoutConcurrency,
    };
    wireRuntime(this.fanoutFn, FUNCTION_PARTS.fanout, { ...runtime, broadcast: this.broadcast });

    this.fanoutFailures = new sqs.Queue(this, 'FanoutFailures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // A destination record carries the shard and Lambda's error context; a DLQ would carry the shard only.
    this.fanoutFn.configureAsyncInvoke({
      onFailure: new destinations.SqsDestination(this.fanoutFailures),
      maxEventAge: FANOUT_MAX_EVENT_AGE,
      retryAttempts: FANOUT_RETRY_ATTEMPTS,
    });
    acknowledge(
      this.fanoutFailures,
      'AwsSolutions-SQS3',
      'This queue is the fan-out worker’s on-failure destination, i.e. its dead-letter queue; cdk-nag only recognizes RedrivePolicy/DeadLetterConfig references. Nothing consumes it, so it needs no DLQ of its own.',
    );

    // --- Sweep of expired connection and subscription rows ------------------------------------------------------
    this.sweepFn = new AppFunction(this, 'SweepFn', {
      config,
      ...codeOf('sweep'),
      description: 'Deletes expired WebSocket connection and subscription rows',
      // Done before the next run starts; one at a time (a late run waits instead of scanning in parallel).
      timeout: Duration.minutes(4),
      reservedConcurrentExecutions: 1,
    });
    wireRuntime(this.sweepFn, FUNCTION_PARTS.sweep, runtime);
    const table = runtime.connectionsTable;
    if (!table) throw new Error(`${this.node.path}: the sweep needs the connections table`);
    // The one function allowed to Scan, and only the base table (rows carry expiresAt; no index is needed).
    this.sweepFn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:Scan'], resources: [table.tableArn] }),
    );
    // Idempotent: a failed or late run is replaced by the next one five minutes later.
    this.sweepFn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(4) });
    this.sweepSchedule = new events.Rule(this, 'SweepSchedule', {
      description: `${this.name}: delete expired WebSocket connection rows`,
      schedule: SWEEP_SCHEDULE,
      targets: [
        new targets.LambdaFunction(this.sweepFn, { retryAttempts: 2, maxEventAge: Duration.minutes(4) }),
      ],
    });

    // --- Alarms ---------------------------------------------------------------------------------------------------
    // Worker throttles are expected (reserved concurrency is the backpressure); a shard that waited too long
    // shows up in the failure queue.
    this.alarmOnErrors('Fanout', this.fanoutFn);
    this.alarm(
      'FanoutFailures',
      'fan-out shards failed or expired (see the failure queue)',
      this.fanoutFailures.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
    );
    this.alarmOnErrors('Sweep', this.sweepFn);
  }

  /** Errors and throttles of a function that serves clients directly (the WebSocket routes). */
  watchPublisher(label: string, fn: lambda.IFunction): void {
    this.alarmOnErrors(label, fn);
    this.alarm(
      `${label}Throttles`,
      `${label} function throttled`,
      fn.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
    );
  }

  private alarmOnErrors(label: string, fn: lambda.IFunction): void {
    this.alarm(
      `${label}Errors`,
      `${label} function errors (crashes, timeouts)`,
      fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
    );
  }

  /** Any datapoint above zero alarms; no data (no traffic) is fine. */
  private alarm(id: string, description: string, metric: cloudwatch.IMetric): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, `${id}Alarm`, {
        alarmName: `${this.name}-${kebab(id)}`,
        alarmDescription: `${this.name}: ${description}`,
        metric,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}

const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
