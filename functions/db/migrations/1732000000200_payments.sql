-- Up Migration
-- Payments (issue 4): why a payment failed or was refunded, at most one live attempt per reservation, and the
-- sandbox provider's ledger.

-- failure_code is machine-readable (DECLINED, PROVIDER_TIMEOUT, RESERVATION_EXPIRED…); the message is what the
-- buyer is shown, never internal error text.
ALTER TABLE payments ADD COLUMN failure_message text;

-- One live attempt per reservation: two concurrent prepares cannot both create a payable attempt, so the same
-- seats can never be charged twice through two payments. Failed and refunded attempts do not count.
CREATE UNIQUE INDEX payments_one_live_per_reservation ON payments (reservation_id)
  WHERE status IN ('ready', 'in_progress', 'approved');

-- The sandbox provider's own book of charges, as a PSP would keep it: one row per paymentKey, the idempotency key
-- of the request that created it (a replay returns the same charge), and whether it was cancelled (voided or
-- refunded). Tests read it to prove "one charge" and "the charge was voided".
CREATE TABLE sandbox_charges (
  payment_key     text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  order_id        text NOT NULL,
  amount          integer NOT NULL CHECK (amount >= 0),
  card            text NOT NULL,
  status          text NOT NULL DEFAULT 'approved' CHECK (status IN ('approved', 'cancelled')),
  cancel_reason   text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  cancelled_at    timestamptz
);
CREATE INDEX sandbox_charges_order_idx ON sandbox_charges (order_id);

-- Down Migration
DROP TABLE IF EXISTS sandbox_charges;
DROP INDEX IF EXISTS payments_one_live_per_reservation;
ALTER TABLE payments DROP COLUMN IF EXISTS failure_message;
