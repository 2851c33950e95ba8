import { defineConfig } from 'vitest/config';

// Built into dist/, which `sitroom serve` serves at `/` (see --web-dir). In development,
// `npx vite` proxies the APIs to a server on :8080.
const api = 'http://127.0.0.1:8080';
export default defineConfig({
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 1200,
    rollupOptions: { input: { main: 'index.html', layers: 'layers.html', public: 'public.html', subscribers: 'subscribers.html', records: 'records.html' } },
  },
  server: {
    proxy: Object.fromEntries(['/api', '/tiles', '/catalog', '/ogc', '/events', '/fonts', '/health'].map((p) => [p, api])),
  },
  // CSS processed, so that the palette test reads the stylesheet's text.
  test: { environment: 'happy-dom', css: true },
});
