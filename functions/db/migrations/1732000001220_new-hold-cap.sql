-- Up Migration
-- Hold churn through checkout: an emptied hold is reused within its window (no new timer), but a loop of
-- lock → reserve → cancel, or of GA reserve → cancel, makes a new hold, and so a new hold-expiry execution,
-- every round. Each buyer may start at most 10 holds per event in any 10 minutes (an honest buyer needs one or
-- two); past that the lock or GA reservation is 429 TOO_MANY_REQUESTS with the seconds to wait. The count is
-- exact: it runs under the buyer's advisory lock (tiketi_serialize_buyer), and only when a hold is to be made.

CREATE INDEX holds_user_event_created_idx ON holds (user_id, event_id, created_at);

-- Seconds until the buyer may start another hold on the event (when the oldest of their last 10 holds there
-- leaves the 10-minute window), or null when they may now.
CREATE FUNCTION tiketi_new_hold_wait(p_event uuid, p_user uuid) RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT greatest(1, ceil(extract(epoch FROM min(created_at) + interval '10 minutes' - now())))::integer
    FROM (SELECT created_at FROM holds
           WHERE user_id = p_user AND event_id = p_event AND created_at > now() - interval '10 minutes'
           ORDER BY created_at DESC LIMIT 10) AS recent
  HAVING count(*) >= 10
$$;

-- As 1732000001200, with the cap on new holds checked before a hold is created.
CREATE OR REPLACE FUNCTION tiketi_lock_seats(p_event uuid, p_user uuid, p_seats uuid[], p_unguarded boolean)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_sale record;
  v_found record;
  v_has_hold boolean;
  v_hold uuid;
  v_created boolean := false;
  v_expired uuid[] := '{}';
  v_mine uuid[];
  v_wanted uuid[];
  v_yours integer;
  v_wait integer;
  v_claimed uuid[];
