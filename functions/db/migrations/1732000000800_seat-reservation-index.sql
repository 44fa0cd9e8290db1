-- Up Migration
-- Confirming, expiring, cancelling and refunding a reservation all find its seats by reservation_id; without
-- an index each of those was a scan of the event's whole venue (20,000 rows on a big one).
CREATE INDEX seats_reservation_idx ON seats (reservation_id) WHERE reservation_id IS NOT NULL;

-- Down Migration
DROP INDEX IF EXISTS seats_reservation_idx;
