import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TiketiStacks } from '../../infra/lib/app';
import {
  type AslState,
  DEFINITIONS,
  lambdaInvokeOverride,
  lambdaTasksOf,
  loadDefinition,
  placeholdersOf,
} from '../../infra/workflows/definitions';
import { buildTestApp, resourcesOfType } from './support';

let stacks: TiketiStacks;
let workflows: Template;
let assemblyDir: string;

beforeAll(() => {
  const built = buildTestApp();
  stacks = built.stacks;
  assemblyDir = built.app.synth().directory;
  workflows = Template.fromStack(stacks.workflows);
});

function machineNamed(name: string) {
  const found = Object.values(resourcesOfType(workflows, 'AWS::StepFunctions::StateMachine')).find(
    (m) => (m.Properties as { StateMachineName?: string }).StateMachineName === name,
  );
  if (!found) throw new Error(`no state machine ${name}`);
  return found;
}

const TRANSIENT = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'TransientError',
];

describe('hold-expiry state machine', () => {
  it('is a Standard state machine with error logging and tracing', () => {
    workflows.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false, Destinations: [Match.anyValue()] },
    });
  });

  it('deploys the ASL file byte for byte, with a substitution for every placeholder', () => {
    const machine = machineNamed('tiketi-dev-hold-expiry');
    const { DefinitionS3Location, DefinitionSubstitutions, DefinitionString } = machine!.Properties as {
      DefinitionS3Location: { Key: string };
      DefinitionSubstitutions: Record<string, unknown>;
      DefinitionString?: unknown;
    };
    expect(DefinitionString).toBeUndefined();
    const staged = readFileSync(join(assemblyDir, `asset.${DefinitionS3Location.Key}`), 'utf8');
    expect(staged).toBe(readFileSync(DEFINITIONS.holdExpiry, 'utf8'));

    expect(Object.keys(DefinitionSubstitutions).sort()).toEqual(placeholdersOf('holdExpiry'));
    const releaseFnId = stacks.workflows.getLogicalId(
      stacks.workflows.releaseHoldFn.node.defaultChild as never,
    );
    expect(DefinitionSubstitutions.ReleaseHoldFunctionArn).toEqual({ 'Fn::GetAtt': [releaseFnId, 'Arn'] });
  });

  it('lets the state machine invoke the release function', () => {
    workflows.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunction' })]),
      },
    });
  });

  it('exports the state machine ARN', () => {
    workflows.hasOutput('HoldExpiryStateMachineArn', {
      Export: { Name: 'tiketi-dev-hold-expiry-state-machine-arn' },
    });
  });
});

describe('workflow logs', () => {
  it('every state machine logs errors only, without execution data (no payment keys in CloudWatch)', () => {
    const machines = Object.values(resourcesOfType(workflows, 'AWS::StepFunctions::StateMachine'));
    expect(machines).toHaveLength(3);
    for (const machine of machines) {
      expect(machine.Properties.LoggingConfiguration).toMatchObject({
        Level: 'ERROR',
        IncludeExecutionData: false,
      });
    }
  });
});

