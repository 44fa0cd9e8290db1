import './polyfill';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
} from 'aws-local-stepfunctions';
import { LOCAL_AWS } from '../dynamo';
import type { AslMachine, TaskHandler } from './tasks';

/**
 * Step Functions semantics the handlers rely on, on top of aws-local-stepfunctions: named executions with
 * AWS's uniqueness rule, RUNNING → SUCCEEDED | FAILED | TIMED_OUT | ABORTED bookkeeping, StopExecution, and
 * AWS-shaped errors. With a `persistFile`, executions survive a restart: those still RUNNING are re-run from
 * the start with their original input (our definitions are idempotent: hold expiry waits until `expiresAt`,
 * which is then past, and releasing is a no-op if already done).
 */

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  /** Epoch milliseconds. */
  startDate: number;
  stopDate?: number;
}

export interface StateMachineRecord {
  name: string;
  arn: string;
  definition: AslMachine;
  taskHandlers: Record<string, TaskHandler>;
}

/** An error the API returns as `{ __type, message }` with HTTP 400 (AWS JSON 1.0 protocol). */
export class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const MAX_INPUT_BYTES = 256 * 1024;
const KEEP_CLOSED = 1000;
/** Characters AWS refuses in execution names (besides whitespace and control characters). */
const NAME_FORBIDDEN = new Set('<>{}[]?*"#%\\^|~`$&,;:/');

export function stateMachineArn(name: string): string {
  return `arn:aws:states:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:stateMachine:${name}`;
}

export function executionArn(machineName: string, name: string): string {
  return `arn:aws:states:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:execution:${machineName}:${name}`;
}

export function isValidExecutionName(name: string): boolean {
  if (name.length < 1 || name.length > 80) return false;
  for (const ch of name) {
    const code = ch.codePointAt(0) ?? 0;
    if (NAME_FORBIDDEN.has(ch) || /\s/.test(ch) || code <= 0x1f || (code >= 0x7f && code <= 0x9f))
      return false;
  }
  return true;
}

interface Running {
  abort: () => void;
  /** Set when StopExecution (not a shutdown) ended it. */
  stopped: boolean;
  done: Promise<void>;
}

export interface EmulatorOptions {
  persistFile?: string;
  /** Called when an execution ends with FAILED or TIMED_OUT (e.g. to print it). */
  onFailure?: (record: ExecutionRecord) => void;
}

export class StepFunctionsEmulator {
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, Running>();
  private closed = false;

  constructor(private readonly options: EmulatorOptions = {}) {
    if (options.persistFile) this.load(options.persistFile);
  }

  register(machine: Omit<StateMachineRecord, 'arn'> & { arn?: string }): StateMachineRecord {
    const record = { ...machine, arn: machine.arn ?? stateMachineArn(machine.name) };
    this.machines.set(record.arn, record);
    return record;
  }

  stateMachines(): StateMachineRecord[] {
    return [...this.machines.values()];
  }

  /** Re-runs executions that were RUNNING when the previous process stopped (call after registering). */
  resume(): number {
    let resumed = 0;
    for (const record of this.executions.values()) {
      if (record.status !== 'RUNNING' || this.running.has(record.executionArn)) continue;
      const machine = this.machines.get(record.stateMachineArn);
      if (!machine) continue;
      this.run(machine, record);
      resumed++;
    }
    return resumed;
  }

  start(params: { stateMachineArn?: unknown; name?: unknown; input?: unknown }): ExecutionRecord {
    if (this.closed) throw new SfnError('ServiceUnavailable', 'The emulator is shutting down', 503);
    const arn = params.stateMachineArn;
    if (typeof arn !== 'string' || !/^arn:aws:states:[^:]+:\d{12}:stateMachine:[^:]+$/.test(arn)) {
      throw new SfnError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
    }
    const machine = this.machines.get(arn);
    if (!machine) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);

