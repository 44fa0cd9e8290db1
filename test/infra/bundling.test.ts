import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildTiketi } from '../../infra/lib/app';
import { stageConfig } from '../../infra/lib/config';
import { ESM_REQUIRE_BANNER } from '../../infra/lib/lambda';
import { repoPath } from '../../infra/lib/paths';
import { MIGRATIONS_DIR } from '../../infra/lib/stacks/data-stack';
import { resourcesOfType } from './support';

/**
 * The other infra tests skip esbuild. This one bundles the data stack only (two small functions) to check
 * what the skipped path cannot: ESM output with the require banner, and migrations copied next to the bundle.
 */
const migrateEntry = repoPath('functions/db/migrate-handler.ts');

describe.skipIf(!existsSync(migrateEntry))('esbuild bundling (data stack)', () => {
  it('bundles ESM with the createRequire banner and ships the SQL migrations', () => {
    const cdkJson = JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as {
      context: Record<string, unknown>;
    };
    const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': ['tiketi-dev-data'] } });
    const { data } = buildTiketi(app, stageConfig('dev'), { webDistDir: null });
    const assembly = app.synth();
    const template = Template.fromStack(data);

    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    const migrateId = data.getLogicalId(data.node.findChild('MigrateFn').node.defaultChild as never);
    const key = (functions[migrateId]!.Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
    const bundleDir = join(assembly.directory, `asset.${key}`);

    const code = readFileSync(join(bundleDir, 'index.mjs'), 'utf8');
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(existsSync(join(bundleDir, 'index.mjs.map'))).toBe(true);

    const expected = readdirSync(repoPath(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql'));
    expect(expected.length).toBeGreaterThan(0);
    expect(readdirSync(join(bundleDir, 'migrations')).sort()).toEqual(expected.sort());
  });
});
