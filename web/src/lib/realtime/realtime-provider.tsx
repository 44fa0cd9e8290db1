import { type ReactNode, useEffect, useEffectEvent, useState } from 'react';
import { type ApiClient, useApiClient } from '../api';
import { followSession } from './follow-session';
import { RealtimeClient } from './realtime-client';
import { RealtimeContext } from './realtime-context';
import { resolveWsUrl } from './ws-url';

export interface RealtimeProviderProps {
  /** `config.json`'s `wsUrl`; empty turns realtime off. */
  url: string;
  /** After a reconnect: re-fetch the visible data, since messages sent during the gap are lost. */
  onReconnect?: () => void;
  children: ReactNode;
}

function createClient(api: ApiClient, wsUrl: string): { client: RealtimeClient; enabled: boolean } {
  const url = typeof window === 'undefined' ? null : resolveWsUrl(wsUrl, window.location);
  const client = new RealtimeClient({
    url: url ?? 'ws://invalid.invalid/',
    // The in-memory access token, or a silent refresh (single-flight, shared with API calls) after a reload.
    getToken: () => api.session.getAccessToken() ?? api.refresh(),
    // The upgrade kept being refused: the token may be revoked or signed with a rotated key. A refused
    // refresh clears the session, which stops the client (below).
    onAuthRejected: () => api.refresh(),
    WebSocket: globalThis.WebSocket,
    online: typeof navigator === 'undefined' ? true : navigator.onLine,
    log: (level, message, detail) => {
      if (level === 'debug') return;
      console[level](message, ...(detail === undefined ? [] : [detail]));
    },
  });
  return { client, enabled: url !== null && typeof globalThis.WebSocket === 'function' };
}

/**
 * One realtime connection per tab, for signed-in users only: the WebSocket API authenticates at `$connect`
 * with an access token, so anonymous visitors get no socket (the status stays `idle`, or `offline` when the
 * browser has no network). Follows the session: sign-in connects, sign-out closes, another user signing in
 * (in another tab) reconnects as them, a refreshed token lets a waiting reconnect try at once.
 */
export function RealtimeProvider({ url, onReconnect, children }: RealtimeProviderProps) {
  const api = useApiClient();
  const [{ client, enabled }] = useState(() => createClient(api, url));
  const handleReconnect = useEffectEvent(() => onReconnect?.());

  useEffect(() => client.onReconnect(() => handleReconnect()), [client]);

  useEffect(() => {
    const update = () => client.setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    update();
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, [client]);

  // A tab whose connection was replaced by newer ones reconnects when it is looked at again.
  useEffect(() => {
    const wake = () => {
      if (document.visibilityState === 'visible') client.wake();
    };
    document.addEventListener('visibilitychange', wake);
    window.addEventListener('focus', wake);
    return () => {
      document.removeEventListener('visibilitychange', wake);
      window.removeEventListener('focus', wake);
    };
  }, [client]);

  useEffect(() => {
    if (!enabled) return;
    const unfollow = followSession(client, api.session);
    return () => {
      unfollow();
      client.stop();
    };
  }, [api, client, enabled]);

  return <RealtimeContext value={client}>{children}</RealtimeContext>;
}
