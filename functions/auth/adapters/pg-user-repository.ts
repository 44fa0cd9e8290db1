import type { Pool } from 'pg';
import type { User } from '../../../shared/domain';
import type { UserRecord, UserRepository } from '../ports';

interface Row {
  id: string;
  email: string;
  name: string;
  role: 'user' | 'admin';
  created_at: Date;
  password_hash?: string;
}

const toUser = (r: Row): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  createdAt: r.created_at.toISOString(),
});

export function pgUserRepository(pool: Pool): UserRepository {
  return {
    async create({ email, name, passwordHash, role }) {
      // The unique index decides a duplicate, so two concurrent sign-ups with one email cannot both win.
      const { rows } = await pool.query<Row>(
        `INSERT INTO users (email, name, password_hash, role) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING RETURNING id, email, name, role, created_at`,
        [email, name, passwordHash, role],
      );
      return rows[0] ? toUser(rows[0]) : null;
    },
    async findByEmail(email) {
      const { rows } = await pool.query<Row>(
        'SELECT id, email, name, role, created_at, password_hash FROM users WHERE email = $1',
        [email],
      );
      const r = rows[0];
      return r ? ({ ...toUser(r), passwordHash: r.password_hash! } satisfies UserRecord) : null;
    },
    async findById(id) {
      const { rows } = await pool.query<Row>(
        'SELECT id, email, name, role, created_at FROM users WHERE id = $1',
        [id],
      );
      return rows[0] ? toUser(rows[0]) : null;
    },
  };
}
