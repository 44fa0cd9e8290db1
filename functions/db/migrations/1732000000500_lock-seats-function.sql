-- Up Migration
-- The seat lock as one server-side function: the same transaction the seats adapter ran statement by statement
-- (about ten round trips: BEGIN, event, hold FOR UPDATE, insert, seats, claim, view, COMMIT) in one call. On a
-- flash sale the round trips, not the work, were the cost: each is a write and a wake-up on both sides.
-- Refusals that must undo the call's writes RAISE (the statement's implicit transaction rolls back) with a
-- TIKETI SQLSTATE and the outcome as JSON in DETAIL; the adapter turns them back into outcomes.

-- A hold with its seats as the cart shows them, in map order (null when there is no such hold).
CREATE FUNCTION tiketi_hold_view(p_hold uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', h.id,
    'eventId', h.event_id,
    'expiresAtMs', floor(extract(epoch FROM h.expires_at) * 1000),
    'maxSeats', e.max_seats_per_user,
    'seats', coalesce((
      SELECT jsonb_agg(jsonb_build_object('id', s.id, 'label', s.label, 'tierName', s.tier,
                                          'price', coalesce(pt.price, 0))
                       ORDER BY ss.sort, ss.name, s.row_label, s.seat_number)
      FROM seats s
      JOIN seat_sections ss ON ss.id = s.section_id
      LEFT JOIN price_tiers pt ON pt.event_id = s.event_id AND pt.tier = s.tier
      WHERE s.hold_id = h.id), '[]'::jsonb))
  FROM holds h JOIN events e ON e.id = h.event_id
  WHERE h.id = p_hold
$$;

-- Whether an event can be sold now: refusal 'event-not-found' (missing or draft) or 'not-on-sale' (status or
-- sales window), else null; with the event's per-user seat limit.
CREATE FUNCTION tiketi_sale_refusal(p_event uuid, OUT refusal text, OUT max_seats integer)
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN e.id IS NULL OR e.status = 'draft' THEN 'event-not-found'
              WHEN e.status <> 'on_sale' OR NOT (e.sales_open_at <= now() AND now() < e.sales_close_at)
                THEN 'not-on-sale' END,
         e.max_seats_per_user
  FROM (SELECT 1) AS one LEFT JOIN events e ON e.id = p_event
$$;

CREATE FUNCTION tiketi_lock_seats(p_event uuid, p_user uuid, p_seats uuid[], p_unguarded boolean)
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

-- Down Migration
DROP FUNCTION IF EXISTS tiketi_lock_seats(uuid, uuid, uuid[], boolean);
DROP FUNCTION IF EXISTS tiketi_hold_view(uuid);
DROP FUNCTION IF EXISTS tiketi_sale_refusal(uuid);
