import { useEffect, useRef, useState } from 'react';
import { safeSessionStorage } from '../../../lib/admission';
import { useApiClient } from '../../../lib/api';
import { useRealtimeClient } from '../../../lib/realtime';
import { createQueueApi } from '../api/queue-api';
import { type GateView, gateView } from '../utils/gate-view';
import { createStartPositionMemory } from '../utils/start-position';
import {
  INITIAL_WAITING_ROOM_STATE,
  WaitingRoomController,
  type WaitingRoomState,
} from '../utils/waiting-room-controller';
import { useAdmission, useAdmissionRefusals } from './use-admission';

export interface WaitingRoom {
  state: WaitingRoomState;
  view: GateView;
  leave: () => void;
  /** A new visit: after leaving, or after joining failed. */
  rejoin: () => void;
}

/**
 * The waiting room for an event while `enabled` (the event has one and the user is signed in) and this tab
 * holds no admission for it. A 403 ADMISSION_REQUIRED on a protected call drops the admission (the API
 * client does it), which starts a new visit here: the room shows again.
 */
export function useWaitingRoom(eventId: string, enabled: boolean): WaitingRoom {
  const client = useApiClient();
  const realtime = useRealtimeClient();
  const admitted = useAdmission(eventId) !== null;
  const refusals = useAdmissionRefusals(eventId);
  const [visit, setVisit] = useState(0);
  const wanted = enabled && !admitted;
  // The state belongs to one visit: a new visit starts from "joining", never from the last one's end.
  const key = `${eventId}|${visit}|${refusals}`;
  const [snapshot, setSnapshot] = useState({ key: '', state: INITIAL_WAITING_ROOM_STATE });
  const current = useRef<WaitingRoomController | null>(null);

  useEffect(() => {
    if (!wanted) return;
    const room = new WaitingRoomController({
      eventId,
      api: createQueueApi(client),
      realtime,
      admission: client.admission,
      startPositions: createStartPositionMemory(safeSessionStorage()),
    });
    current.current = room;
    const sync = () => setSnapshot({ key, state: room.getState() });
    const unsubscribe = room.subscribe(sync);
    room.start();
    sync();
    return () => {
      unsubscribe();
      room.dispose();
      if (current.current === room) current.current = null;
    };
  }, [client, realtime, eventId, wanted, key]);

  const state = snapshot.key === key ? snapshot.state : INITIAL_WAITING_ROOM_STATE;
  return {
    state,
    view: gateView({ enabled, admitted, phase: state.phase }),
    leave: () => void current.current?.leave(),
    rejoin: () => setVisit((n) => n + 1),
  };
}
