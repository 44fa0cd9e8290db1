import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TiketiStacks } from '../../infra/lib/app';
import {
  APIGW_ACCOUNT_RPS,
  assertFanoutBudget,
  fanoutBudget,
  STAGE_NAMES,
  type StageConfig,
  stageConfig,
} from '../../infra/lib/config';
import { FUNCTION_PARTS, PUBLISHER_PARTS, partsOf } from '../../infra/lib/functions';
import { FANOUT_MAX_EVENT_AGE, FANOUT_RETRY_ATTEMPTS } from '../../infra/lib/realtime-workers';
import { type ConfigPart, wireRuntime } from '../../infra/lib/runtime-env';
import { FUNCTIONS } from '../../shared/routes';
import { buildTestApp, resourcesOfType } from './support';

let stacks: TiketiStacks;
let api: Template;
let prodApi: Template;
const dev = stageConfig('dev');

beforeAll(() => {
  stacks = buildTestApp().stacks;
  api = Template.fromStack(stacks.api);
  prodApi = Template.fromStack(buildTestApp({ stage: 'prod' }).stacks.api);
});

type Resource = { Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

const idOf = (fn: lambda.IFunction) => stacks.api.getLogicalId(fn.node.defaultChild as never);
const fnResource = (fn: lambda.IFunction): Resource =>
  resourcesOfType(api, 'AWS::Lambda::Function')[idOf(fn)]!;
const envOf = (fn: lambda.IFunction) =>
  (fnResource(fn).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

/** Logical id of every Lambda function in the API stack whose role has a statement matching `predicate`. */
function functionsGranted(predicate: (s: Statement) => boolean): string[] {
  const functions = resourcesOfType(api, 'AWS::Lambda::Function');
  const fnByRole = new Map(
    Object.entries(functions).map(([id, f]) => [
      (f.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0],
      id,
    ]),
  );
  const granted = new Set<string>();
  for (const policy of Object.values(resourcesOfType(api, 'AWS::IAM::Policy'))) {
    const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    if (!statements.some(predicate)) continue;
    for (const role of policy.Properties.Roles as { Ref: string }[]) {
      const fn = fnByRole.get(role.Ref);
      if (fn) granted.add(fn);
    }
  }
  return [...granted].sort();
}
const hasAction = (s: Statement, action: string) => [s.Action].flat().includes(action);

/** Every function the API stack wires with `part`, by logical id. */
function functionsWithPart(part: ConfigPart): string[] {
  const declared: [lambda.IFunction, readonly ConfigPart[]][] = [
    [stacks.api.realtimeFn, FUNCTION_PARTS.realtime],
    [stacks.api.realtime.fanoutFn, FUNCTION_PARTS.fanout],
    [stacks.api.realtime.sweepFn, FUNCTION_PARTS.sweep],
    [stacks.api.authorizerFn, FUNCTION_PARTS.authorizer],
    [stacks.api.wsAuthorizerFn, FUNCTION_PARTS.authorizer],
    ...FUNCTIONS.map(
      (f) => [stacks.api.functions.get(f)!, partsOf(f)] as [lambda.IFunction, readonly ConfigPart[]],
    ),
  ];
  return declared
    .filter(([, parts]) => parts.includes(part))
    .map(([fn]) => idOf(fn))
    .sort();
}

describe('fan-out worker', () => {
  it('runs outside the VPC with the connections table, the management endpoint and the shard settings', () => {
    const fn = fnResource(stacks.api.realtime.fanoutFn).Properties;
    expect(fn.VpcConfig).toBeUndefined();
    expect(fn.Handler).toBe('index.handler');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Runtime).toBe('nodejs22.x');
    const env = envOf(stacks.api.realtime.fanoutFn);
    expect(env.CONNECTIONS_TABLE).toBeDefined();
    expect(JSON.stringify(env.WS_MANAGEMENT_ENDPOINT)).toMatch(/https:\/\/.*execute-api.*\/dev/);
    expect(env.FANOUT_SHARD_SIZE).toBe(String(dev.realtime.fanoutShardSize));
    expect(env.FANOUT_CONCURRENCY).toBe(String(dev.realtime.fanoutConcurrency));
    // It posts its own shard: it never learns its own name, so it cannot re-shard into itself.
    expect(env.FANOUT_FUNCTION_NAME).toBeUndefined();
  });

  it('reserves exactly the stage’s worker count', () => {
    expect(fnResource(stacks.api.realtime.fanoutFn).Properties.ReservedConcurrentExecutions).toBe(
      dev.realtime.fanoutWorkers,
    );
    prodApi.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('fan-out'),
      ReservedConcurrentExecutions: stageConfig('prod').realtime.fanoutWorkers,
    });
  });

  it('is invoked at most once per shard, sending failures and expired shards to the failure queue', () => {
    expect(FANOUT_RETRY_ATTEMPTS).toBe(0);
    api.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: idOf(stacks.api.realtime.fanoutFn) },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: FANOUT_MAX_EVENT_AGE.toSeconds(),
      DestinationConfig: {
        OnFailure: {
          Destination: {
            'Fn::GetAtt': [
              stacks.api.getLogicalId(stacks.api.realtime.fanoutFailures.node.defaultChild as never),
              'Arn',
            ],
          },
        },
      },
    });
  });

  it('is invoked only by publishers, and only unqualified (no `:*`)', () => {
    const workerId = idOf(stacks.api.realtime.fanoutFn);
    const invokesWorker = (s: Statement) =>
      hasAction(s, 'lambda:InvokeFunction') && JSON.stringify(s.Resource).includes(workerId);
    const publishers = functionsWithPart('broadcast').filter((id) => id !== workerId);
    expect(publishers).toContain(idOf(stacks.api.realtimeFn));
    expect(functionsGranted(invokesWorker)).toEqual(publishers);
    for (const policy of Object.values(resourcesOfType(api, 'AWS::IAM::Policy'))) {
      for (const s of (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement) {
        if (invokesWorker(s)) expect(s.Resource).toEqual({ 'Fn::GetAtt': [workerId, 'Arn'] });
      }
    }
    // Publishers get the worker's name; nothing else does.
    const named = Object.entries(resourcesOfType(api, 'AWS::Lambda::Function'))
      .filter(
        ([, f]) =>
          (f.Properties.Environment as { Variables?: Record<string, unknown> })?.Variables
            ?.FANOUT_FUNCTION_NAME,
      )
      .map(([id]) => id)
      .sort();
    expect(named).toEqual(publishers);
  });

  it('leaves ManageConnections to the functions that post (publishers and the worker) and auth (logout closes)', () => {
    const manage = (s: Statement) => hasAction(s, 'execute-api:ManageConnections');
    expect(functionsGranted(manage)).toEqual(functionsWithPart('websocketManagement'));
    expect(functionsGranted(manage)).toEqual(
      [
        idOf(stacks.api.realtimeFn),
        idOf(stacks.api.realtime.fanoutFn),
        // auth: logout closes the ended session's sockets (DeleteConnection).
        ...(['seats', 'reservations', 'auth'] as const).map((fn) => idOf(stacks.api.functions.get(fn)!)),
      ].sort(),
    );
  });

  it('is what the realtime function publishes through (in the VPC, for Redis and PostgreSQL)', () => {
    for (const part of PUBLISHER_PARTS) expect(FUNCTION_PARTS.realtime).toContain(part);
    expect(fnResource(stacks.api.realtimeFn).Properties.VpcConfig).toBeDefined();
    const env = envOf(stacks.api.realtimeFn);
    for (const name of [
      'DB_HOST',
      'DB_SECRET_ARN',
      'REDIS_HOST',
      'CONNECTIONS_TABLE',
      'WS_MANAGEMENT_ENDPOINT',
    ])
      expect(env[name], name).toBeDefined();
    expect(env.FANOUT_FUNCTION_NAME).toEqual({ Ref: idOf(stacks.api.realtime.fanoutFn) });
    expect(env.FANOUT_SHARD_SIZE).toBe(String(dev.realtime.fanoutShardSize));
    expect(env.FANOUT_CONCURRENCY).toBe(String(dev.realtime.fanoutConcurrency));
  });

  it('refuses the broadcast part where no worker exists', () => {
    const stack = new Stack(new App(), 'Bare');
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => {};'),
    });
    expect(() => wireRuntime(fn, ['broadcast'], { config: dev, serviceVersion: '0' })).toThrow(
      /config part "broadcast" requested/,
    );
  });
});

