import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { isApiError, useApiClient } from '../../../lib/api';
import type { Hold, HoldResponse } from '../../../lib/contract';
import { errorMessage, type Message, messageForCode, unavailableSeatIds } from '../../../lib/error-message';
import { useRealtimeMessage, useRealtimeReconnect } from '../../../lib/realtime';
import { useHold } from '../api/get-hold';
import { seatKeys } from '../api/seat-keys';
import type { LiveSeatStore } from '../utils/live-seat-store';
import { AVAILABLE, HELD, type SeatModel, seatIdOf, seatIndexOf, seatLabel } from '../utils/seat-map-model';
import type { PendingKind } from '../utils/seat-state';

export interface SelectionFeedback {
  /** Bumped per message so the same text is announced again. */
  id: number;
  tone: 'error' | 'info';
  message: Message;
}

interface Options {
  eventId: string;
  model: SeatModel | null;
  store: LiveSeatStore;
  signedIn: boolean;
  userId: string | null;
  /** The event's per-user seat limit (the hold's `maxSeats` wins once there is a hold). */
  maxSeatsPerUser: number;
}

/**
 * Selecting a seat locks it at once (`seats.lock`: the hold is the server's truth), deselecting unlocks it.
 * Calls run one at a time, in click order, so hold responses never overwrite each other out of order; while
 * a seat's call is in flight it is "pending". A 409 marks the seats someone else took as taken; the hold is
 * re-read when realtime shows it changed elsewhere (expiry, another tab).
 */
export function useSeatSelection({ eventId, model, store, signedIn, userId, maxSeatsPerUser }: Options) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const holdQuery = useHold(eventId, signedIn);
  const hold: Hold | null = signedIn ? (holdQuery.data?.hold ?? null) : null;
  const [pending, setPending] = useState<ReadonlyMap<number, PendingKind>>(() => new Map());
  // The same, updated synchronously: a double click must not queue the same seat twice before a re-render.
  const pendingNow = useRef(new Map<number, PendingKind>());
  const [feedback, setFeedback] = useState<SelectionFeedback | null>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const feedbackId = useRef(0);
  const maxSeats = hold?.maxSeats ?? maxSeatsPerUser;

  const mine = useMemo(() => {
    const set = new Set<number>();
    if (!model || !hold) return set;
    for (const seat of hold.seats) {
      const index = seatIndexOf(model, seat.id);
      if (index !== -1) set.add(index);
    }
    return set;
  }, [model, hold]);

  const say = (tone: SelectionFeedback['tone'], message: Message) => {
    feedbackId.current += 1;
    setFeedback({ id: feedbackId.current, tone, message });
  };

  const refreshHold = () => void queryClient.invalidateQueries({ queryKey: seatKeys.hold(eventId) });

  useRealtimeReconnect(refreshHold);
  // My hold changed elsewhere: a release of one of my seats (expiry, another tab), or a lock in my name that
  // this tab did not make (another tab).
  useRealtimeMessage('seat-released', (data) => {
    if (data.eventId !== eventId || !model) return;
    if (data.seats.some((seat) => mine.has(seatIndexOf(model, seat.id)))) refreshHold();
  });
  useRealtimeMessage('seat-locked', (data) => {
    if (data.eventId !== eventId || !model || !userId) return;
    const foreign = data.seats.some((seat) => {
      if (seat.userId !== userId) return false;
      const index = seatIndexOf(model, seat.id);
      return index !== -1 && !mine.has(index) && !pending.has(index);
    });
    if (foreign) refreshHold();
  });

  const setPendingFor = (index: number, kind: PendingKind | null) => {
    if (kind) pendingNow.current.set(index, kind);
    else pendingNow.current.delete(index);
    setPending(new Map(pendingNow.current));
  };

  const run = (kind: PendingKind, index: number, currentModel: SeatModel) => {
    const seatId = seatIdOf(currentModel, index);
    const label = seatLabel(currentModel, index);
    setPendingFor(index, kind);
    queue.current = queue.current.then(async () => {
      try {
        const response: HoldResponse = await client.call(kind === 'add' ? 'seats.lock' : 'seats.unlock', {
          body: { eventId, seatIds: [seatId] },
        });
        queryClient.setQueryData(seatKeys.hold(eventId), response);
        store.setLocal([index], kind === 'add' ? HELD : AVAILABLE);
        const count = response.hold?.seats.length ?? 0;
        say(
          'info',
          kind === 'add'
            ? (t) => t('seatMap.selected', { label, count, max: response.hold?.maxSeats ?? maxSeats })
            : (t) => t('seatMap.deselected', { label, count }),
        );
      } catch (error) {
        if (isApiError(error) && error.code === 'SEAT_UNAVAILABLE') {
          const taken = unavailableSeatIds(error).map((id) => seatIndexOf(currentModel, id));
          store.setLocal(taken.length > 0 ? taken.filter((i) => i !== -1) : [index], HELD);
        }
        if (kind === 'remove' || (isApiError(error) && error.code === 'HOLD_EXPIRED')) refreshHold();
        say('error', errorMessage(error, { maxSeats }));
      } finally {
        setPendingFor(index, null);
      }
    });
  };

  /** Click, Enter or Space on a seat. */
  const toggle = (index: number) => {
    if (!model || index < 0 || index >= model.count) return;
    if (!signedIn) {
      say('error', (t) => t('seatMap.signInToSelect'));
      return;
    }
    if (pendingNow.current.has(index)) return;
    if (mine.has(index)) {
      run('remove', index, model);
      return;
    }
    if (store.getStatuses()?.[index] !== AVAILABLE) {
      say('error', (t) => t('seatMap.seatTaken', { label: seatLabel(model, index) }));
      return;
    }
    const adding = [...pendingNow.current.values()].filter((kind) => kind === 'add').length;
    if (mine.size + adding >= maxSeats) {
      say('error', messageForCode('LIMIT_EXCEEDED', { maxSeats }));
      return;
    }
    run('add', index, model);
  };

  /** The remove button of a seat in the hold list. */
  const remove = (seatId: string) => {
    const index = model ? seatIndexOf(model, seatId) : -1;
    if (model && index !== -1) {
      if (!pendingNow.current.has(index)) run('remove', index, model);
      return;
    }
    // A held seat this map does not show (should not happen): unlock it anyway.
    void client
      .call('seats.unlock', { body: { eventId, seatIds: [seatId] } })
      .then((response) => queryClient.setQueryData(seatKeys.hold(eventId), response))
      .catch((error: unknown) => say('error', errorMessage(error)));
  };

  return {
    hold,
    holdQuery,
    mine,
    pending,
    maxSeats,
    feedback,
    toggle,
    remove,
    refreshHold,
    dismissFeedback: () => setFeedback(null),
  };
}
