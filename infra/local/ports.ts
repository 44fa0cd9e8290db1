import { createServer } from 'node:net';
import { StackError } from './errors';

/** Everything the local stack opens listens on loopback only. */
export const LOOPBACK = '127.0.0.1';

/** Fixed ports for `npm start`, chosen away from the usual defaults so a system PostgreSQL/Redis can coexist. */
export const DEFAULT_PORTS = {
  gateway: 3000,
  postgres: 54329,
  redis: 63799,
  dynamodb: 48000,
  stepfunctions: 48083,
  lambda: 48084,
} as const;
export type ServiceName = keyof typeof DEFAULT_PORTS;

export const SERVICE_LABELS: Record<ServiceName, string> = {
  gateway: 'API gateway / web app',
  postgres: 'PostgreSQL',
  redis: 'Redis',
  dynamodb: 'DynamoDB (dynalite)',
  stepfunctions: 'Step Functions emulator',
  lambda: 'Lambda Invoke API',
};

/** True when nothing listens on `port` at loopback (checked by binding it briefly). */
export function isPortFree(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** A port the OS considers free right now. Child processes (postgres, redis) need a number before they bind. */
export function getFreePort(host = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port: 0, host, exclusive: true }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('Could not allocate a free port'))));
    });
  });
}

export function portBusyError(service: ServiceName, port: number): StackError {
  const flag = service === 'gateway' ? ' or pick another one with --port <n>' : '';
  return new StackError(
    `Port ${port} (${SERVICE_LABELS[service]}) is already in use.`,
    `Another \`npm start\` may still be running: stop it first${flag}. Find the owner with: lsof -i :${port}`,
  );
}

export async function assertPortFree(service: ServiceName, port: number): Promise<void> {
  if (!(await isPortFree(port))) throw portBusyError(service, port);
}
