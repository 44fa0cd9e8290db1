import type pg from 'pg';
import type { EventDirectory } from '../ports';

/** Public events are every status but `draft` (the same rule as GET /events/{id}). */
export function pgEventDirectory(pool: Pick<pg.Pool, 'query'>): EventDirectory {
  return {
    async isPublic(eventId) {
      const out = await pool.query("SELECT 1 FROM events WHERE id = $1 AND status <> 'draft'", [eventId]);
      return (out.rowCount ?? 0) > 0;
    },
  };
}
