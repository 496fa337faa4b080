// Bundles the server (server/main.ts) into dist/server.mjs for `npm start`: run by plain node, not
// through tsx, whose loader thread and per-module transforms held ~70 MB of the idle server's ~180 MB
// RSS (issue 13). Packages stay in node_modules (external). dist/ sits one level under the project like
// server/, so paths built from import.meta.url with one `..` (seeds, dist/dashboard, static files,
// server/root.ts) resolve the same from the bundle.
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { root } from './bundle.mjs';

const outfile = `${root}dist/server.mjs`;
await build({
  entryPoints: [`${root}server/main.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
console.log(`server → dist/server.mjs (${(statSync(outfile).size / 1024).toFixed(0)} KB)`);