describe('hold-expiry definition', () => {
  const definition = loadDefinition('holdExpiry', {
    ReleaseHoldFunctionArn: 'arn:aws:lambda:test:1:function:release',
  });
  const states = definition.States as Record<string, AslState & Record<string, unknown>>;

  it('waits until expiresAt, releases through lambda:invoke, and waits again while a reservation is unpaid', () => {
    expect(definition.StartAt).toBe('WaitForExpiry');
    expect(states.WaitForExpiry).toMatchObject({
      Type: 'Wait',
      TimestampPath: '$.expiresAt',
      Next: 'ReleaseHold',
    });
    expect(states.ReleaseHold).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'arn:aws:lambda:test:1:function:release', 'Payload.$': '$' },
      ResultSelector: { 'result.$': '$.Payload' },
      ResultPath: '$.release',
      Next: 'CheckDone',
    });
    expect(states.CheckDone).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.release.result.done', BooleanEquals: true, Next: 'Released' }],
      Default: 'WaitAgain',
    });
    // The loop carries only the ids and the new deadline: the execution's input does not grow per round.
    expect(states.WaitAgain).toMatchObject({
      Type: 'Pass',
      Parameters: {
        'holdId.$': '$.holdId',
        'eventId.$': '$.eventId',
        'expiresAt.$': '$.release.result.nextAt',
      },
      Next: 'WaitForExpiry',
    });
    expect(states.Released).toEqual({ Type: 'Succeed' });
  });

  it('retries only transient errors, with backoff and jitter', () => {
    const retry = states.ReleaseHold!.Retry as Array<Record<string, unknown>>;
    const retried = retry.flatMap((r) => r.ErrorEquals as string[]);
    expect(retried.sort()).toEqual([...TRANSIENT].sort());
    expect(retried).not.toContain('States.ALL');
    expect(retried.some((e) => /Conditional|Conflict|TaskFailed/i.test(e))).toBe(false);
    for (const r of retry) {
      expect(r.BackoffRate as number).toBeGreaterThan(1);
      expect(r.JitterStrategy).toBe('FULL');
      expect(r.MaxDelaySeconds).toBeDefined();
    }
  });

  it('catches everything else into a visible failure', () => {
    const [catcher] = states.ReleaseHold!.Catch as Array<Record<string, unknown>>;
    expect(catcher).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'ReleaseFailed' });
    expect(states.ReleaseFailed).toMatchObject({ Type: 'Fail', Error: 'HoldReleaseFailed' });
  });

  it('uses JSONPath only (the local executor ignores JSONata)', () => {
    const text = readFileSync(DEFINITIONS.holdExpiry, 'utf8');
    expect(text).not.toMatch(/QueryLanguage|JSONata|\{%/);
  });

  it('fails loudly on a missing substitution', () => {
    expect(() => loadDefinition('holdExpiry')).toThrow(/ReleaseHoldFunctionArn/);
  });

  it('maps task states to placeholders and wraps local handlers like lambda:invoke', async () => {
    expect(lambdaTasksOf('holdExpiry')).toEqual({ ReleaseHold: 'ReleaseHoldFunctionArn' });
    const override = lambdaInvokeOverride(async (payload) => ({
      released: (payload as { holdId: string }).holdId,
    }));
    await expect(override({ FunctionName: 'x', Payload: { holdId: 'h1' } })).resolves.toEqual({
      StatusCode: 200,
      Payload: { released: 'h1' },
    });
  });
});

describe('payment saga', () => {
  it('is a second Standard state machine whose tasks run the payment tasks function', () => {
    const machine = machineNamed('tiketi-dev-payment-saga');
    const { DefinitionSubstitutions } = machine.Properties as {
      DefinitionSubstitutions: Record<string, unknown>;
    };
    expect(Object.keys(DefinitionSubstitutions).sort()).toEqual(placeholdersOf('paymentSaga'));
    const fnId = stacks.workflows.getLogicalId(stacks.workflows.paymentTasksFn.node.defaultChild as never);
    expect(DefinitionSubstitutions.PaymentTasksFunctionArn).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    expect((machine.Properties as { StateMachineType: string }).StateMachineType).toBe('STANDARD');
  });

  it('gives the payment tasks a timeout above the provider timeout, and the provider config', () => {
    const fnId = stacks.workflows.getLogicalId(stacks.workflows.paymentTasksFn.node.defaultChild as never);
    const fn = resourcesOfType(workflows, 'AWS::Lambda::Function')[fnId]!.Properties as {
      Timeout: number;
      Environment: { Variables: Record<string, unknown> };
    };
    const timeoutMs = Number(fn.Environment.Variables.PROVIDER_TIMEOUT_MS);
    expect(fn.Environment.Variables.PAYMENT_PROVIDER).toBe('sandbox');
    expect(fn.Timeout * 1000).toBeGreaterThan(timeoutMs);
    expect(fn.Environment.Variables.WS_MANAGEMENT_ENDPOINT).toBeDefined();
  });

  const definition = loadDefinition('paymentSaga', {
    PaymentTasksFunctionArn: 'arn:aws:lambda:test:1:function:payment-tasks',
  });
  const states = definition.States as Record<string, AslState & Record<string, unknown>>;
  const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');

  it('charges, confirms, then publishes; every task is the payment tasks function', () => {
    expect(definition.StartAt).toBe('Charge');
    expect(states.Charge).toMatchObject({ Next: 'ConfirmReservation' });
    expect(states.ConfirmReservation).toMatchObject({ Next: 'Publish' });
    for (const [, task] of tasks) {
      expect(task).toMatchObject({
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'arn:aws:lambda:test:1:function:payment-tasks' },
      });
    }
  });

  it('retries only transient errors on every task, never a decline or a failed condition', () => {
    for (const [name, task] of tasks) {
      const retried = ((task.Retry ?? []) as Array<{ ErrorEquals: string[] }>).flatMap((r) => r.ErrorEquals);
      expect(retried.sort(), name).toEqual([...TRANSIENT].sort());
    }
  });

  it('compensates: a decline marks the payment failed, anything else during the charge voids it first', () => {
    const catches = states.Charge!.Catch as Array<{ ErrorEquals: string[]; Next: string }>;
    expect(catches[0]).toMatchObject({ ErrorEquals: ['PaymentDeclinedError'], Next: 'MarkFailed' });
    expect(catches.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'VoidCharge' });
    expect(states.VoidCharge).toMatchObject({ Next: 'MarkFailed' });
  });

  it('refunds when the reservation cannot be confirmed after the charge (late payment, injected fault)', () => {
    const catches = states.ConfirmReservation!.Catch as Array<{ ErrorEquals: string[]; Next: string }>;
    expect(catches).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'Refund' })]);
    expect(states.Refund).toMatchObject({ Next: 'MarkRefunded' });
    expect(states.MarkRefunded).toMatchObject({ Next: 'Refunded' });
  });

  it('ends a failed compensation visibly', () => {
    for (const name of ['VoidCharge', 'MarkFailed', 'Refund', 'MarkRefunded']) {
      const catches = states[name]!.Catch as Array<{ ErrorEquals: string[]; Next: string }>;
      expect(catches.at(-1), name).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'CompensationFailed' });
    }
    expect(states.CompensationFailed).toMatchObject({ Type: 'Fail' });
  });
});

