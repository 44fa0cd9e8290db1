import { describe, expect, inject, it } from 'vitest';
import { createPool } from '../../functions/shared/clients';
import { createDb } from '../support/db';

/**
 * The handlers' pg pool when PostgreSQL ends a connection that is checked out between two queries (a restart or
 * failover mid-transaction; bench:onsale --faults found it killing the local stack process): the process lives
 * on, that client's next query fails as an outage, and the pool hands out a working client after it.
 */

const stack = inject('stack');

describe('handler pool under a server-side disconnect', () => {
  it('survives a checked-out client being terminated by the server', async () => {
    const pool = await createPool({ DATABASE_URL: stack.databaseUrl, DB_POOL_MAX: 2 } as Parameters<
      typeof createPool
    >[0]);
    const admin = createDb(stack.databaseUrl);
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const ended = new Promise((resolve) => client.once('end', resolve));

      // What a PostgreSQL restart does to every connection: FATAL 57P01, sent while no query runs.
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      await ended;

      await expect(client.query('SELECT 1')).rejects.toThrow(/not queryable|Connection terminated/);
      client.release(true);
      const after = await pool.query<{ ok: number }>('SELECT 1 AS ok');
      expect(after.rows[0]!.ok).toBe(1);
    } finally {
      await pool.end();
      await admin.end();
    }
  });
});
