import { useState } from 'react';
import type { RuntimeConfig } from '../lib/runtime-config';
import { AppProvider } from './provider';
import { AppRouter, createAppRouter } from './router';

export function App({ config }: { config: RuntimeConfig }) {
  const [router] = useState(createAppRouter);
  return (
    <AppProvider config={config}>
      <AppRouter router={router} />
    </AppProvider>
  );
}
