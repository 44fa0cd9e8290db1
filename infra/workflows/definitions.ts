import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * State machine definitions are ASL JSON files with `${Placeholder}` ARNs: CDK deploys them with
 * `DefinitionBody.fromFile` + `definitionSubstitutions`, the local stack runs the very same files with
 * aws-local-stepfunctions. They use JSONPath (not JSONata), which the local executor understands.
 *
 * This module must stay free of aws-cdk-lib imports: the local stack loads it at runtime.
 */

export const DEFINITIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'definitions');

export const DEFINITIONS = {
  holdExpiry: join(DEFINITIONS_DIR, 'hold-expiry.asl.json'),
  paymentSaga: join(DEFINITIONS_DIR, 'payment-saga.asl.json'),
  admissionLoop: join(DEFINITIONS_DIR, 'admission-loop.asl.json'),
} as const;

export type DefinitionName = keyof typeof DEFINITIONS;

/** Minimal ASL shape: enough to walk states; everything else passes through untouched. */
export interface AslDefinition {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
  readonly [key: string]: unknown;
}
export interface AslState {
  readonly Type: string;
  readonly [key: string]: unknown;
}

const PLACEHOLDER = /\$\{(\w+)\}/g;

/** Placeholder names used in a definition file, e.g. `['ReleaseHoldFunctionArn']`. */
export function placeholdersOf(name: DefinitionName): string[] {
  const text = readFileSync(DEFINITIONS[name], 'utf8');
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string))].sort();
}

function substitute(value: unknown, subs: Readonly<Record<string, string>>, file: string): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (_, key: string) => {
      const replacement = subs[key];
      if (replacement === undefined) throw new Error(`${file}: no substitution for \${${key}}`);
      return replacement;
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, subs, file));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, subs, file)]));
  }
  return value;
}

/**
 * The parsed definition with every `${Placeholder}` in string values replaced, as Step Functions sees it
 * after CloudFormation applies `DefinitionSubstitutions`. A placeholder without a substitution throws.
 */
export function loadDefinition(
  name: DefinitionName,
  substitutions: Readonly<Record<string, string>> = {},
): AslDefinition {
  const file = DEFINITIONS[name];
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return substitute(raw, substitutions, file) as AslDefinition;
}

/**
 * Task states that invoke a Lambda through `${Placeholder}` → placeholder name (e.g. `{ ReleaseHold:
 * 'ReleaseHoldFunctionArn' }`), including states nested in Parallel branches and Map processors. The local
 * stack uses it to map each task to a local handler.
 */
export function lambdaTasksOf(name: DefinitionName): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (states: Record<string, AslState>) => {
    for (const [stateName, state] of Object.entries(states)) {
      const fn = (state.Parameters as { FunctionName?: unknown } | undefined)?.FunctionName;
      const match = typeof fn === 'string' ? /^\$\{(\w+)\}$/.exec(fn) : null;
      if (state.Type === 'Task' && match?.[1]) out[stateName] = match[1];
      for (const branch of (state.Branches as AslDefinition[] | undefined) ?? []) visit(branch.States);
      const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
      if (processor) visit(processor.States);
    }
  };
  visit(loadDefinitionRaw(name).States);
  return out;
}

function loadDefinitionRaw(name: DefinitionName): AslDefinition {
  return JSON.parse(readFileSync(DEFINITIONS[name], 'utf8')) as AslDefinition;
}

/**
 * Wraps a handler as an aws-local-stepfunctions task override that behaves like `arn:aws:states:::lambda:invoke`:
 * the override receives the resolved Parameters (`{ FunctionName, Payload }`) and must return the integration's
 * result shape (`{ StatusCode, Payload }`), so `ResultSelector: { "result.$": "$.Payload" }` works unchanged.
 * A thrown error's `name` is what Retry/Catch `ErrorEquals` match, as with a real Lambda's errorType.
 */
export function lambdaInvokeOverride(
  handler: (payload: unknown) => unknown,
): (input: unknown) => Promise<{ StatusCode: number; Payload: unknown }> {
  return async (input) => {
    const payload = (input as { Payload?: unknown } | null | undefined)?.Payload;
    return { StatusCode: 200, Payload: await handler(payload) };
  };
}
