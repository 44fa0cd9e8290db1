import type { SessionStore } from '../session/session-store';
import type { RealtimeClient } from './realtime-client';

/**
 * Keeps the realtime client in step with the session: sign-in starts it, sign-out (here or in another tab)
 * stops it, another user signing in (another tab) reconnects as them, and a refreshed token lets a waiting
 * reconnect try at once. A routine refresh for the same user keeps an open connection: the token is only
 * checked at `$connect`, and the next reconnect uses the new one. Returns the unsubscribe.
 */
export function followSession(
  client: Pick<RealtimeClient, 'start' | 'stop' | 'restart' | 'tokenChanged'>,
  session: Pick<SessionStore, 'getSnapshot' | 'getAccessToken' | 'subscribe'>,
): () => void {
  let signedIn = session.getSnapshot().signedIn;
  let userId = session.getSnapshot().user?.id ?? null;
  let token = session.getAccessToken();
  if (signedIn) client.start();
  return session.subscribe(() => {
    const snapshot = session.getSnapshot();
    const nextUserId = snapshot.user?.id ?? null;
    const nextToken = session.getAccessToken();
    if (!snapshot.signedIn) client.stop();
    else if (!signedIn) client.start();
    else if (userId && nextUserId && userId !== nextUserId) client.restart();
    else if (nextToken && nextToken !== token) client.tokenChanged();
    signedIn = snapshot.signedIn;
    // The profile may arrive after sign-in (resumed session): remember the first id seen.
    userId = snapshot.signedIn ? (nextUserId ?? userId) : null;
    token = nextToken;
  });
}
