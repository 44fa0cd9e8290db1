import type { ClientBase } from 'pg';

/**
 * Least privilege in PostgreSQL: one login role per function context, holding only the table privileges that
 * context's SQL needs; the master user owns the schema and is used for migrations only. This table is the one
 * place grants are declared. `applyRoles` (run by `migrate()` after the migrations) makes the database match it
 * exactly: every role's table and sequence privileges are revoked and re-granted from here in one transaction,
 * so removing a line removes the grant.
 *
 * A function's context is the directory of its entry (`functions/<context>/…`): the hold-expiry task
 * (functions/seats/release-hold.ts) runs as `tiketi_seats`, the saga tasks as `tiketi_payments`, the admission
 * tick as `tiketi_queue`. Code one context borrows from another (queue releasing holds through the seats use
 * case, reservations refunding through payments) runs with the borrower's role, so its tables are listed there.
 *
 * The PL/pgSQL functions stay SECURITY INVOKER (PostgreSQL's default, EXECUTE for PUBLIC): a function can do
 * nothing its caller's table grants do not allow, so the grants below are the whole boundary, with no
 * definer-rights function (and no search_path) to audit.
 *
 * A new table is reachable by nobody until it is added here (no default privileges): its context's integration
 * tests fail with "permission denied", and test/integration/db-roles.test.ts fails until every table is either
 * granted to a role or listed in MASTER_ONLY_TABLES.
 */

export type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
type Grants = Readonly<Record<string, readonly Privilege[]>>;

const READ = ['SELECT'] as const;
/** Also what `SELECT … FOR UPDATE` needs (it requires UPDATE on the locked table). */
const READ_UPDATE = ['SELECT', 'UPDATE'] as const;
const READ_WRITE = ['SELECT', 'INSERT', 'UPDATE'] as const;

/** Tables of the booking path that the seat and GA inventory code reads and moves (shared/inventory/pg-inventory). */
const INVENTORY = {
  events: READ,
  price_tiers: READ,
  seat_sections: READ,
  seats: READ_UPDATE,
  ticket_types: READ_UPDATE,
  reservation_items: READ,
} as const satisfies Grants;

export const DB_ROLE_GRANTS = {
  /** Users, refresh-token families, audit entries. The only role that can read password hashes. */
  auth: {
    users: READ_WRITE,
    refresh_tokens: READ_WRITE,
    audit_log: ['INSERT'],
  },
  /** Read-only catalogue: events with their availability counts. */
  events: {
    events: READ,
    price_tiers: READ,
    seats: READ,
    ticket_types: READ,
    reservations: READ,
    reservation_items: READ,
  },
  /** `/health` runs `SELECT 1`: a connection, no table. */
  platform: {},
  /** Tells known events from unknown ones when a client subscribes. */
  realtime: { events: READ },
  /** Seat map, holds (tiketi_lock_seats), their expiry task and sweep (expiring unpaid reservations too). */
  seats: {
    ...INVENTORY,
    holds: READ_WRITE,
    hold_items: READ,
    reservations: READ_UPDATE,
  },
  /** Reservations (tiketi_reserve_seats, GA), cancellation, and refunds through the payments use case. */
  reservations: {
    ...INVENTORY,
    holds: READ_WRITE,
    hold_items: READ_WRITE,
    reservations: READ_WRITE,
    reservation_items: READ_WRITE,
    payments: READ_UPDATE,
    sandbox_charges: READ_WRITE,
  },
  /** Payments API, the payment saga's tasks (tiketi_confirm_reservation, void, refund) and the reconciler. */
  payments: {
    ...INVENTORY,
    holds: READ_UPDATE,
    reservations: READ_UPDATE,
    payments: READ_WRITE,
    sandbox_charges: READ_WRITE,
  },
  /** Room settings, availability for the tick, and releasing the holds of ended sessions (seats' use case). */
  queue: {
    ...INVENTORY,
    holds: READ_UPDATE,
    hold_items: READ,
    reservations: READ,
  },
} as const satisfies Record<string, Grants>;

