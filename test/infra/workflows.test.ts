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

const TRANSIENT = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'TransientError',
];

describe('hold-expiry state machine', () => {
  it('is a Standard state machine with full logging and tracing', () => {
    workflows.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true, Destinations: [Match.anyValue()] },
    });
  });

  it('deploys the ASL file byte for byte, with a substitution for every placeholder', () => {
    const [machine] = Object.values(resourcesOfType(workflows, 'AWS::StepFunctions::StateMachine'));
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

describe('hold-expiry definition', () => {
  const definition = loadDefinition('holdExpiry', {
    ReleaseHoldFunctionArn: 'arn:aws:lambda:test:1:function:release',
  });
  const states = definition.States as Record<string, AslState & Record<string, unknown>>;

  it('waits until expiresAt, then releases through lambda:invoke', () => {
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
      Next: 'Released',
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
