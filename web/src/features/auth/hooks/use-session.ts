import { useSyncExternalStore } from 'react';
import { useApiClient } from '../../../lib/api';
import type { SessionSnapshot } from '../../../lib/session/session-store';

/** The current session (user profile, signed-in flag); re-renders on sign-in, sign-out and other tabs. */
export function useSession(): SessionSnapshot {
  const { session } = useApiClient();
  return useSyncExternalStore(session.subscribe, session.getSnapshot, session.getSnapshot);
}
