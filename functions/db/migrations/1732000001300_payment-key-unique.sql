-- Up Migration
-- A paymentKey confirms one payment: confirming a second payment with a key another payment holds (ready with
-- it, in progress, approved or refunded) is refused at the door. Failed attempts do not hold their key (nothing
-- was captured with it, or it was voided), so a stranger who tried someone's key first cannot block its owner.
-- Rows that shared a key before this rule keep it on the payment the provider charged with it (approved or
-- refunded, else the oldest); the others never captured with it (the provider refuses a second capture).
UPDATE payments p SET payment_key = NULL
  FROM (SELECT id, row_number() OVER (PARTITION BY payment_key
                                      ORDER BY (status IN ('approved', 'refunded')) DESC, created_at, id) AS n
          FROM payments
         WHERE payment_key IS NOT NULL AND status IN ('ready', 'in_progress', 'approved', 'refunded')) d
 WHERE p.id = d.id AND d.n > 1;
CREATE UNIQUE INDEX payments_payment_key_held ON payments (payment_key)
  WHERE status IN ('ready', 'in_progress', 'approved', 'refunded');

-- Down Migration
DROP INDEX IF EXISTS payments_payment_key_held;
