-- Up Migration
-- Holds and reservations (issue 4): what the hold-expiry timer and its backstop sweep look rows up by.

-- The timer of a converted hold finds the hold's reservation by hold_id.
CREATE INDEX reservations_hold_idx ON reservations (hold_id) WHERE hold_id IS NOT NULL;

-- The sweep finds pending reservations past their payment deadline (holds already have holds_expiry_idx).
CREATE INDEX reservations_pending_expiry_idx ON reservations (expires_at) WHERE status = 'pending_payment';

-- Down Migration
DROP INDEX IF EXISTS reservations_pending_expiry_idx;
DROP INDEX IF EXISTS reservations_hold_idx;
