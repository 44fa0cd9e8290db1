import { startLocalStack } from '../../infra/local/stack';
import type { FaultsStackConfig, FaultsStackMessage } from './faults-protocol';

/**
 * The local stack in a child process of bench:onsale --faults, so the bench can SIGKILL it mid-sale and start it
 * again: PostgreSQL and Redis are the bench's (external), the gateway keeps its port, and dynalite, the Step
 * Functions executions and the signing key persist in the same data directory, so running hold timers and
 * payment sagas resume after the restart. Says `ready` (with the endpoints and handler env) over IPC.
 */

const config = JSON.parse(process.env.FAULTS_STACK_CONFIG ?? '{}') as FaultsStackConfig;
const send = (m: FaultsStackMessage) => process.send?.(m);

const firstLine = (error: unknown) =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).split('\n')[0]!.slice(0, 160);

async function main() {
  const stack = await startLocalStack({
    dataDir: config.dataDir,
    port: config.port,
    ephemeralPorts: true,
    persistent: true,
    webMode: 'none',
    quiet: true,
    migrateAndSeed: config.migrate,
    external: { databaseUrl: config.databaseUrl, redisUrl: config.redisUrl },
    // Expiry comes from the persisted hold-expiry executions; the sweep is the backstop after a kill.
    sweepIntervalMs: 0,
    holdSweepIntervalMs: config.holdSweepIntervalMs,
    paymentReconcileIntervalMs: config.paymentReconcileIntervalMs,
    // Counted by the parent (a fault shows up here as much as at the clients); never printed one by one.
    onError: (where, _requestId, error) => send({ type: 'handler-error', where, message: firstLine(error) }),
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    stack.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  send({ type: 'ready', url: stack.url, databaseUrl: stack.databaseUrl, env: stack.env });
}

main().catch((error: unknown) => {
  send({ type: 'failed', error: String((error as Error)?.stack ?? error) });
  process.exit(1);
});