describe('fan-out failure queue', () => {
  it('is encrypted (SSE) and refuses requests without TLS', () => {
    const queueId = stacks.api.getLogicalId(stacks.api.realtime.fanoutFailures.node.defaultChild as never);
    const queue = resourcesOfType(api, 'AWS::SQS::Queue')[queueId]!.Properties;
    expect(queue.SqsManagedSseEnabled === true || queue.KmsMasterKeyId !== undefined).toBe(true);
    expect(queue.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    api.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('can be written only by the worker', () => {
    const queueId = stacks.api.getLogicalId(stacks.api.realtime.fanoutFailures.node.defaultChild as never);
    const sends = (s: Statement) =>
      hasAction(s, 'sqs:SendMessage') && JSON.stringify(s.Resource).includes(queueId);
    expect(functionsGranted(sends)).toEqual([idOf(stacks.api.realtime.fanoutFn)]);
  });
});

describe('connection sweep', () => {
  it('runs every 5 minutes on a schedule', () => {
    api.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [idOf(stacks.api.realtime.sweepFn), 'Arn'] } })],
    });
  });

  it('has the connections table, outside the VPC, one run at a time', () => {
    const fn = fnResource(stacks.api.realtime.sweepFn).Properties;
    expect(fn.VpcConfig).toBeUndefined();
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    expect(fn.Timeout as number).toBeLessThan(5 * 60);
    const env = envOf(stacks.api.realtime.sweepFn);
    expect(env.CONNECTIONS_TABLE).toBeDefined();
    expect(env.WS_MANAGEMENT_ENDPOINT).toBeUndefined();
    expect(env.FANOUT_FUNCTION_NAME).toBeUndefined();
  });

  it('is the only function allowed to Scan, and only the base table', () => {
    const scans = (s: Statement) => hasAction(s, 'dynamodb:Scan');
    for (const stack of Object.values(stacks)) {
      if (stack === stacks.api) continue;
      expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('dynamodb:Scan');
    }
    expect(functionsGranted(scans)).toEqual([idOf(stacks.api.realtime.sweepFn)]);
    api.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'dynamodb:Scan',
            Effect: 'Allow',
            Resource: { 'Fn::ImportValue': Match.stringLikeRegexp('ConnectionsArn|Connections.*Arn') },
          },
        ]),
      },
    });
  });
});

