import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { BootError } from './app/boot-error';
import { loadRuntimeConfig } from './lib/runtime-config';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('#root is missing from index.html');
const root = createRoot(container);

/** Fetch /config.json first: nothing renders until the app knows its API and WebSocket URLs. */
async function boot(): Promise<void> {
  try {
    const config = await loadRuntimeConfig();
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    );
  } catch (error) {
    console.error(error);
    root.render(<BootError detail={error instanceof Error ? error.message : String(error)} onRetry={boot} />);
  }
}

void boot();
