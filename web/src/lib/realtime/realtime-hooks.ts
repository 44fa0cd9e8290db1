import { useEffect, useEffectEvent, useSyncExternalStore } from 'react';
import type { ServerMessageType } from '../contract';
import type { MessageHandler, RealtimeStatus } from './realtime-client';
import { useRealtimeClient } from './realtime-context';

const noSubscription = () => () => {};
const idle = (): RealtimeStatus => 'idle';

/** The connection status; `idle` outside a provider. */
export function useRealtimeStatus(): RealtimeStatus {
  const client = useRealtimeClient();
  return useSyncExternalStore(
    client?.onStatus ?? noSubscription,
    client?.getStatus ?? idle,
    client?.getStatus ?? idle,
  );
}

/**
 * Calls `handler` for every server message of `type` while the component is mounted. The handler may
 * change on every render (it always sees the latest props and state); the subscription does not.
 */
export function useRealtimeMessage<T extends ServerMessageType>(type: T, handler: MessageHandler<T>): void {
  const client = useRealtimeClient();
  const onMessage = useEffectEvent(handler);
  useEffect(() => {
    if (!client) return;
    return client.subscribe(type, (data, message) => onMessage(data, message));
  }, [client, type]);
}

/** Keeps the connection joined to `eventId` (its `event:{id}` topic) while mounted; nothing for undefined. */
export function useJoinEvent(eventId: string | undefined): void {
  const client = useRealtimeClient();
  useEffect(() => {
    if (!client || !eventId) return;
    return client.joinEvent(eventId);
  }, [client, eventId]);
}

/** Runs `handler` after every reconnect (the connection came back after a gap). */
export function useRealtimeReconnect(handler: () => void): void {
  const client = useRealtimeClient();
  const onReconnect = useEffectEvent(handler);
  useEffect(() => {
    if (!client) return;
    return client.onReconnect(() => onReconnect());
  }, [client]);
}
