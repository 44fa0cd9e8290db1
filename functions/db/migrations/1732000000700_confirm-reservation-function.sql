-- Up Migration
-- The payment saga's ConfirmReservation step as one server-side function (seven round trips before): the
-- payment locked, the reservation confirmed only while still pending and inside its deadline, every reserved
-- seat sold (a partial order is never confirmed), the payment approved. A re-run after it committed reports
-- what was sold and changes nothing. Refusals RAISE SQLSTATE TK402 with the reason in DETAIL; p_fault (the
-- local stack's test switch) raises TKFLT where the confirmation would start, so nothing is written.

CREATE FUNCTION tiketi_confirm_reservation(p_payment uuid, p_fault boolean)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_payment record;
  v_event uuid;
  v_sold uuid[];
  v_seats integer;
  v_ga integer;
BEGIN
  SELECT status, reservation_id INTO v_payment FROM payments WHERE id = p_payment FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'not payable' USING ERRCODE = 'TK402', DETAIL = format('payment %s does not exist', p_payment);
  END IF;
  SELECT count(*) FILTER (WHERE seat_id IS NOT NULL), count(*) FILTER (WHERE ticket_type_id IS NOT NULL)
    INTO v_seats, v_ga FROM reservation_items WHERE reservation_id = v_payment.reservation_id;

  IF v_payment.status = 'approved' THEN
    SELECT event_id INTO v_event FROM reservations WHERE id = v_payment.reservation_id;
    SELECT coalesce(array_agg(id), '{}') INTO v_sold FROM seats
     WHERE reservation_id = v_payment.reservation_id AND status = 'sold';
    RETURN jsonb_build_object('eventId', v_event, 'seatIds', to_jsonb(v_sold), 'ticketTypes', v_ga > 0);
  END IF;
  IF v_payment.status <> 'in_progress' THEN
    RAISE EXCEPTION 'not payable' USING ERRCODE = 'TK402',
      DETAIL = format('payment is %s, not in progress', v_payment.status);
  END IF;
  IF p_fault THEN
    RAISE EXCEPTION 'injected fault' USING ERRCODE = 'TKFLT';
  END IF;

  UPDATE reservations SET status = 'confirmed', updated_at = now()
   WHERE id = v_payment.reservation_id AND status = 'pending_payment' AND expires_at > now()
  RETURNING event_id INTO v_event;
  IF v_event IS NULL THEN
    RAISE EXCEPTION 'not payable' USING ERRCODE = 'TK402',
      DETAIL = 'the reservation is no longer pending payment';
  END IF;
  WITH sold AS (
    UPDATE seats SET status = 'sold', version = version + 1, updated_at = now()
     WHERE reservation_id = v_payment.reservation_id AND status = 'reserved' RETURNING id)
  SELECT coalesce(array_agg(id), '{}') INTO v_sold FROM sold;
  IF cardinality(v_sold) <> v_seats THEN
    -- Some seat is no longer reserved for this reservation: never confirm a partial order.
    RAISE EXCEPTION 'not payable' USING ERRCODE = 'TK402',
      DETAIL = format('expected %s reserved seats, found %s', v_seats, cardinality(v_sold));
  END IF;
  UPDATE payments SET status = 'approved', approved_at = now(), updated_at = now()
   WHERE id = p_payment AND status = 'in_progress';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'not payable' USING ERRCODE = 'TK402', DETAIL = 'the payment changed meanwhile';
  END IF;
  RETURN jsonb_build_object('eventId', v_event, 'seatIds', to_jsonb(v_sold), 'ticketTypes', v_ga > 0);
END
$$;

-- Down Migration
DROP FUNCTION IF EXISTS tiketi_confirm_reservation(uuid, boolean);
