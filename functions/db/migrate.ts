import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg, { type ClientConfig } from 'pg';
import { type ApplyRolesOptions, applyRoles } from './roles';

/** Migrations live next to this module (`migrations/`), both in the repo and in the Lambda bundle. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface MigrateOptions {
  databaseUrl: string | ClientConfig;
  direction?: 'up' | 'down';
  log?: (msg: string) => void;
  /** The function roles' passwords (see roles.ts); their grants are re-applied after every `up`. */
  roles?: ApplyRolesOptions;
}

/**
 * Applies pending migrations (idempotent; a lock keeps concurrent runs apart), then brings the function roles
 * and their grants in line with roles.ts, so a migration never leaves a table the roles cannot reach (or one
 * they should not). Returns the names applied.
 */
export async function migrate({
  databaseUrl,
  direction = 'up',
  log = () => {},
  roles,
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
  if (direction === 'up') {
    const client = new pg.Client(
      typeof databaseUrl === 'string' ? { connectionString: databaseUrl } : databaseUrl,
    );
    await client.connect();
    try {
      await applyRoles(client, roles);
    } finally {
      await client.end();
    }
  }
  return applied.map((m) => m.name);
}
