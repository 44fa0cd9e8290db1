import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFINITIONS, type DefinitionName, placeholdersOf } from '../infra/workflows/definitions';
import { FUNCTIONS } from '../shared/routes';
import { functionsTriggeredBy, MANIFEST, MANIFEST_NAMES, type WorkflowName } from './manifest';
import { configParts } from './shared/config';

/**
 * functions/manifest.ts is the one list of functions: the route table, the entry files, their cold-start config
 * and the workflows' Task states must all agree with it (CDK and the local stack build from it).
 */
const ROOT = join(import.meta.dirname, '..');
const source = (entry: string) => readFileSync(join(ROOT, entry), 'utf8');
const WORKFLOW_DEFINITION: Record<WorkflowName, DefinitionName> = {
  'hold-expiry': 'holdExpiry',
  'payment-saga': 'paymentSaga',
  'admission-loop': 'admissionLoop',
};

describe('the function manifest', () => {
  it('has every route-table function, served by functions/<fn>/handler.ts from REST', () => {
    for (const fn of FUNCTIONS) {
      expect(MANIFEST[fn], fn).toMatchObject({
        entry: `functions/${fn}/handler.ts`,
        trigger: { kind: 'rest' },
      });
    }
    expect(functionsTriggeredBy('rest').sort()).toEqual([...FUNCTIONS].sort());
  });

  it('names entry files that exist and export the declared handler', () => {
    for (const name of MANIFEST_NAMES) {
      const { entry, handler } = MANIFEST[name];
      expect(existsSync(join(ROOT, entry)), entry).toBe(true);
      expect(source(entry), `${entry} exports ${handler}`).toMatch(
        new RegExp(`export (const|async function|function) ${handler}\\b`),
      );
    }
  });

  it('is what every entry reads its configuration from (loadConfig(MANIFEST.<fn>.parts)), at cold start', () => {
    const missing = MANIFEST_NAMES.filter((name) => {
      const text = source(MANIFEST[name].entry);
      // The two authorizers share a file and a cold start: one of their (identical) part lists is read.
      return !text.includes(`loadConfig(MANIFEST.${name}.parts)`) && name !== 'wsAuthorizer';
    });
    expect(missing).toEqual([]);
    expect(MANIFEST.wsAuthorizer.parts).toEqual(MANIFEST.authorizer.parts);
  });

  it('declares only config parts that exist, each once', () => {
    for (const name of MANIFEST_NAMES) {
      const parts = MANIFEST[name].parts as readonly string[];
      for (const part of parts) expect(Object.keys(configParts), `${name}: ${part}`).toContain(part);
      expect(new Set(parts).size, name).toBe(parts.length);
    }
  });

  it("binds every Task placeholder of every workflow, and nothing the workflows don't use", () => {
    const bound = functionsTriggeredBy('task').map((fn) => {
      const t = MANIFEST[fn].trigger as { workflow: WorkflowName; placeholder: string };
      return `${WORKFLOW_DEFINITION[t.workflow]}:${t.placeholder}`;
    });
    const used = (Object.keys(DEFINITIONS) as DefinitionName[]).flatMap((d) =>
      placeholdersOf(d)
        .filter((p) => p.endsWith('FunctionArn'))
        .map((p) => `${d}:${p}`),
    );
    expect(bound.sort()).toEqual(used.sort());
  });

  it('gives every function its own name', () => {
    const names = MANIFEST_NAMES.map((n) => MANIFEST[n].name);
    expect(new Set(names).size).toBe(names.length);
  });
});
