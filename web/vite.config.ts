import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// ESM has no __dirname: derive it from this file's URL so the config works from any cwd
// (`vite build --config web/vite.config.ts` from the repo root, or the local gateway's middleware mode).
const webDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = path.resolve(webDir, '..');

export default defineConfig({
  root: webDir,
  base: '/',
  plugins: [react()],
  resolve: {
    alias: {
      '@shared': path.resolve(repoRoot, 'shared'),
    },
  },
  // Runtime settings (API and WebSocket URLs, stage, region) come from /config.json at boot, never from
  // build-time env vars: one build serves every stage.
  envPrefix: 'TIKETI_PUBLIC_',
  build: {
    outDir: path.resolve(webDir, 'dist'),
    emptyOutDir: true,
    // Maps are written (for error tracking) but not referenced from the bundles served to browsers.
    sourcemap: 'hidden',
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: {
    // The app imports ../shared (outside `root`): allow Vite's dev server to read it.
    fs: { allow: [repoRoot] },
  },
});
