// Builds the dashboard into dist/: one bundled module, the stylesheet, the page and the world atlas, nothing else.
// The API serves dist/ under /dashboard/ (src/ChipRegistry.Api/Dashboard/DashboardHosting.cs).
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';

const out = new URL('./dist/', import.meta.url);
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: ['src/main.js'],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  outfile: 'dist/app.js',
  logLevel: 'warning',
});
await copyFile(new URL('./index.html', import.meta.url), new URL('index.html', out));
await copyFile(new URL('./style.css', import.meta.url), new URL('style.css', out));
await copyFile(new URL('./favicon.svg', import.meta.url), new URL('favicon.svg', out));
// Natural Earth 1:110m, as world-atlas publishes it: the map is drawn from this file, never from a tile server.
await copyFile(new URL('./node_modules/world-atlas/countries-110m.json', import.meta.url), new URL('countries-110m.json', out));
console.log('dashboard built into dist/');