describe('realtime alarms', () => {
  it('watch worker errors, failed shards, sweep errors and the realtime function’s errors and throttles', () => {
    const alarms = Object.values(resourcesOfType(api, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const byName = new Map(alarms.map((a) => [a.AlarmName as string, a]));
    expect([...byName.keys()].filter((n) => n.startsWith('tiketi-dev-')).sort()).toEqual(
      [
        'tiketi-dev-fanout-errors',
        'tiketi-dev-fanout-failures',
        'tiketi-dev-realtime-errors',
        'tiketi-dev-realtime-throttles',
        'tiketi-dev-sweep-errors',
      ].sort(),
    );
    for (const alarm of byName.values()) {
      expect(alarm).toMatchObject({
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        TreatMissingData: 'notBreaching',
      });
    }
    expect(byName.get('tiketi-dev-fanout-failures')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
    });
    const fnDimension = (fn: lambda.IFunction) => [{ Name: 'FunctionName', Value: { Ref: idOf(fn) } }];
    expect(byName.get('tiketi-dev-realtime-throttles')).toMatchObject({
      MetricName: 'Throttles',
      Dimensions: fnDimension(stacks.api.realtimeFn),
    });
    expect(byName.get('tiketi-dev-realtime-errors')).toMatchObject({
      MetricName: 'Errors',
      Dimensions: fnDimension(stacks.api.realtimeFn),
    });
    expect(byName.get('tiketi-dev-fanout-errors')).toMatchObject({
      MetricName: 'Errors',
      Dimensions: fnDimension(stacks.api.realtime.fanoutFn),
    });
  });
});

describe('fan-out budget (API Gateway account throttle)', () => {
  it.each(STAGE_NAMES)(
    '%s: workers × concurrency × posts/s per slot stays under what the stages leave',
    (stage) => {
      const config = stageConfig(stage);
      const { budgetRps, workersRps, headroomRps } = fanoutBudget(config);
      expect(budgetRps).toBe(APIGW_ACCOUNT_RPS - 2 * config.api.throttlingRateLimit);
      expect(workersRps).toBeLessThanOrEqual(budgetRps);
      expect(headroomRps).toBeGreaterThanOrEqual(0);
      expect(() => assertFanoutBudget(config)).not.toThrow();
    },
  );

  it('matches the documented arithmetic', () => {
    expect(fanoutBudget(stageConfig('dev'))).toEqual({
      budgetRps: 9_800,
      workersRps: 3_200,
      headroomRps: 6_600,
    });
    expect(fanoutBudget(stageConfig('prod'))).toEqual({
      budgetRps: 6_000,
      workersRps: 4_800,
      headroomRps: 1_200,
    });
  });

  it('fails synthesis for a stage that could outrun the throttle', () => {
    const greedy: StageConfig = { ...dev, realtime: { ...dev.realtime, fanoutWorkers: 50 } };
    expect(() => assertFanoutBudget(greedy)).toThrow(/above the 9800 RPS/);
    const tooWide: StageConfig = { ...dev, realtime: { ...dev.realtime, fanoutConcurrency: 2_000 } };
    expect(() => assertFanoutBudget(tooWide)).toThrow(/fanoutConcurrency must be an integer from 1 to 1000/);
  });
});
