import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { eventKeys } from '../features/events/api/event-keys';
import { createAdmissionStore, safeSessionStorage } from '../lib/admission';
import { type ApiClient, ApiClientProvider, createApiClient, isApiError } from '../lib/api';
import { I18nProvider } from '../lib/i18n';
import { RealtimeProvider } from '../lib/realtime';
import type { RuntimeConfig } from '../lib/runtime-config';
import { createSessionStore } from '../lib/session/session-store';
import { safeLocalStorage } from '../lib/storage';

function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Client errors (4xx) will not change on retry; network blips and 5xx might.
        retry: (failureCount, error) =>
          failureCount < 2 && (!isApiError(error) || error.status === 0 || error.status >= 500),
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
}

function createClient(config: RuntimeConfig): ApiClient {
  const session = createSessionStore({ storage: safeLocalStorage() });
  // Waiting-room admissions last for the tab (a reload keeps them; another tab goes through the room).
  const admission = createAdmissionStore({ storage: safeSessionStorage() });
  return createApiClient({ baseUrl: config.apiUrl, session, admission });
}

export function AppProvider({ config, children }: { config: RuntimeConfig; children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  const [apiClient] = useState(() => createClient(config));

  // Sign-in, sign-out and token rotation in other tabs.
  useEffect(() => {
    const onStorage = () => apiClient.session.syncFromStorage();
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [apiClient]);

  return (
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <ApiClientProvider client={apiClient}>
          {/* After a realtime gap, re-fetch the (visible) event data whose updates may have been missed. */}
          <RealtimeProvider
            url={config.wsUrl}
            onReconnect={() => void queryClient.invalidateQueries({ queryKey: eventKeys.all })}
          >
            {children}
          </RealtimeProvider>
        </ApiClientProvider>
      </QueryClientProvider>
    </I18nProvider>
  );
}
