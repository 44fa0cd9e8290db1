import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type { ClientConfig } from 'pg';

/** Migrations live next to this module (`migrations/`), both in the repo and in the Lambda bundle. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface MigrateOptions {
  databaseUrl: string | ClientConfig;
  direction?: 'up' | 'down';
  log?: (msg: string) => void;
}

/** Applies pending migrations (idempotent; a lock keeps concurrent runs apart). Returns the names applied. */
export async function migrate({
  databaseUrl,
  direction = 'up',
  log = () => {},
}: MigrateOptions): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction,
    migrationsTable: 'pgmigrations',
    count: direction === 'up' ? Number.POSITIVE_INFINITY : 1,
    checkOrder: true,
    log,
    verbose: false,
  });
  return applied.map((m) => m.name);
}