BEGIN
  SELECT * INTO v_sale FROM tiketi_sale_refusal(p_event);
  IF v_sale.refusal IS NOT NULL THEN
    RETURN jsonb_build_object('kind', v_sale.refusal);
  END IF;

  -- The race test's switch (p_unguarded) drops this too: every guard off.
  IF NOT p_unguarded THEN
    PERFORM tiketi_serialize_buyer(p_event, p_user);
  END IF;

  -- The caller's active hold, locked: one user's concurrent requests apply one after the other.
  SELECT id, expires_at <= now() AS overdue INTO v_found FROM holds
   WHERE event_id = p_event AND user_id = p_user AND status = 'active' FOR UPDATE;
  v_has_hold := FOUND;
  IF v_has_hold AND v_found.overdue THEN
    -- Its timer is about to release it anyway; doing it here lets the caller start a fresh hold now.
    UPDATE holds SET status = 'expired', closed_at = now() WHERE id = v_found.id;
    WITH freed AS (
      UPDATE seats SET status = 'available', hold_id = NULL, version = version + 1, updated_at = now()
       WHERE hold_id = v_found.id AND status = 'held' RETURNING id)
    SELECT coalesce(array_agg(id), '{}') INTO v_expired FROM freed;
  ELSIF v_has_hold THEN
    v_hold := v_found.id;
  END IF;

  IF v_hold IS NULL THEN
    v_wait := tiketi_new_hold_wait(p_event, p_user);
    IF v_wait IS NOT NULL THEN
      RAISE EXCEPTION 'too many new holds' USING ERRCODE = 'TK429', DETAIL = jsonb_build_object(
        'kind', 'too-many-holds', 'retryAfterSeconds', v_wait)::text;
    END IF;
    INSERT INTO holds (event_id, user_id, expires_at)
    SELECT id, p_user, now() + make_interval(secs => hold_seconds) FROM events WHERE id = p_event
    ON CONFLICT (event_id, user_id) WHERE status = 'active' DO NOTHING
    RETURNING id INTO v_hold;
    IF v_hold IS NOT NULL THEN
      v_created := true;
    ELSE
      -- The caller's concurrent request created it first (the insert waited for its commit).
      SELECT id INTO v_hold FROM holds
       WHERE event_id = p_event AND user_id = p_user AND status = 'active' FOR UPDATE;
      IF v_hold IS NULL THEN
        RAISE EXCEPTION 'active hold vanished during lock';
      END IF;
    END IF;
  END IF;

  SELECT coalesce(array_agg(id), '{}') INTO v_mine FROM seats WHERE hold_id = v_hold;
  SELECT coalesce(array_agg(x ORDER BY o), '{}') INTO v_wanted
    FROM unnest(p_seats) WITH ORDINALITY AS u (x, o) WHERE x <> ALL (v_mine);
  v_yours := cardinality(v_mine);
  IF cardinality(v_wanted) > 0 THEN
    v_yours := v_yours + tiketi_tickets_in_orders(p_event, p_user);
  END IF;
  IF v_yours + cardinality(v_wanted) > v_sale.max_seats THEN
    RAISE EXCEPTION 'seat limit' USING ERRCODE = 'TK422', DETAIL = jsonb_build_object(
      'kind', 'limit-exceeded', 'limit', v_sale.max_seats, 'alreadyYours', v_yours,
      'requested', cardinality(v_wanted))::text;
  END IF;

  IF cardinality(v_wanted) > 0 THEN
    IF p_unguarded THEN
      -- Test switch only: no availability condition, no count check — overwrites other holds.
      UPDATE seats SET status = 'held', hold_id = v_hold, reservation_id = NULL, version = version + 1,
                       updated_at = now()
       WHERE event_id = p_event AND id = ANY (v_wanted);
    ELSE
      WITH claimed AS (
        UPDATE seats SET status = 'held', hold_id = v_hold, version = version + 1, updated_at = now()
         WHERE event_id = p_event AND id = ANY (v_wanted) AND status = 'available' RETURNING id)
      SELECT coalesce(array_agg(id), '{}') INTO v_claimed FROM claimed;
      IF cardinality(v_claimed) <> cardinality(v_wanted) THEN
        RAISE EXCEPTION 'seats unavailable' USING ERRCODE = 'TK409', DETAIL = jsonb_build_object(
          'kind', 'unavailable',
          'seatIds', (SELECT jsonb_agg(x ORDER BY o) FROM unnest(v_wanted) WITH ORDINALITY AS u (x, o)
                      WHERE x <> ALL (v_claimed)))::text;
      END IF;
    END IF;
  END IF;

  RETURN jsonb_build_object('kind', 'ok', 'created', v_created, 'locked', to_jsonb(v_wanted),
                            'expired', to_jsonb(v_expired), 'hold', tiketi_hold_view(v_hold));
END
$$;

-- Down Migration
-- Back to the lock of 1732000001200 first: it must not call the helper dropped below.
CREATE OR REPLACE FUNCTION tiketi_lock_seats(p_event uuid, p_user uuid, p_seats uuid[], p_unguarded boolean)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_sale record;
  v_found record;
  v_has_hold boolean;
  v_hold uuid;
  v_created boolean := false;
  v_expired uuid[] := '{}';
  v_mine uuid[];
  v_wanted uuid[];
  v_yours integer;
  v_claimed uuid[];
