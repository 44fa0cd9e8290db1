import { createContext, useContext } from 'react';
import type { RealtimeClient } from './realtime-client';

/** The tab's realtime client; null outside <RealtimeProvider> (the hooks then do nothing). */
export const RealtimeContext = createContext<RealtimeClient | null>(null);

export function useRealtimeClient(): RealtimeClient | null {
  return useContext(RealtimeContext);
}
