import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT } from '../../infra/local/lambda';
import { startLocalStack } from '../../infra/local/stack';
import type { StackInfo } from './provided';

/**
 * Vitest globalSetup for the integration and e2e projects: one local stack (real PostgreSQL, Redis, dynalite,
 * Step Functions executor and API gateway) on free ports with a fresh data directory, shared by every test
 * file through `inject('stack')`, stopped and deleted afterwards.
 */
export default async function setup(project: TestProject) {
  // Under the repo's .local (not /tmp) so the postgres user can traverse it; removed in teardown.
  const dataDir = join(REPO_ROOT, '.local', `test-${process.pid}`);
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });

  // Test-only switches (the race test's seat-guard bypass): honoured by handlers only in the local stage.
  process.env.TIKETI_TEST_SWITCHES = '1';
  // Every suite signs up hundreds of users from the loopback address; the sign-in/sign-up throttle test uses
  // other loopback addresses (127.0.0.x), which keep the deployed limits.
  process.env.AUTH_THROTTLE_EXEMPT_IPS ??= '127.0.0.1,::1';
  const started = performance.now();
  const stack = await startLocalStack({
    dataDir,
    port: 0,
    ephemeralPorts: true,
    webMode: existsSync(join(REPO_ROOT, 'web', 'dist', 'index.html')) ? 'static' : 'none',
    quiet: true,
    migrateAndSeed: true,
    // Short enough for a test to observe, long enough never to bite a normal one.
    wsIdleTimeoutMs: Number(process.env.TIKETI_TEST_WS_IDLE_MS ?? 60_000),
    onNote: (note) => console.warn(`[local stack] ${note}`),
  });
  const startMs = Math.round(performance.now() - started);
  if (process.env.TIKETI_TEST_VERBOSE) console.log(`[local stack] started in ${startMs} ms at ${stack.url}`);

  const info: StackInfo = {
    url: stack.url,
    apiUrl: stack.apiUrl,
    wsUrl: stack.wsUrl,
    managementEndpoint: stack.managementEndpoint,
    sfnEndpoint: stack.sfnEndpoint,
    dynamoEndpoint: stack.dynamoEndpoint,
    databaseUrl: stack.databaseUrl,
    redisUrl: stack.redisUrl,
    adminEmail: stack.admin?.email ?? '',
    adminPassword: stack.admin?.password ?? '',
    env: stack.env,
    startMs,
  };
  project.provide('stack', info);

  return async () => {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
