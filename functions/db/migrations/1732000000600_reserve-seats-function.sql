-- Up Migration
-- A seated reservation from the caller's live hold as one server-side function, for the same reason as
-- tiketi_lock_seats: the transaction the reservations adapter ran in ten round trips is one call. Refusals that
-- must undo the call's writes RAISE SQLSTATE TK410 with the outcome as JSON in DETAIL.

CREATE FUNCTION tiketi_reserve_seats(p_user uuid, p_event uuid, p_key text, p_hash text, p_seats uuid[],
                                     p_payment_seconds integer)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_sale record;
  v_reservation uuid;
  v_hold uuid;
  v_items uuid[];
  v_reserved uuid[];
  v_released uuid[];
BEGIN
  SELECT * INTO v_sale FROM tiketi_sale_refusal(p_event);
  IF v_sale.refusal IS NOT NULL THEN
    RETURN jsonb_build_object('kind', v_sale.refusal);
  END IF;

  -- First, so a concurrent request with the same key waits here for this one and then sees its row.
  INSERT INTO reservations (user_id, event_id, total, idempotency_key, request_hash, expires_at)
  VALUES (p_user, p_event, 0, p_key, p_hash, now() + make_interval(secs => p_payment_seconds))
  ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING id INTO v_reservation;
  IF v_reservation IS NULL THEN
    RETURN jsonb_build_object('kind', 'duplicate');
  END IF;

  SELECT id INTO v_hold FROM holds
   WHERE event_id = p_event AND user_id = p_user AND status = 'active' AND expires_at > now() FOR UPDATE;
  IF v_hold IS NULL THEN
    RAISE EXCEPTION 'hold expired' USING ERRCODE = 'TK410',
      DETAIL = jsonb_build_object('kind', 'hold-expired', 'seatIds', to_jsonb(p_seats))::text;
  END IF;

  WITH items AS (
    INSERT INTO reservation_items (reservation_id, seat_id, quantity, unit_price)
    SELECT v_reservation, s.id, 1, pt.price
      FROM seats s JOIN price_tiers pt ON pt.event_id = s.event_id AND pt.tier = s.tier
     WHERE s.hold_id = v_hold AND s.id = ANY (p_seats) AND s.status = 'held'
    RETURNING seat_id)
  SELECT coalesce(array_agg(seat_id), '{}') INTO v_items FROM items;
  IF cardinality(v_items) <> cardinality(p_seats) THEN
    RAISE EXCEPTION 'seats not in the hold' USING ERRCODE = 'TK410', DETAIL = jsonb_build_object(
      'kind', 'hold-expired',
      'seatIds', (SELECT coalesce(jsonb_agg(x ORDER BY o), '[]') FROM unnest(p_seats) WITH ORDINALITY AS u (x, o)
                  WHERE x <> ALL (v_items)))::text;
  END IF;

  WITH reserved AS (
    UPDATE seats SET status = 'reserved', reservation_id = v_reservation, hold_id = NULL,
                     version = version + 1, updated_at = now()
     WHERE id = ANY (p_seats) AND hold_id = v_hold AND status = 'held' RETURNING id)
  SELECT coalesce(array_agg(id), '{}') INTO v_reserved FROM reserved;
  -- The hold row is locked, so this cannot differ from the items just read; checked all the same.
  IF cardinality(v_reserved) <> cardinality(p_seats) THEN
    RAISE EXCEPTION 'seat count changed under lock';
  END IF;

  -- Seats of the hold not taken into the reservation go back on sale.
  WITH released AS (
    UPDATE seats SET status = 'available', hold_id = NULL, version = version + 1, updated_at = now()
     WHERE hold_id = v_hold AND status = 'held' RETURNING id)
  SELECT coalesce(array_agg(id), '{}') INTO v_released FROM released;

  -- The hold's timer keeps running: once converted it watches the reservation's payment deadline.
  UPDATE holds SET status = 'converted', closed_at = now() WHERE id = v_hold;
  UPDATE reservations SET hold_id = v_hold,
         total = (SELECT coalesce(sum(quantity * unit_price), 0) FROM reservation_items
                   WHERE reservation_id = v_reservation)
   WHERE id = v_reservation;

  RETURN jsonb_build_object('kind', 'created', 'reservationId', v_reservation, 'holdId', v_hold,
                            'reservedSeatIds', to_jsonb(v_reserved), 'releasedSeatIds', to_jsonb(v_released));
END
$$;

-- Down Migration
DROP FUNCTION IF EXISTS tiketi_reserve_seats(uuid, uuid, text, text, uuid[], integer);
