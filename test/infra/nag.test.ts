import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { STAGE_NAMES } from '../../infra/lib/config';
import { buildTestApp } from './support';

/**
 * cdk-nag v3 is a policy-validation plugin: findings go to the validation report and fail synthesis instead of
 * becoming annotations. So: synthesize with the plugin registered (as bin/app.ts does), run the pack directly
 * for a readable list of anything left, and keep the annotation check for CDK's own errors/warnings.
 */
describe.each(STAGE_NAMES)('cdk-nag AwsSolutions (%s)', (stage) => {
  const { app, stacks } = buildTestApp({ stage, nag: true });

  it('synthesizes with the AwsSolutions plugin registered (any finding would fail synthesis)', () => {
    expect(() => app.synth()).not.toThrow();
  });

  it.each(Object.keys(stacks))('%s has no unacknowledged findings', (name) => {
    const stack = stacks[name as keyof typeof stacks];
    const report = new AwsSolutionsChecks().validateScope(stack);
    const findings = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath ?? r.resourceLogicalId}`),
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);

    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
  });
});

describe('cdk-nag wiring', () => {
  it('fails synthesis on an unacknowledged finding (negative control)', () => {
    const app = new App();
    new s3.Bucket(new Stack(app, 'Bad'), 'NoLogsNoTls');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });
});
