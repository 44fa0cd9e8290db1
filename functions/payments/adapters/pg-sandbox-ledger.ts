import type { Pool } from 'pg';
import type { SandboxCharge, SandboxLedger } from '../providers/sandbox';

/** The sandbox provider's ledger in PostgreSQL (table sandbox_charges): survives restarts, visible to tests. */

interface Row {
  payment_key: string;
  idempotency_key: string;
  order_id: string;
  amount: number;
  card: string;
  status: SandboxCharge['status'];
  created_at: Date;
}

const toCharge = (r: Row): SandboxCharge => ({
  paymentKey: r.payment_key,
  idempotencyKey: r.idempotency_key,
  orderId: r.order_id,
  amount: r.amount,
  card: r.card,
  status: r.status,
  createdAt: r.created_at,
});

export function pgSandboxLedger(pool: Pool): SandboxLedger {
  return {
    async charge(c) {
      // Both unique keys guard: concurrent replays insert one row and all read it back.
      const inserted = await pool.query<Row>(
        `INSERT INTO sandbox_charges (payment_key, idempotency_key, order_id, amount, card)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING *`,
        [c.paymentKey, c.idempotencyKey, c.orderId, c.amount, c.card],
      );
      if (inserted.rows[0]) return { charge: toCharge(inserted.rows[0]), created: true };
      const existing = await pool.query<Row>(
        `SELECT * FROM sandbox_charges WHERE payment_key = $1 OR idempotency_key = $2
         ORDER BY (payment_key = $1) DESC LIMIT 1`,
        [c.paymentKey, c.idempotencyKey],
      );
      const row = existing.rows[0];
      if (!row) throw new Error('sandbox charge vanished after a conflicting insert');
      return { charge: toCharge(row), created: false };
    },

    async cancel(paymentKey, reason) {
      const updated = await pool.query(
        `UPDATE sandbox_charges SET status = 'cancelled', cancel_reason = $2, cancelled_at = now()
         WHERE payment_key = $1 AND status = 'approved'`,
        [paymentKey, reason],
      );
      if (updated.rowCount) return 'cancelled';
      const found = await pool.query('SELECT 1 FROM sandbox_charges WHERE payment_key = $1', [paymentKey]);
      return found.rowCount ? 'already' : 'not_found';
    },

    async find(paymentKey) {
      const { rows } = await pool.query<Row>('SELECT * FROM sandbox_charges WHERE payment_key = $1', [
        paymentKey,
      ]);
      return rows[0] ? toCharge(rows[0]) : null;
    },
  };
}
