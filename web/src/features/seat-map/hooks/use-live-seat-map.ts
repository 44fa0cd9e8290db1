import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useApiClient } from '../../../lib/api';
import { useJoinEvent, useRealtimeMessage, useRealtimeReconnect } from '../../../lib/realtime';
import { fetchSeatStatuses, useSeatMap } from '../api/get-seat-map';
import { LiveSeatStore } from '../utils/live-seat-store';
import { decodeSeatMap, type SeatModel } from '../utils/seat-map-model';

/**
 * The seat map with live statuses: joins the event's realtime topic and subscribes to seat changes before the
 * map is requested, then keeps the store's statuses current (see LiveSeatStore for the ordering). A realtime
 * gap (reconnect) re-reads the statuses (`?view=status`, the layout does not change), since messages sent
 * during the gap are lost; the whole map if that fails.
 */
export function useLiveSeatMap(eventId: string) {
  const client = useApiClient();
  const [store] = useState(() => new LiveSeatStore());
  useJoinEvent(eventId);
  useRealtimeMessage('seat-locked', (data) => {
    if (data.eventId === eventId) store.apply({ type: 'seat-locked', data });
  });
  useRealtimeMessage('seat-released', (data) => {
    if (data.eventId === eventId) store.apply({ type: 'seat-released', data });
  });

  const query = useSeatMap(eventId, store);
  useRealtimeReconnect(() => {
    if (!store.getModel()) {
      void query.refetch();
      return;
    }
    store.beginLoad();
    fetchSeatStatuses(client, eventId)
      .then((view) => {
        if (!store.setStatusSnapshot(view)) void query.refetch();
      })
      .catch(() => void query.refetch());
  });

  const decoded = useMemo((): { model: SeatModel | null; error: unknown } => {
    if (!query.data) return { model: null, error: null };
    try {
      return { model: decodeSeatMap(query.data), error: null };
    } catch (error) {
      return { model: null, error };
    }
  }, [query.data]);

  useEffect(() => {
    if (decoded.model) store.setSnapshot(decoded.model);
  }, [decoded.model, store]);

  // Re-render on every status change (the legend's counts, the canvas redraw).
  const version = useSyncExternalStore(store.subscribe, store.getVersion, store.getVersion);
  const ready = decoded.model !== null && store.getModel() === decoded.model;
  return {
    store,
    version,
    /** The decoded map once its snapshot is in the store. */
    model: ready ? decoded.model : null,
    isPending: query.isPending || (decoded.model !== null && !ready),
    error: query.error ?? decoded.error,
    refetch: () => void query.refetch(),
  };
}
