import { functionsTriggeredBy, MANIFEST, type WorkflowName } from '../../../functions/manifest';
import { type DefinitionName, loadDefinition, placeholdersOf } from '../../workflows/definitions';
import { fromManifest, functionArn, type LambdaRuntime, type LocalFunction } from '../lambda';
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
  definition: DefinitionName;
  /** Handler environment variable carrying the state machine ARN. */
  envVar: string;
  /** Definition placeholder → local function it stands for. */
  tasks: Record<string, LocalFunction>;
}

/** Each workflow with the handler environment variable carrying its ARN; its tasks come from the manifest. */
const WORKFLOWS: readonly { name: WorkflowName; definition: DefinitionName; envVar: string }[] = [
  { name: 'hold-expiry', definition: 'holdExpiry', envVar: 'HOLD_EXPIRY_STATE_MACHINE_ARN' },
  { name: 'payment-saga', definition: 'paymentSaga', envVar: 'PAYMENT_SAGA_STATE_MACHINE_ARN' },
  { name: 'admission-loop', definition: 'admissionLoop', envVar: 'ADMISSION_LOOP_STATE_MACHINE_ARN' },
];

export const LOCAL_STATE_MACHINES: readonly LocalStateMachineSpec[] = WORKFLOWS.map((w) => ({
  ...w,
  tasks: Object.fromEntries(
    functionsTriggeredBy('task').flatMap((fn) => {
      const trigger = MANIFEST[fn].trigger as { workflow: WorkflowName; placeholder: string };
      return trigger.workflow === w.name ? [[trigger.placeholder, fromManifest(fn)]] : [];
    }),
  ),
}));

export const localMachineName = (name: string) => `tiketi-local-${name}`;
export const localMachineArn = (name: string) => stateMachineArn(localMachineName(name));

const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/**
 * Placeholders the definition uses that the spec does not bind: a `${XFunctionArn}` gets a local ARN (its Task
 * state then fails with "no local handler" instead of the whole machine failing to load).
 */
function extraSubstitutions(spec: LocalStateMachineSpec): Record<string, string> {
  const extra: Record<string, string> = {};
  for (const placeholder of placeholdersOf(spec.definition)) {
    if (placeholder in spec.tasks) continue;
    const fn = /^(\w+)FunctionArn$/.exec(placeholder)?.[1];
    if (fn) extra[placeholder] = functionArn(`tiketi-local-${kebab(fn)}`);
  }
  return extra;
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
  for (const spec of specs) {
    try {
      const substitutions = {
        ...extraSubstitutions(spec),
        ...Object.fromEntries(Object.entries(spec.tasks).map(([key, fn]) => [key, functionArn(fn.name)])),
      };
      const loaded: unknown = loadDefinition(spec.definition, substitutions);
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
