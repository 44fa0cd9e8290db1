-- Up Migration
-- The payments reconciler looks for payments left in progress, oldest first, every few minutes.
CREATE INDEX payments_in_progress_idx ON payments (updated_at) WHERE status = 'in_progress';

-- Down Migration
DROP INDEX IF EXISTS payments_in_progress_idx;
