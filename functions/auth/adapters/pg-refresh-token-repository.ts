import type { Pool, PoolClient } from 'pg';
import type { NewRefreshToken, RefreshTokenRecord, RefreshTokenRepository, RefreshTokenTx } from '../ports';

interface Row {
  id: string;
  user_id: string;
  family_id: string;
  expires_at: Date;
  rotated_at: Date | null;
  revoked_at: Date | null;
}

const INSERT_SQL = `INSERT INTO refresh_tokens (user_id, family_id, token_hash, parent_id, expires_at)
                    VALUES ($1, $2, $3, $4, $5)`;
const insertParams = (i: NewRefreshToken) => [i.userId, i.familyId, i.tokenHash, i.parentId, i.expiresAt];
const REVOKE_FAMILY_SQL = `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2
                           WHERE family_id = $1 AND revoked_at IS NULL`;

export function pgRefreshTokenRepository(pool: Pool): RefreshTokenRepository {
  const txOf = (client: PoolClient): RefreshTokenTx => ({
    markRotated: async (id) => {
      await client.query('UPDATE refresh_tokens SET rotated_at = now() WHERE id = $1', [id]);
    },
    revokeFamily: async (familyId, reason) => {
      await client.query(REVOKE_FAMILY_SQL, [familyId, reason]);
    },
    insert: async (i) => {
      await client.query(INSERT_SQL, insertParams(i));
    },
  });

  return {
    async insert(i) {
      await pool.query(INSERT_SQL, insertParams(i));
    },
    async withLockedToken(tokenHash, fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<Row>(
          `SELECT id, user_id, family_id, expires_at, rotated_at, revoked_at
           FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
          [tokenHash],
        );
        const r = rows[0];
        const record: RefreshTokenRecord | null = r
          ? {
              id: r.id,
              userId: r.user_id,
              familyId: r.family_id,
              expiresAt: r.expires_at,
              rotatedAt: r.rotated_at,
              revokedAt: r.revoked_at,
            }
          : null;
        const result = await fn(record, txOf(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async revokeFamilyOf(tokenHash, reason) {
      // The family even when already revoked: a repeated logout still ends the session's access tokens.
      const { rows } = await pool.query<{ user_id: string; family_id: string }>(
        `WITH t AS (SELECT family_id, user_id FROM refresh_tokens WHERE token_hash = $1),
              u AS (UPDATE refresh_tokens r SET revoked_at = now(), revoked_reason = $2
                    FROM t WHERE r.family_id = t.family_id AND r.revoked_at IS NULL)
         SELECT user_id, family_id FROM t`,
        [tokenHash, reason],
      );
      const r = rows[0];
      return r ? { userId: r.user_id, familyId: r.family_id } : null;
    },
  };
}
