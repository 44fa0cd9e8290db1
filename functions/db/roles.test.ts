import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DB_ROLE_GRANTS,
  DB_ROLES,
  dbRoleOfEntry,
  grantStatements,
  MASTER_ONLY_TABLES,
  type Privilege,
} from './roles';

const FUNCTIONS_DIR = join(import.meta.dirname, '..');
const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

function sourcesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Every table the migrations create. */
function schemaTables(): string[] {
  const sql = readdirSync(MIGRATIONS_DIR)
    .filter((n) => n.endsWith('.sql'))
    .map((n) => readFileSync(join(MIGRATIONS_DIR, n), 'utf8').split('-- Down Migration')[0])
    .join('\n');
  return [...sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)/g)].map((m) => m[1]!);
}

describe('database roles: the grant table', () => {
  it('maps a function entry to its context’s role, functions/db to the master user', () => {
    // Prepare
    const entries = [
      'functions/seats/release-hold.ts',
      'functions/payments/saga.ts',
      'functions/queue/admission-tick.ts',
      '/repo/functions/auth/handler.ts',
      'functions/db/migrate-handler.ts',
      'functions/authorizer/handler.ts',
      'infra/custom-resources/jwt-keys.ts',
    ];

    // Act
    const roles = entries.map(dbRoleOfEntry);

    // Assess
    expect(roles).toEqual(['seats', 'payments', 'queue', 'auth', 'migrations', undefined, undefined]);
  });

  it('renders one quoted GRANT per table', () => {
    // Act
    const statements = grantStatements('realtime');

    // Assess
    expect(statements).toEqual(['GRANT SELECT ON TABLE "events" TO "tiketi_realtime"']);
  });

  it('names only tables the migrations create, and each of those is granted or master-only', () => {
    // Prepare
    const tables = new Set(schemaTables());
    const granted = new Set(DB_ROLES.flatMap((r) => Object.keys(DB_ROLE_GRANTS[r])));

    // Assess
    expect([...granted].filter((t) => !tables.has(t))).toEqual([]);
    const covered = new Set([...granted, ...MASTER_ONLY_TABLES]);
    expect([...tables].filter((t) => !covered.has(t))).toEqual([]);
  });

  it('covers what each context’s own SQL does to each table', () => {
    // Prepare: statements as the adapters write them (upper-case keywords), per context directory.
    const tables = schemaTables().join('|');
    const patterns: [Privilege, RegExp][] = [
      ['INSERT', new RegExp(`\\bINSERT INTO (${tables})\\b`, 'g')],
      ['UPDATE', new RegExp(`\\bUPDATE (${tables})\\b`, 'g')],
      ['UPDATE', new RegExp(`\\bFROM (${tables})\\b[^;\`]*?\\bFOR UPDATE\\b`, 'g')],
      ['DELETE', new RegExp(`\\bDELETE FROM (${tables})\\b`, 'g')],
      ['SELECT', new RegExp(`\\b(?:FROM|JOIN) (${tables})\\b`, 'g')],
    ];
    const missing: string[] = [];

    // Act
    for (const role of DB_ROLES) {
      const grants = DB_ROLE_GRANTS[role] as Record<string, readonly Privilege[]>;
      for (const file of sourcesOf(join(FUNCTIONS_DIR, role))) {
        const source = readFileSync(file, 'utf8');
        for (const [privilege, pattern] of patterns) {
          for (const [, table] of source.matchAll(pattern)) {
            if (!grants[table!]?.includes(privilege)) {
              missing.push(`${role}: ${privilege} on ${table} (${relative(FUNCTIONS_DIR, file)})`);
            }
          }
        }
      }
    }

    // Assess
    expect([...new Set(missing)]).toEqual([]);
  });
});
