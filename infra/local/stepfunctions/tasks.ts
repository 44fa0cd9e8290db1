import type { LambdaRuntime, LocalFunction } from '../lambda';

/**
 * Maps the Lambda Task states of an ASL definition to local handlers. Both Lambda styles are understood:
 * the optimized integration (`arn:aws:states:::lambda:invoke` with `Parameters.FunctionName`, whose result
 * is wrapped in `{ Payload, StatusCode, … }`) and a bare function ARN in `Resource` (result passed through).
 * Every other Task state gets a handler that fails loudly: nothing here may ever call real AWS.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type TaskHandler = (input: Json) => Promise<Json>;

interface AslState {
  Type?: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  Branches?: AslMachine[];
  Iterator?: AslMachine;
  ItemProcessor?: AslMachine;
}
export interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
}

/** An error whose name is what `Retry`/`Catch` match on, like Step Functions reports a Lambda error. */
export class TaskFailure extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const LAMBDA_INVOKE = /^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/;

/** `arn:…:function:name`, `…:name:alias` and a bare `name` all refer to the same local function. */
function sameFunction(ref: unknown, arn: string): boolean {
  if (typeof ref !== 'string') return false;
  const name = arn.split(':').pop();
  return ref === arn || ref.startsWith(`${arn}:`) || ref === name;
}

function lambdaError(error: unknown): TaskFailure {
  const err = error instanceof Error ? error : new Error(String(error));
  const name = err.name && err.name !== 'Error' ? err.name : 'Error';
  const cause = JSON.stringify({
    errorType: name,
    errorMessage: err.message,
    trace: err.stack?.split('\n') ?? [],
  });
  return new TaskFailure(name, cause);
}

export function taskStateNames(machine: AslMachine): string[] {
  const names: string[] = [];
  const walk = (m: AslMachine) => {
    for (const [name, state] of Object.entries(m.States)) {
      if (state.Type === 'Task') names.push(name);
      for (const branch of state.Branches ?? []) walk(branch);
      const inner = state.ItemProcessor ?? state.Iterator;
      if (inner) walk(inner);
    }
  };
  walk(machine);
  return names;
}

/** Finds a Task state by name anywhere in the definition (names are unique machine-wide in ASL). */
function findState(machine: AslMachine, stateName: string): AslState | undefined {
  const direct = machine.States[stateName];
  if (direct) return direct;
  for (const state of Object.values(machine.States)) {
    for (const branch of state.Branches ?? []) {
      const found = findState(branch, stateName);
      if (found) return found;
    }
    const inner = state.ItemProcessor ?? state.Iterator;
    const found = inner && findState(inner, stateName);
    if (found) return found;
  }
  return undefined;
}

export function buildTaskHandlers(
  machine: AslMachine,
  functions: ReadonlyMap<string, LocalFunction>,
  runtime: LambdaRuntime,
): Record<string, TaskHandler> {
  const handlers: Record<string, TaskHandler> = {};
  for (const stateName of taskStateNames(machine)) {
    const state = findState(machine, stateName) ?? {};
    const resource = state.Resource ?? '';
    const optimized = LAMBDA_INVOKE.test(resource);
    const target = optimized ? state.Parameters?.FunctionName : resource;
    const entry = [...functions].find(([arn]) => sameFunction(target, arn));

    if (!entry) {
      handlers[stateName] = async () => {
        throw new TaskFailure(
          'States.TaskFailed',
          `The local Step Functions executor has no handler for Task state "${stateName}" (${String(target || resource)})`,
        );
      };
      continue;
    }
    const fn = entry[1];
    handlers[stateName] = async (input) => {
      const payload =
        optimized &&
        input !== null &&
        typeof input === 'object' &&
        !Array.isArray(input) &&
        'Payload' in input
          ? (input.Payload as Json)
          : input;
      let result: unknown;
      try {
        result = await runtime.invoke(fn, payload);
      } catch (error) {
        throw lambdaError(error);
      }
      const json = (result === undefined ? null : JSON.parse(JSON.stringify(result))) as Json;
      if (!optimized) return json;
      return { ExecutedVersion: '$LATEST', Payload: json, StatusCode: 200 };
    };
  }
  return handlers;
}
