-- Up Migration
-- The per-user limit (events.max_seats_per_user) counts everything a buyer has on the event, not only the live
-- hold: its seats plus the seats and general-admission tickets of their pending and confirmed reservations.
-- Before, lock(4) → reserve → lock(4) → reserve went on without end and each GA reservation was checked alone.
-- The check runs inside the locking transaction, after a transaction-scoped advisory lock on (event, user), so
-- two concurrent purchases of one buyer (a seat lock and a GA reservation, or two GA reservations, which share
-- no row lock) are decided one after the other and cannot both pass.

-- The lookup the limit makes on every lock: a buyer's live orders on one event.
CREATE INDEX reservations_user_event_live_idx ON reservations (user_id, event_id)
  WHERE status IN ('pending_payment', 'confirmed');

-- Serializes one buyer's purchases on one event until the caller's transaction ends. Call it in a statement of
-- its own before counting: a statement started before the lock was granted would not see the previous
-- holder's commit.
CREATE FUNCTION tiketi_serialize_buyer(p_event uuid, p_user uuid) RETURNS void LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock(hashtextextended(p_event::text || '/' || p_user::text, 0))
$$;

-- Seats and GA tickets in the buyer's reservations on the event that are pending payment or confirmed.
CREATE FUNCTION tiketi_tickets_in_orders(p_event uuid, p_user uuid) RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT coalesce(sum(ri.quantity), 0)::integer
    FROM reservations r JOIN reservation_items ri ON ri.reservation_id = r.id
   WHERE r.user_id = p_user AND r.event_id = p_event AND r.status IN ('pending_payment', 'confirmed')
$$;

-- Everything the buyer has on the event: the seats of their live hold plus tickets_in_orders.
CREATE FUNCTION tiketi_tickets_of(p_event uuid, p_user uuid) RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT (SELECT count(*) FROM holds h JOIN seats s ON s.hold_id = h.id
           WHERE h.event_id = p_event AND h.user_id = p_user AND h.status = 'active'
             AND h.expires_at > now())::integer
       + tiketi_tickets_in_orders(p_event, p_user)
$$;

-- As 1732000000500, with the buyer serialized first and the limit counting their orders too.
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

-- Down Migration
-- Back to the lock of 1732000000500 first: it must not call the helpers dropped below.
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
  v_claimed uuid[];
BEGIN
  SELECT * INTO v_sale FROM tiketi_sale_refusal(p_event);
  IF v_sale.refusal IS NOT NULL THEN
    RETURN jsonb_build_object('kind', v_sale.refusal);
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
  IF cardinality(v_mine) + cardinality(v_wanted) > v_sale.max_seats THEN
    RAISE EXCEPTION 'seat limit' USING ERRCODE = 'TK422', DETAIL = jsonb_build_object(
      'kind', 'limit-exceeded', 'limit', v_sale.max_seats, 'held', cardinality(v_mine))::text;
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

DROP FUNCTION IF EXISTS tiketi_tickets_of(uuid, uuid);
DROP FUNCTION IF EXISTS tiketi_tickets_in_orders(uuid, uuid);
DROP FUNCTION IF EXISTS tiketi_serialize_buyer(uuid, uuid);
DROP INDEX IF EXISTS reservations_user_event_live_idx;