    const name = params.name === undefined ? randomUUID() : params.name;
    if (typeof name !== 'string' || !isValidExecutionName(name)) {
      throw new SfnError('InvalidName', `Invalid Name: '${String(name)}'`);
    }
    const input = params.input === undefined ? '{}' : params.input;
    if (typeof input !== 'string') throw new SfnError('InvalidExecutionInput', 'Input must be a JSON string');
    if (Buffer.byteLength(input) > MAX_INPUT_BYTES) {
      throw new SfnError('InvalidExecutionInput', 'Input exceeds the maximum size of 262144 bytes');
    }
    try {
      JSON.parse(input);
    } catch {
      throw new SfnError(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: '${input.slice(0, 100)}'`,
      );
    }

    const execArn = executionArn(machine.name, name);
    const existing = this.executions.get(execArn);
    if (existing) {
      // AWS: the same name and input while still RUNNING is an idempotent retry; anything else is a conflict.
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${execArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn: execArn,
      stateMachineArn: arn,
      name,
      status: 'RUNNING',
      input,
      startDate: Date.now(),
    };
    this.executions.set(execArn, record);
    this.run(machine, record);
    this.save();
    return record;
  }

  stop(params: { executionArn?: unknown; error?: unknown; cause?: unknown }): ExecutionRecord {
    const record = this.get(params.executionArn);
    const running = this.running.get(record.executionArn);
    if (record.status === 'RUNNING') {
      record.status = 'ABORTED';
      record.stopDate = Date.now();
      if (typeof params.error === 'string') record.error = params.error;
      if (typeof params.cause === 'string') record.cause = params.cause;
      this.save();
    }
    if (running) {
      running.stopped = true;
      running.abort();
    }
    return record;
  }

  describe(params: { executionArn?: unknown }): ExecutionRecord {
    return this.get(params.executionArn);
  }

  list(params: {
    stateMachineArn?: unknown;
    statusFilter?: unknown;
    maxResults?: unknown;
    nextToken?: unknown;
  }) {
    const arn = params.stateMachineArn;
    if (typeof arn !== 'string' || !this.machines.has(arn)) {
      throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
    }
    const max =
      typeof params.maxResults === 'number' && params.maxResults > 0
        ? Math.min(params.maxResults, 1000)
        : 100;
    const offset = typeof params.nextToken === 'string' ? Number.parseInt(params.nextToken, 10) || 0 : 0;
    const all = [...this.executions.values()]
      .filter((e) => e.stateMachineArn === arn && (!params.statusFilter || e.status === params.statusFilter))
      .sort((a, b) => b.startDate - a.startDate);
    const page = all.slice(offset, offset + max);
    return { executions: page, nextToken: offset + max < all.length ? String(offset + max) : undefined };
  }

  /** Waits for every running execution to settle (tests). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Aborts running executions without recording it, so a persistent stack resumes them next time. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.running.values()];
    for (const r of pending) r.abort();
    await Promise.allSettled(pending.map((r) => r.done));
    this.save();
  }

  private get(arn: unknown): ExecutionRecord {
    if (typeof arn !== 'string' || !/^arn:aws:states:[^:]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn)) {
      throw new SfnError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
    }
    const record = this.executions.get(arn);
    if (!record) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return record;
  }

  private run(machine: StateMachineRecord, record: ExecutionRecord): void {
    // Definitions were validated when registered; skip the per-run validation cost.
    const sm = new StateMachine(machine.definition as ConstructorParameters<typeof StateMachine>[0], {
      validationOptions: { noValidate: true },
    });
    const execution = sm.run(JSON.parse(record.input), {
      overrides: { taskResourceLocalHandlers: machine.taskHandlers },
      context: {
        Execution: {
          Id: record.executionArn,
          Name: record.name,
          StartTime: new Date(record.startDate).toISOString(),
        },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
    });
    const entry: Running = { abort: execution.abort, stopped: false, done: Promise.resolve() };
    entry.done = execution.result.then(
      (output) => this.finish(record, entry, { status: 'SUCCEEDED', output: JSON.stringify(output ?? null) }),
      (error: unknown) => this.finish(record, entry, failureOf(error)),
    );
    this.running.set(record.executionArn, entry);
  }

  private finish(record: ExecutionRecord, entry: Running, outcome: Partial<ExecutionRecord> | null): void {
    this.running.delete(record.executionArn);
    // Aborted by StopExecution (already recorded) or by shutdown (stays RUNNING, resumed on next start).
    if (outcome === null || entry.stopped || record.status !== 'RUNNING') return;
    Object.assign(record, outcome, { stopDate: Date.now() });
    if (outcome.status === 'FAILED' || outcome.status === 'TIMED_OUT') this.options.onFailure?.(record);
    this.save();
  }

  private load(file: string): void {
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as ExecutionRecord[];
      for (const record of saved) this.executions.set(record.executionArn, record);
    } catch {
      // No file yet (first start) or unreadable: start with no history.
    }
  }

  private save(): void {
    const file = this.options.persistFile;
    if (!file) return;
    const all = [...this.executions.values()];
    const closed = all
      .filter((e) => e.status !== 'RUNNING')
      .sort((a, b) => (b.stopDate ?? 0) - (a.stopDate ?? 0));
    for (const old of closed.slice(KEEP_CLOSED)) this.executions.delete(old.executionArn);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify([...this.executions.values()]));
    renameSync(`${file}.tmp`, file);
  }
}

function failureOf(error: unknown): Partial<ExecutionRecord> | null {
  if (error instanceof ExecutionAbortedError) return null;
  if (error instanceof ExecutionTimeoutError) {
    return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out' };
  }
  const cause = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Error) return { status: 'FAILED', error: cause.name, cause: cause.message };
  return { status: 'FAILED', error: 'States.Runtime', cause: String(cause) };
}

/** Validates a definition once, at registration, with the library's ASL validator. */
export function validateDefinition(definition: AslMachine): void {
  new StateMachine(definition as ConstructorParameters<typeof StateMachine>[0], {
    validationOptions: { checkPaths: true, checkArn: true },
  });
}
