import { defineConfig } from 'vitest/config';

// One runner, four suites. `unit` needs no network; `integration` and `e2e` run against the local stack's
// real components (started once per suite by test/support/global-setup.ts); `infra` synthesizes the CDK app.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'functions/**/*.test.ts',
            'shared/**/*.test.ts',
            'infra/local/**/*.test.ts',
            'web/src/**/*.test.{ts,tsx}',
            'test/bench/**/*.test.ts',
            'test/repo/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          // One stack, many files: files run one at a time so row-count assertions are not disturbed.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