describe('expiry backstop', () => {
  it('runs the sweep every minute, one at a time', () => {
    workflows.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    const fnId = stacks.workflows.getLogicalId(stacks.workflows.sweepExpiredFn.node.defaultChild as never);
    const fn = resourcesOfType(workflows, 'AWS::Lambda::Function')[fnId]!.Properties as {
      ReservedConcurrentExecutions: number;
    };
    expect(fn.ReservedConcurrentExecutions).toBe(1);
  });
});

describe('payment reconciler', () => {
  it('runs every 5 minutes, one at a time, and may only start and describe the payment saga', () => {
    const fnConstruct = stacks.workflows.reconcilePaymentsFn;
    const fnId = stacks.workflows.getLogicalId(fnConstruct.node.defaultChild as never);
    workflows.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [{ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } }],
    });
    const fn = resourcesOfType(workflows, 'AWS::Lambda::Function')[fnId]!.Properties as {
      ReservedConcurrentExecutions: number;
      Environment: { Variables: Record<string, unknown> };
    };
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    expect(fn.Environment.Variables.PAYMENT_SAGA_STATE_MACHINE_ARN).toBeDefined();
    const role = stacks.workflows.getLogicalId(fnConstruct.role!.node.defaultChild as never);
    const statements = Object.values(resourcesOfType(workflows, 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify((p.Properties as { Roles: unknown }).Roles).includes(role))
      .flatMap(
        (p) =>
          (p.Properties as { PolicyDocument: { Statement: { Action: unknown }[] } }).PolicyDocument.Statement,
      );
    const text = JSON.stringify(statements);
    const stateActions = statements
      .flatMap((st) => [st.Action].flat() as string[])
      .filter((a) => a.startsWith('states:'))
      .sort();
    expect(stateActions).toEqual(['states:DescribeExecution', 'states:StartExecution']);
    expect(text).toContain('execution:tiketi-dev-payment-saga:*');
    expect(text).not.toContain('hold-expiry');
  });
});

describe('who may start the workflows', () => {
  it('lets seats, reservations and payments start exactly the machines they use', () => {
    const api = Template.fromStack(stacks.api);
    const startsOf = (fn: 'seats' | 'reservations' | 'payments') => {
      const role = stacks.api.getLogicalId(stacks.api.functions.get(fn)!.role!.node.defaultChild as never);
      const policies = Object.values(resourcesOfType(api, 'AWS::IAM::Policy')).filter((p) =>
        JSON.stringify((p.Properties as { Roles: unknown }).Roles).includes(role),
      );
      const text = JSON.stringify(policies);
      return ['hold-expiry', 'payment-saga'].filter((m) => text.includes(`stateMachine:tiketi-dev-${m}`));
    };
    expect(startsOf('seats')).toEqual(['hold-expiry']);
    expect(startsOf('reservations')).toEqual(['hold-expiry']);
    expect(startsOf('payments')).toEqual(['payment-saga']);
  });

  it('lets the queue function start the admission loop and nothing else, and gives every gate the secret', () => {
    const api = Template.fromStack(stacks.api);
    const policyText = (fn: 'queue' | 'seats' | 'reservations' | 'payments' | 'events') => {
      const role = stacks.api.getLogicalId(stacks.api.functions.get(fn)!.role!.node.defaultChild as never);
      return JSON.stringify(
        Object.values(resourcesOfType(api, 'AWS::IAM::Policy')).filter((p) =>
          JSON.stringify((p.Properties as { Roles: unknown }).Roles).includes(role),
        ),
      );
    };
    const queue = policyText('queue');
    expect(queue).toContain('stateMachine:tiketi-dev-admission-loop');
    expect(queue).not.toContain('stateMachine:tiketi-dev-hold-expiry');
    expect(queue).not.toContain('stateMachine:tiketi-dev-payment-saga');
    const secretId = stacks.data.getLogicalId(stacks.data.admissionSecret.node.defaultChild as never);
    for (const fn of ['queue', 'seats', 'reservations', 'payments'] as const) {
      expect(policyText(fn), fn).toContain(secretId);
    }
    expect(policyText('events')).not.toContain(secretId);
  });
});

