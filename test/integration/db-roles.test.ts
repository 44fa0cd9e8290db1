import type { PoolClient } from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  DB_ROLE_GRANTS,
  DB_ROLES,
  type DbRole,
  dbRoleName,
  MASTER_ONLY_TABLES,
} from '../../functions/db/roles';
import { SEED_EVENT_IDS } from '../../functions/db/seed';
import { createDb } from '../support/db';
import { api, registerUser } from '../support/http';

/**
 * Least privilege in PostgreSQL (functions/db/roles.ts): each function context's role reaches only its own
 * tables, the handlers really connect as their context's role, and the database's grants are exactly the
 * declared ones, covering every table.
 */
const stack = inject('stack');
const db = createDb(stack.databaseUrl);
afterAll(async () => {
  await db.end();
});

/** Runs `sql` as `role` (SET LOCAL ROLE checks privileges exactly as a login of that role), then rolls back. */
async function asRole(role: DbRole, sql: string, params: unknown[] = []) {
  const client: PoolClient = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL ROLE ${dbRoleName(role)}`);
    return await client.query(sql, params);
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }
}
const denied = (role: DbRole, sql: string, params?: unknown[]) =>
  expect(asRole(role, sql, params)).rejects.toMatchObject({ code: '42501' });

describe('database roles: a context cannot touch another context’s tables', () => {
  it('the events role reads its catalogue but is refused on payments', async () => {
    const own = await asRole('events', 'SELECT count(*)::int AS n FROM events WHERE id = $1', [
      SEED_EVENT_IDS.symphony,
    ]);
    expect(own.rows[0].n).toBe(1);
    await denied('events', 'SELECT * FROM payments LIMIT 1');
    await denied('events', "UPDATE payments SET status = 'refunded'");
    await denied('events', "UPDATE events SET title = 'x' WHERE id = $1", [SEED_EVENT_IDS.symphony]);
    await denied('events', 'SELECT * FROM users LIMIT 1');
  });

  it('only auth reads password hashes and refresh tokens', async () => {
    const own = await asRole('auth', 'SELECT count(password_hash)::int AS n FROM users');
    expect(own.rows[0].n).toBeGreaterThan(0);
    for (const role of DB_ROLES.filter((r) => r !== 'auth')) {
      await denied(role, 'SELECT password_hash FROM users LIMIT 1');
      await denied(role, 'SELECT token_hash FROM refresh_tokens LIMIT 1');
    }
    // Auth writes audit entries (and their sequence) but does not read them back, and never sees bookings.
    await asRole('auth', "INSERT INTO audit_log (action) VALUES ('db-roles-test')");
    await denied('auth', 'SELECT * FROM audit_log LIMIT 1');
    await denied('auth', 'SELECT * FROM seats LIMIT 1');
  });

  it('the seats role moves seats and holds but cannot touch payments or the provider ledger', async () => {
    await asRole('seats', "UPDATE seats SET version = version WHERE event_id = $1 AND status = 'available'", [
      SEED_EVENT_IDS.symphony,
    ]);
    await denied('seats', 'SELECT * FROM payments LIMIT 1');
    await denied('seats', 'SELECT * FROM sandbox_charges LIMIT 1');
    await denied('seats', "UPDATE events SET status = 'closed' WHERE id = $1", [SEED_EVENT_IDS.symphony]);
  });

  it('platform and realtime have no more than they need', async () => {
    await asRole('platform', 'SELECT 1');
    await denied('platform', 'SELECT * FROM events LIMIT 1');
    await asRole('realtime', 'SELECT 1 FROM events LIMIT 1');
    await denied('realtime', 'SELECT * FROM seats LIMIT 1');
  });

  it('no role can create tables or reach the migrations table', async () => {
    for (const role of DB_ROLES) {
      await denied(role, 'CREATE TABLE db_roles_probe (id int)');
      await denied(role, 'SELECT * FROM pgmigrations LIMIT 1');
    }
  });
});

describe('database roles: what is granted is what roles.ts declares', () => {
  it('every table is granted to some role or declared master-only', async () => {
    const { rows } = await db.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    );
    const declared = new Set<string>([
      ...MASTER_ONLY_TABLES,
      ...Object.values(DB_ROLE_GRANTS).flatMap((grants) => Object.keys(grants)),
    ]);
    expect(rows.map((r) => r.tablename).filter((t) => !declared.has(t))).toEqual([]);
  });

  it('the database holds exactly the declared table privileges, nothing more', async () => {
    const { rows } = await db.query<{ grantee: string; table_name: string; privilege_type: string }>(
      `SELECT grantee, table_name, privilege_type FROM information_schema.role_table_grants
        WHERE table_schema = 'public' AND grantee = ANY($1) ORDER BY 1, 2, 3`,
      [DB_ROLES.map(dbRoleName)],
    );
    const actual = rows.map((r) => `${r.grantee} ${r.table_name} ${r.privilege_type}`);
    const expected = DB_ROLES.flatMap((role) =>
      Object.entries(DB_ROLE_GRANTS[role] as Record<string, readonly string[]>).flatMap(
        ([table, privileges]) => privileges.map((p) => `${dbRoleName(role)} ${table} ${p}`),
      ),
    ).sort();
    expect(actual).toEqual(expected);
  });
});

describe('database roles: the handlers connect as their context’s role', () => {
  it('auth, events and seats requests run on their own roles’ connections, never the master user', async () => {
    await registerUser('roles');
    expect((await api('/api/v1/events?pageSize=1')).status).toBe(200);
    expect((await api(`/api/v1/seats/events/${SEED_EVENT_IDS.symphony}`)).status).toBe(200);

    const { rows } = await db.query<{ usename: string }>(
      `SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    const users = rows.map((r) => r.usename);
    expect(users).toEqual(expect.arrayContaining(['tiketi_auth', 'tiketi_events', 'tiketi_seats']));
  });
});
