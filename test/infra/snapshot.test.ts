import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildTestApp, stripAssetHashes } from './support';

/** One snapshot per stack (dev), asset hashes stripped: reviews see infrastructure diffs, not code churn. */
describe('stack snapshots (dev)', () => {
  const { stacks } = buildTestApp();

  it.each(Object.keys(stacks))('%s', (name) => {
    const template = Template.fromStack(stacks[name as keyof typeof stacks]).toJSON();
    expect(JSON.stringify(template)).not.toContain('/work/');
    expect(stripAssetHashes(template)).toMatchSnapshot();
  });
});