BEGIN
  SELECT * INTO v_sale FROM tiketi_sale_refusal(p_event);
  IF v_sale.refusal IS NOT NULL THEN
    RETURN jsonb_build_object('kind', v_sale.refusal);
  END IF;

  -- The race test's switch (p_unguarded) drops this too: every guard off.
  IF NOT p_unguarded THEN
    PERFORM tiketi_serialize_buyer(p_event, p_user);
  END IF;

  -- The caller's active hold, locked: one user's concurrent requests apply one after the other.
  SELECT id, expires_at <= now() AS overdue INTO v_found FROM holds
   WHERE event_id = p_event AND user_id = p_user AND status = 'active' FOR UPDATE;
  v_has_hold := FOUND;
  IF v_has_hold AND v_found.overdue THEN
    -- Its timer is about to release it anyway; doing it here lets the caller start a fresh hold now.
    UPDATE holds SET status = 'expired', closed_at = now() WHERE id = v_found.id;
    WITH freed AS (
      UPDATE seats SET status = 'available', hold_id = NULL, version = version + 1, updated_at = now()
       WHERE hold_id = v_found.id AND status = 'held' RETURNING id)
    SELECT coalesce(array_agg(id), '{}') INTO v_expired FROM freed;
  ELSIF v_has_hold THEN
    v_hold := v_found.id;
  END IF;

  IF v_hold IS NULL THEN
    INSERT INTO holds (event_id, user_id, expires_at)
    SELECT id, p_user, now() + make_interval(secs => hold_seconds) FROM events WHERE id = p_event
    ON CONFLICT (event_id, user_id) WHERE status = 'active' DO NOTHING
    RETURNING id INTO v_hold;
    IF v_hold IS NOT NULL THEN
      v_created := true;
    ELSE
      -- The caller's concurrent request created it first (the insert waited for its commit).
      SELECT id INTO v_hold FROM holds
       WHERE event_id = p_event AND user_id = p_user AND status = 'active' FOR UPDATE;
      IF v_hold IS NULL THEN
        RAISE EXCEPTION 'active hold vanished during lock';
      END IF;
    END IF;
  END IF;

  SELECT coalesce(array_agg(id), '{}') INTO v_mine FROM seats WHERE hold_id = v_hold;
  SELECT coalesce(array_agg(x ORDER BY o), '{}') INTO v_wanted
    FROM unnest(p_seats) WITH ORDINALITY AS u (x, o) WHERE x <> ALL (v_mine);
  v_yours := cardinality(v_mine);
  IF cardinality(v_wanted) > 0 THEN
    v_yours := v_yours + tiketi_tickets_in_orders(p_event, p_user);
  END IF;
  IF v_yours + cardinality(v_wanted) > v_sale.max_seats THEN
    RAISE EXCEPTION 'seat limit' USING ERRCODE = 'TK422', DETAIL = jsonb_build_object(
      'kind', 'limit-exceeded', 'limit', v_sale.max_seats, 'alreadyYours', v_yours,
      'requested', cardinality(v_wanted))::text;
  END IF;

  IF cardinality(v_wanted) > 0 THEN
    IF p_unguarded THEN
      -- Test switch only: no availability condition, no count check — overwrites other holds.
      UPDATE seats SET status = 'held', hold_id = v_hold, reservation_id = NULL, version = version + 1,
                       updated_at = now()
       WHERE event_id = p_event AND id = ANY (v_wanted);
    ELSE
      WITH claimed AS (
        UPDATE seats SET status = 'held', hold_id = v_hold, version = version + 1, updated_at = now()
         WHERE event_id = p_event AND id = ANY (v_wanted) AND status = 'available' RETURNING id)
      SELECT coalesce(array_agg(id), '{}') INTO v_claimed FROM claimed;
      IF cardinality(v_claimed) <> cardinality(v_wanted) THEN
        RAISE EXCEPTION 'seats unavailable' USING ERRCODE = 'TK409', DETAIL = jsonb_build_object(
          'kind', 'unavailable',
          'seatIds', (SELECT jsonb_agg(x ORDER BY o) FROM unnest(v_wanted) WITH ORDINALITY AS u (x, o)
                      WHERE x <> ALL (v_claimed)))::text;
      END IF;
    END IF;
  END IF;

  RETURN jsonb_build_object('kind', 'ok', 'created', v_created, 'locked', to_jsonb(v_wanted),
                            'expired', to_jsonb(v_expired), 'hold', tiketi_hold_view(v_hold));
END
$$;

DROP FUNCTION IF EXISTS tiketi_new_hold_wait(uuid, uuid);
DROP INDEX IF EXISTS holds_user_event_created_idx;
