import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { StackError, withTimeout } from './errors';
import { LOOPBACK, portBusyError } from './ports';
import { adopt, OutputTail, stopChild } from './processes';

/**
 * Redis from the system `redis-server` binary (no Redis ships on npm). Persistent mode keeps an append-only
 * file in `<dataDir>/redis` (no RDB snapshots); ephemeral mode keeps nothing.
 */

export const REDIS_MISSING_MESSAGE =
  'redis-server not found. Install it: sudo apt-get install -y redis-server (Debian/Ubuntu) or brew install redis (macOS)';

export interface RedisOptions {
  port: number;
  /** Working directory for the append-only file; omitted = ephemeral (nothing written). */
  dir?: string;
  logFile?: string;
  /** Override the binary (default: `REDIS_SERVER_BIN`, else `redis-server` on PATH). */
  binary?: string;
}

export interface RunningRedis {
  url: string;
  port: number;
  pid: number;
  version: string;
  stop(): Promise<void>;
}

/** Finds an executable on PATH without spawning it (a failed spawn only reports ENOENT asynchronously). */
export async function findExecutable(
  name: string,
  path = process.env.PATH ?? '',
): Promise<string | undefined> {
  if (name.includes('/')) {
    return (await access(name, constants.X_OK).then(
      () => true,
      () => false,
    ))
      ? name
      : undefined;
  }
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    const ok = await access(candidate, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (ok) return candidate;
  }
  return undefined;
}

/** The redis-server to run (`REDIS_SERVER_BIN` or PATH); throws the install hint when there is none. */
export async function resolveRedisBinary(
  binary = process.env.REDIS_SERVER_BIN ?? 'redis-server',
): Promise<string> {
  const found = await findExecutable(binary);
  if (!found) throw new StackError(REDIS_MISSING_MESSAGE);
  return found;
}

export async function startRedis(options: RedisOptions): Promise<RunningRedis> {
  const binary = await resolveRedisBinary(options.binary);

  const args = ['--port', String(options.port), '--bind', LOOPBACK, '--save', '', '--daemonize', 'no'];
  args.push('--logfile', '', '--loglevel', 'notice');
  if (options.dir) {
    await mkdir(options.dir, { recursive: true });
    args.push('--dir', options.dir, '--appendonly', 'yes');
  } else {
    args.push('--appendonly', 'no');
  }

  const tail = new OutputTail(40, options.logFile);
  // Own process group: Ctrl-C reaches the CLI only, which stops Redis after the gateway has drained.
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const release = adopt(child, 'SIGTERM');
  tail.attach(child);

  let version = '';
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const off = tail.onLine((line) => {
          const v = /Redis version=([\d.]+)/.exec(line);
          if (v?.[1]) version = v[1];
          if (line.includes('Ready to accept connections')) {
            off();
            resolve();
          }
        });
        child.once('error', reject);
        child.once('exit', () => {
          const output = tail.text();
          reject(
            /Address already in use|bind/i.test(output)
              ? portBusyError('redis', options.port)
              : new StackError(`redis-server did not start:\n${output}`),
          );
        });
      }),
      20_000,
      'redis-server did not become ready within 20 s',
    );
  } catch (error) {
    await stopChild(child, [['SIGKILL', 2000]]);
    release();
    await tail.close();
    throw error;
  }

  return {
    url: `redis://${LOOPBACK}:${options.port}`,
    port: options.port,
    pid: child.pid ?? 0,
    version,
    async stop() {
      // SIGTERM: Redis flushes the append-only file and exits.
      await stopChild(child, [
        ['SIGTERM', 10_000],
        ['SIGKILL', 2000],
      ]);
      release();
      await tail.close();
    },
  };
}
