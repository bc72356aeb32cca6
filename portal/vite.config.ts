import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the NebulaHex server under /portal/ (server/src/portal/static.ts), same origin as the API.
export default defineConfig({
  base: '/portal/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Nothing inline: the portal's CSP allows scripts and styles from its own origin only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/portal/session': 'http://127.0.0.1:3000' } },
});
