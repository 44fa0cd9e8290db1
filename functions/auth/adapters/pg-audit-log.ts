import type { Pool } from 'pg';
import type { AuditLog } from '../ports';

export function pgAuditLog(pool: Pool): AuditLog {
  return {
    async record({ action, actorId = null, subject = null, sourceIp = null, details = {} }) {
      await pool.query(
        'INSERT INTO audit_log (action, actor_id, subject, source_ip, details) VALUES ($1, $2, $3, $4, $5)',
        [action, actorId, subject, sourceIp, JSON.stringify(details)],
      );
    },
  };
}
