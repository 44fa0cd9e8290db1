import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { functionArn, type LambdaRuntime, type LocalFunction, localFunction, REPO_ROOT } from '../lambda';
import { type StepFunctionsEmulator, stateMachineArn, validateDefinition } from './emulator';
import { type AslMachine, buildTaskHandlers } from './tasks';

/**
 * The state machines the local stack runs: the very ASL files CDK deploys (infra/workflows/definitions),
 * loaded with the same `loadDefinition(name, substitutions)`, with `${…FunctionArn}` placeholders bound to
 * local function ARNs whose Task states run the local handlers.
 */

export interface LocalStateMachineSpec {
  /** State machine name suffix: `tiketi-local-<name>`, as CDK names it `tiketi-<stage>-<name>`. */
  name: string;
  /** Key of the definition in infra/workflows/definitions.ts (`DEFINITIONS`). */
  definition: string;
  /** Handler environment variable carrying the state machine ARN. */
  envVar: string;
  /** Definition placeholder → local function it stands for. */
  tasks: Record<string, LocalFunction>;
}

export const LOCAL_STATE_MACHINES: readonly LocalStateMachineSpec[] = [
  {
    name: 'hold-expiry',
    definition: 'holdExpiry',
    envVar: 'HOLD_EXPIRY_STATE_MACHINE_ARN',
    tasks: { ReleaseHoldFunctionArn: localFunction('release-hold', 'functions/seats/release-hold.ts') },
  },
  {
    name: 'payment-saga',
    definition: 'paymentSaga',
    envVar: 'PAYMENT_SAGA_STATE_MACHINE_ARN',
    tasks: { PaymentTasksFunctionArn: localFunction('payment-tasks', 'functions/payments/saga.ts') },
  },
  {
    name: 'admission-loop',
    definition: 'admissionLoop',
    envVar: 'ADMISSION_LOOP_STATE_MACHINE_ARN',
    tasks: { AdmissionTickFunctionArn: localFunction('admission-tick', 'functions/queue/admission-tick.ts') },
  },
];

export const localMachineName = (name: string) => `tiketi-local-${name}`;
export const localMachineArn = (name: string) => stateMachineArn(localMachineName(name));

const DEFINITIONS_MODULE = 'infra/workflows/definitions.ts';
const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/**
 * Placeholders the definition uses that the spec does not bind: a `${XFunctionArn}` gets a local ARN (its Task
 * state then fails with "no local handler" instead of the whole machine failing to load).
 */
function extraSubstitutions(spec: LocalStateMachineSpec, mod: DefinitionsModule): Record<string, string> {
  const extra: Record<string, string> = {};
  for (const placeholder of mod.placeholdersOf?.(spec.definition) ?? []) {
    if (placeholder in spec.tasks) continue;
    const fn = /^(\w+)FunctionArn$/.exec(placeholder)?.[1];
    if (fn) extra[placeholder] = functionArn(`tiketi-local-${kebab(fn)}`);
  }
  return extra;
}

interface DefinitionsModule {
  loadDefinition?: (name: string, substitutions: Record<string, string>) => unknown;
  placeholdersOf?: (name: string) => string[];
}

export interface RegistrationResult {
  registered: string[];
  problems: string[];
}

export async function registerStateMachines(
  emulator: StepFunctionsEmulator,
  runtime: LambdaRuntime,
  specs: readonly LocalStateMachineSpec[] = LOCAL_STATE_MACHINES,
): Promise<RegistrationResult> {
  const result: RegistrationResult = { registered: [], problems: [] };
  const file = join(REPO_ROOT, DEFINITIONS_MODULE);
  if (!existsSync(file)) {
    result.problems.push(`${DEFINITIONS_MODULE} not found: no state machines registered`);
    return result;
  }
  const mod = (await import(pathToFileURL(file).href)) as DefinitionsModule;
  if (typeof mod.loadDefinition !== 'function') {
    result.problems.push(`${DEFINITIONS_MODULE} does not export loadDefinition()`);
    return result;
  }
  for (const spec of specs) {
    try {
      const substitutions = {
        ...extraSubstitutions(spec, mod),
        ...Object.fromEntries(Object.entries(spec.tasks).map(([key, fn]) => [key, functionArn(fn.name)])),
      };
      const loaded = await mod.loadDefinition(spec.definition, substitutions);
      const definition = (typeof loaded === 'string' ? JSON.parse(loaded) : loaded) as AslMachine;
      validateDefinition(definition);
      const functions = new Map(Object.values(spec.tasks).map((fn) => [functionArn(fn.name), fn] as const));
      emulator.register({
        name: localMachineName(spec.name),
        definition,
        taskHandlers: buildTaskHandlers(definition, functions, runtime),
      });
      result.registered.push(localMachineName(spec.name));
    } catch (error) {
      result.problems.push(`${spec.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return result;
}