describe('admission loop', () => {
  const definition = loadDefinition('admissionLoop', {
    AdmissionTickFunctionArn: 'arn:aws:lambda:test:1:function:admission-tick',
  });
  const states = definition.States as Record<string, AslState & Record<string, unknown>>;

  it('is a Standard state machine whose one task is the admission tick function', () => {
    const machine = machineNamed('tiketi-dev-admission-loop');
    const { DefinitionSubstitutions, StateMachineType } = machine.Properties as {
      DefinitionSubstitutions: Record<string, unknown>;
      StateMachineType: string;
    };
    expect(StateMachineType).toBe('STANDARD');
    const fnId = stacks.workflows.getLogicalId(stacks.workflows.admissionTickFn.node.defaultChild as never);
    expect(DefinitionSubstitutions).toEqual({ AdmissionTickFunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] } });
  });

  it('ticks, waits until the next tick is due, and loops while the task says continue', () => {
    expect(definition.StartAt).toBe('Tick');
    expect(states.Tick).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'arn:aws:lambda:test:1:function:admission-tick' },
      Next: 'Continue?',
    });
    expect(states['Continue?']).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.continue', BooleanEquals: true, Next: 'WaitForNextTick' }],
      Default: 'RoomQuiet',
    });
    // Due one period after the tick started, so a long tick (many admissions to announce) is not followed by a
    // full period of waiting as well.
    expect(states.WaitForNextTick).toMatchObject({
      Type: 'Wait',
      TimestampPath: '$.nextTickAt',
      Next: 'Tick',
    });
  });

  it('retries only transient errors; any other failure waits and ticks again instead of stranding the queue', () => {
    const retried = ((states.Tick!.Retry ?? []) as Array<{ ErrorEquals: string[] }>).flatMap(
      (r) => r.ErrorEquals,
    );
    expect(retried.sort()).toEqual([...TRANSIENT].sort());
    expect(states.Tick!.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'TickFailed' },
    ]);
    expect(states.TickFailed).toMatchObject({ Type: 'Pass', Next: 'WaitAfterFailure' });
    expect(states.WaitAfterFailure).toMatchObject({ Type: 'Wait', Seconds: 5, Next: 'Tick' });
  });

  it('lets the tick start only its own machine (the hand-over) and publish', () => {
    const role = stacks.workflows.getLogicalId(
      stacks.workflows.admissionTickFn.role!.node.defaultChild as never,
    );
    const text = JSON.stringify(
      Object.values(resourcesOfType(workflows, 'AWS::IAM::Policy')).filter((p) =>
        JSON.stringify((p.Properties as { Roles: unknown }).Roles).includes(role),
      ),
    );
    expect(text).toContain('stateMachine:tiketi-dev-admission-loop');
    expect(text).not.toContain('stateMachine:tiketi-dev-payment-saga');
    expect(text).toContain('execute-api:ManageConnections');
  });

  it('alarms on queue length, admission lag and failed loops, from the tick log line', () => {
    const filters = Object.values(resourcesOfType(workflows, 'AWS::Logs::MetricFilter')).map(
      (f) =>
        f.Properties as {
          FilterPattern: string;
          MetricTransformations: { MetricName: string; MetricValue: string }[];
        },
    );
    expect(
      filters
        .map((f) => [f.MetricTransformations[0]!.MetricName, f.MetricTransformations[0]!.MetricValue])
        .sort(),
    ).toEqual([
      ['WaitingRoomAdmissionLagMs', '$.lagMs'],
      ['WaitingRoomQueueLength', '$.waiting'],
    ]);
    for (const f of filters) expect(f.FilterPattern).toContain('admission tick');
    const names = Object.values(resourcesOfType(workflows, 'AWS::CloudWatch::Alarm')).map(
      (a) => (a.Properties as { AlarmName: string }).AlarmName,
    );
    expect(names).toEqual(
      expect.arrayContaining([
        'tiketi-dev-queue-length',
        'tiketi-dev-admission-lag',
        'tiketi-dev-admission-loop-failed',
      ]),
    );
    workflows.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'tiketi-dev-queue-length',
      Threshold: 50_000,
    });
  });
});