export type DbRole = keyof typeof DB_ROLE_GRANTS;
export const DB_ROLES = Object.keys(DB_ROLE_GRANTS) as DbRole[];

/** Tables only the master user touches (migrations, seed); no function role gets them. */
export const MASTER_ONLY_TABLES = ['pgmigrations', 'venues'] as const;

/** The PostgreSQL role a context logs in as. */
export const dbRoleName = (role: DbRole): string => `tiketi_${role}`;

/** `functions/<context>/…` of a function's entry → its role; `migrations` for functions/db; undefined otherwise. */
export function dbRoleOfEntry(entry: string): DbRole | 'migrations' | undefined {
  const context = /(?:^|\/)functions\/([^/]+)\//.exec(entry.replaceAll('\\', '/'))?.[1];
  if (context === 'db') return 'migrations';
  return context !== undefined && Object.hasOwn(DB_ROLE_GRANTS, context) ? (context as DbRole) : undefined;
}

/** The grant statements for one role, after its privileges were revoked (identifiers from this module only). */
export function grantStatements(role: DbRole): string[] {
  const name = quoteIdent(dbRoleName(role));
  return Object.entries(DB_ROLE_GRANTS[role] as Grants).map(
    ([table, privileges]) => `GRANT ${privileges.join(', ')} ON TABLE ${quoteIdent(table)} TO ${name}`,
  );
}

export interface ApplyRolesOptions {
  /**
   * Login passwords to set (local stack: generated at start; AWS: from each role's Secrets Manager secret).
   * A role without one is created NOLOGIN, or keeps the password it has.
   */
  passwords?: Partial<Record<DbRole, string>>;
}

/**
 * Creates the roles that are missing, sets their passwords, and makes their privileges exactly DB_ROLE_GRANTS,
 * in one transaction (a running function never sees a half-granted role). Run as the schema owner.
 */
export async function applyRoles(client: ClientBase, options: ApplyRolesOptions = {}): Promise<void> {
  const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
  const database = quoteIdent(rows[0]!.db);
  await client.query('BEGIN');
  try {
    // Two deploys (or two local stacks on one cluster) must not race on CREATE ROLE.
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('tiketi:db-roles', 0))");
    // Nothing reaches the database or creates objects unless granted below (PG15+ already drops CREATE).
    await client.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
    await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    const sequences = await client.query<{ table_name: string; sequence_name: string }>(
      `SELECT t.relname AS table_name, s.relname AS sequence_name
         FROM pg_class s
         JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
         JOIN pg_class t ON t.oid = d.refobjid
         JOIN pg_namespace n ON n.oid = s.relnamespace
        WHERE s.relkind = 'S' AND n.nspname = 'public'`,
    );
    for (const role of DB_ROLES) {
      const login = dbRoleName(role);
      const name = quoteIdent(login);
      const password = options.passwords?.[role];
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login]);
      // DDL takes no bind parameters: the password goes in as an escaped literal.
      const credentials = password === undefined ? '' : ` LOGIN PASSWORD ${client.escapeLiteral(password)}`;
      // CREATE ROLE's defaults are what a function needs: no superuser, CREATEDB, CREATEROLE, replication, RLS bypass.
      if (exists.rowCount === 0) await client.query(`CREATE ROLE ${name}${credentials || ' NOLOGIN'}`);
      else if (credentials) await client.query(`ALTER ROLE ${name} WITH${credentials}`);
      await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${name}`);
      await client.query(`GRANT USAGE ON SCHEMA public TO ${name}`);
      await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${name}`);
      await client.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${name}`);
      for (const statement of grantStatements(role)) await client.query(statement);
      // Inserting into a serial/identity column needs its sequence.
      const grants = DB_ROLE_GRANTS[role] as Grants;
      for (const { table_name, sequence_name } of sequences.rows) {
        if (grants[table_name]?.includes('INSERT')) {
          await client.query(`GRANT USAGE ON SEQUENCE ${quoteIdent(sequence_name)} TO ${name}`);
        }
      }
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

function quoteIdent(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
