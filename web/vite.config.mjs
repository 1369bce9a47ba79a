// The dashboard's build: vite bundles web/src (Preact, Chart.js) into web/dist with content-hashed assets;
// scripts/build.mjs runs it and copies the result into the package (dist/web). Nothing is fetched at build
// or run time: no CDN, no remote fonts.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 400 },
});
