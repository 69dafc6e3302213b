import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** The skipper server during development (`npm run server`). */
const backend = 'http://localhost:3000';
const proxy = {
  '/api': backend,
  '/ws': { target: backend, ws: true },
  '/demo': backend,
  '/health': backend,
};

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  // The UI imports ../protocol, which sits outside this root.
  server: { fs: { allow: [repositoryRoot] }, proxy },
  preview: { proxy },
});
