import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildTiketi, type TiketiStacks } from '../../infra/lib/app';
import { type StageName, stageConfig } from '../../infra/lib/config';
import { repoPath } from '../../infra/lib/paths';

export interface SynthOptions {
  readonly stage?: StageName;
  /** Register cdk-nag like bin/app.ts does (synthesis then fails on any unacknowledged finding). */
  readonly nag?: boolean;
  /** `-c tossClientKey`; an empty string leaves it out. */
  readonly tossClientKey?: string;
  /** `-c originSecretGeneration` (rotation of CloudFront's origin secret). */
  readonly originSecretGeneration?: number;
}

/**
 * Builds the app exactly as `cdk synth` does (same cdk.json context, same stacks), except that NodejsFunction
 * bundling is skipped: esbuild would dominate the suite's run time and needs every handler to compile.
 */
export function buildTestApp(options: SynthOptions = {}): { app: App; stacks: TiketiStacks } {
  const cdkJson = JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const stage = options.stage ?? 'dev';
  const app = new App({
    context: { ...cdkJson.context, stage, 'aws:cdk:bundling-stacks': [] },
  });
  // The public Toss client key comes with `cdk deploy -c tossClientKey=…` for stages that take real payments.
  const stacks = buildTiketi(
    app,
    stageConfig(stage, {
      tossClientKey: options.tossClientKey ?? 'test_ck_infra',
      originSecretGeneration: options.originSecretGeneration,
    }),
    {
      webDistDir: null,
    },
  );
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stacks };
}

/** Asset hashes and S3 keys change with every code edit; snapshots keep the infrastructure, not the bytes. */
export function stripAssetHashes(template: unknown): unknown {
  const json = JSON.stringify(template)
    .replace(/"S3Key":"[^"]*"/g, '"S3Key":"<S3Key>"')
    .replace(/[0-9a-f]{64}/g, '<hash>');
  return JSON.parse(json);
}

/** Logical-id → resource map of one type. */
export function resourcesOfType(
  template: { toJSON(): Record<string, unknown> },
  type: string,
): Record<string, { Properties: Record<string, unknown> }> {
  const resources = (template.toJSON().Resources ?? {}) as Record<
    string,
    { Type: string; Properties: Record<string, unknown> }
  >;
  return Object.fromEntries(Object.entries(resources).filter(([, r]) => r.Type === type));
}
