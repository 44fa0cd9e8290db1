-- Up Migration
-- Cancellation policy: until when a buyer may cancel a confirmed (paid) reservation and be refunded. NULL means
-- the event's start, the default; the organizer console will edit it. Whatever it says, nothing is cancelled
-- by the buyer once the event has started (enforced in the reservations' cancel use case).
ALTER TABLE events ADD COLUMN cancellation_deadline timestamptz;

-- Down Migration
ALTER TABLE events DROP COLUMN IF EXISTS cancellation_deadline;
