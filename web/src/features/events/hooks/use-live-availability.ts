import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { EventDetail, EventList } from '../../../lib/contract';
import { useJoinEvent, useRealtimeMessage } from '../../../lib/realtime';
import { eventKeys } from '../api/event-keys';
import { isEventId } from '../api/get-event';
import { applyTicketUpdate, patchListAvailability } from '../utils/live-availability';

/** Coalesces seat-change refetches: at most one per window, always one starting after the last message. */
const SEAT_REFETCH_WINDOW_MS = 500;

/**
 * Live availability for the open event page: joins the event's realtime topic and writes `ticket-updated`
 * counts straight into the cached detail (and any cached list page showing it), without a refetch.
 * `seat-locked` / `seat-released` carry seats, not counts: for seat-map events they trigger a (coalesced)
 * refetch. Returns when the last live update was applied, for the "updated live" note.
 */
export function useLiveAvailability(eventId: string | undefined, hasSeatMap: boolean): number | null {
  const queryClient = useQueryClient();
  const id = isEventId(eventId) ? eventId : undefined;
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useJoinEvent(id);

  useEffect(
    () => () => {
      if (refetchTimer.current) clearTimeout(refetchTimer.current);
      refetchTimer.current = null;
    },
    [],
  );

  /** Refetches the detail soon; never cancels a fetch in flight (it waits for it, then fetches again). */
  const scheduleRefetch = (eventKey: readonly unknown[]) => {
    if (refetchTimer.current) return;
    const flush = () => {
      if (queryClient.getQueryState(eventKey)?.fetchStatus === 'fetching') {
        refetchTimer.current = setTimeout(flush, SEAT_REFETCH_WINDOW_MS);
        return;
      }
      refetchTimer.current = null;
      void queryClient.invalidateQueries({ queryKey: eventKey, exact: true });
    };
    refetchTimer.current = setTimeout(flush, SEAT_REFETCH_WINDOW_MS);
  };

  useRealtimeMessage('ticket-updated', (data) => {
    if (!id || data.eventId !== id) return;
    const key = eventKeys.detail(id);
    const current = queryClient.getQueryData<EventDetail>(key);
    const next = current ? applyTicketUpdate(current, data) : null;
    if (!next) {
      scheduleRefetch(key);
      return;
    }
    queryClient.setQueryData<EventDetail>(key, next);
    queryClient.setQueriesData<EventList>({ queryKey: [...eventKeys.all, 'list'] }, (list) =>
      list ? patchListAvailability(list, id, next.availability) : list,
    );
    setUpdatedAt(Date.now());
  });

  const onSeatChange = (data: { eventId: string }) => {
    if (!id || !hasSeatMap || data.eventId !== id) return;
    scheduleRefetch(eventKeys.detail(id));
    setUpdatedAt(Date.now());
  };
  useRealtimeMessage('seat-locked', onSeatChange);
  useRealtimeMessage('seat-released', onSeatChange);

  return updatedAt;
}
