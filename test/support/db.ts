import pg from 'pg';

/**
 * A small pg Pool to the stack's database for assertions, plus `rowCounts()`: the row count of every table,
 * for "bad input changes nothing" checks (`expect(await db.rowCounts()).toEqual(before)`).
 */
export type Db = pg.Pool & {
  rowCounts(): Promise<Record<string, number>>;
};

export function createDb(databaseUrl: string): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  // An idle client dropped by the server (stack shutting down) must not crash the test process.
  pool.on('error', () => {});
  const rowCounts = async () => {
    const tables = await pool.query<{ ident: string; literal: string }>(
      `SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS ident,
              quote_literal(schemaname || '.' || tablename) AS literal
         FROM pg_tables
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND tablename <> 'pgmigrations'
        ORDER BY 1`,
    );
    if (tables.rows.length === 0) return {};
    const sql = tables.rows
      .map((t) => `SELECT ${t.literal} AS name, count(*)::int AS n FROM ${t.ident}`)
      .join(' UNION ALL ');
    const counts = await pool.query<{ name: string; n: number }>(sql);
    return Object.fromEntries(counts.rows.map((r) => [r.name, r.n]));
  };
  return Object.assign(pool, { rowCounts });
}
