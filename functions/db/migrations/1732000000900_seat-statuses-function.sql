-- Up Migration
-- The seat map's status read (see incrementalStatuses) as a function, so PostgreSQL keeps its plans per
-- connection instead of planning the aggregate on every map request. STABLE on purpose: the function's
-- statements then share the calling statement's snapshot, so the xmin returned and the seats read are of the
-- same snapshot (a VOLATILE function would take a new snapshot per statement).
-- Returns nothing (null xmin) for a missing or draft event; seats as `<uuid><status>,` per seat, every seat in
-- storage order when p_since is null, else only those a transaction >= p_since changed.

CREATE FUNCTION tiketi_seat_statuses(p_event uuid, p_since xid8, OUT xmin text, OUT seats text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  PERFORM 1 FROM events WHERE id = p_event AND status <> 'draft';
  IF NOT FOUND THEN
    RETURN;
  END IF;
  xmin := pg_snapshot_xmin(pg_current_snapshot())::text;
  IF p_since IS NULL THEN
    SELECT string_agg(s.id::text || s.status || ',', '' ORDER BY s.section_id, s.row_label, s.seat_number)
      INTO seats FROM seats s WHERE s.event_id = p_event;
  ELSE
    SELECT string_agg(s.id::text || s.status || ',', '')
      INTO seats FROM seats s WHERE s.event_id = p_event AND s.status_xid >= p_since;
  END IF;
END
$$;

-- Down Migration
DROP FUNCTION IF EXISTS tiketi_seat_statuses(uuid, xid8);
