import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LambdaRuntime, type LocalFunction } from '../lambda';
import { isValidExecutionName, SfnError, StepFunctionsEmulator, stateMachineArn } from './emulator';
import { type AslMachine, buildTaskHandlers, TaskFailure, taskStateNames } from './tasks';

/** The emulator in-process with small definitions and fake handlers: no servers, no network. */

const FN_ARN = 'arn:aws:lambda:ap-northeast-2:000000000000:function:tiketi-local-echo';

const definition: AslMachine = {
  StartAt: 'Wait',
  States: {
    Wait: { Type: 'Wait', SecondsPath: '$.wait', Next: 'Work' } as never,
    Work: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: FN_ARN, 'Payload.$': '$' },
      ResultSelector: { 'result.$': '$.Payload' },
      ResultPath: '$.work',
      End: true,
    } as never,
  },
};

/** A runtime whose "modules" are plain functions, keyed by module path. */
class FakeRuntime extends LambdaRuntime {
  constructor(private readonly impl: Record<string, (event: unknown) => unknown>) {
    super('/nonexistent');
  }
  override async invoke<T>(fn: LocalFunction, event: unknown): Promise<T> {
    return (await this.impl[fn.module]!(event)) as T;
  }
}

const echo: LocalFunction = {
  name: 'tiketi-local-echo',
  module: 'echo',
  exportName: 'handler',
  timeoutMs: 1000,
};

function emulatorWith(handler: (event: unknown) => unknown, persistFile?: string) {
  const emulator = new StepFunctionsEmulator({ persistFile });
  const runtime = new FakeRuntime({ echo: handler });
  const machine = emulator.register({
    name: 'test',
    definition,
    taskHandlers: buildTaskHandlers(definition, new Map([[FN_ARN, echo]]), runtime),
  });
  return { emulator, machine };
}

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe('StepFunctionsEmulator', () => {
  it('runs a lambda:invoke Task through the local handler and records SUCCEEDED with the output', async () => {
    const { emulator, machine } = emulatorWith((e) => ({ got: e }));
    const exec = emulator.start({ stateMachineArn: machine.arn, name: 'one', input: '{"wait":0,"x":1}' });
    expect(exec.status).toBe('RUNNING');
    expect(exec.executionArn).toBe('arn:aws:states:ap-northeast-2:000000000000:execution:test:one');
    await emulator.idle();
    const done = emulator.describe({ executionArn: exec.executionArn });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ wait: 0, x: 1, work: { result: { got: { wait: 0, x: 1 } } } });
  });

  it('records FAILED with the handler error name (what Retry/Catch match) and its cause', async () => {
    const { emulator, machine } = emulatorWith(() => {
      const e = new Error('db down');
      e.name = 'TransientError';
      throw e;
    });
    const exec = emulator.start({ stateMachineArn: machine.arn, input: '{"wait":0}' });
    await emulator.idle();
    const done = emulator.describe({ executionArn: exec.executionArn });
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('TransientError');
    expect(JSON.parse(done.cause!)).toMatchObject({ errorType: 'TransientError', errorMessage: 'db down' });
  });

  it('aborts on stop, enforces name uniqueness and validates input', async () => {
    const { emulator, machine } = emulatorWith(() => ({}));
    const exec = emulator.start({ stateMachineArn: machine.arn, name: 'n', input: '{"wait":60}' });
    expect(emulator.start({ stateMachineArn: machine.arn, name: 'n', input: '{"wait":60}' })).toBe(exec);
    expect(() => emulator.start({ stateMachineArn: machine.arn, name: 'n', input: '{"wait":1}' })).toThrow(
      expect.objectContaining({ type: 'ExecutionAlreadyExists' }),
    );
    emulator.stop({ executionArn: exec.executionArn });
    await emulator.idle();
    expect(emulator.describe({ executionArn: exec.executionArn }).status).toBe('ABORTED');
    expect(() => emulator.start({ stateMachineArn: machine.arn, input: 'nope' })).toThrow(
      expect.objectContaining({ type: 'InvalidExecutionInput' }),
    );
    expect(() => emulator.start({ stateMachineArn: 'arn:bad' })).toThrow(
      expect.objectContaining({ type: 'InvalidArn' }),
    );
    expect(() => emulator.start({ stateMachineArn: stateMachineArn('missing') })).toThrow(
      expect.objectContaining({ type: 'StateMachineDoesNotExist' }),
    );
    expect(() => emulator.describe({ executionArn: `${exec.executionArn}x` })).toThrow(SfnError);
  });

  it('persists executions and resumes the ones still running after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfn-'));
    dirs.push(dir);
    const file = join(dir, 'executions.json');
    const first = emulatorWith(() => ({ n: 1 }), file);
    const exec = first.emulator.start({ stateMachineArn: first.machine.arn, name: 'r', input: '{"wait":1}' });
    await first.emulator.close();
    expect(first.emulator.describe({ executionArn: exec.executionArn }).status).toBe('RUNNING');

    const second = emulatorWith(() => ({ n: 2 }), file);
    expect(second.emulator.resume()).toBe(1);
    await second.emulator.idle();
    const done = second.emulator.describe({ executionArn: exec.executionArn });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!).work.result).toEqual({ n: 2 });
  });
});

describe('task mapping', () => {
  it('finds Task states in branches and fails unmapped ones without calling AWS', async () => {
    const machine: AslMachine = {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Inner',
              States: { Inner: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage' } },
            },
          ],
        },
      },
    };
    expect(taskStateNames(machine)).toEqual(['Inner']);
    const handlers = buildTaskHandlers(machine, new Map(), new FakeRuntime({}));
    await expect(handlers.Inner!({})).rejects.toBeInstanceOf(TaskFailure);
  });

  it('passes a bare function ARN Task result through unwrapped', async () => {
    const machine: AslMachine = { StartAt: 'T', States: { T: { Type: 'Task', Resource: FN_ARN } } };
    const handlers = buildTaskHandlers(
      machine,
      new Map([[FN_ARN, echo]]),
      new FakeRuntime({ echo: (e) => ({ e }) }),
    );
    expect(await handlers.T!({ a: 1 })).toEqual({ e: { a: 1 } });
  });
});

describe('execution names', () => {
  it('follow the AWS rules', () => {
    expect(isValidExecutionName('hold-123_abc')).toBe(true);
    for (const bad of ['', 'a b', 'a:b', 'a/b', 'x'.repeat(81), 'a?b', 'tab\tx']) {
      expect(isValidExecutionName(bad)).toBe(false);
    }
  });
});
