// Bundles the leaders' dashboard (dashboard/main.ts + ECharts from node_modules, no CDN) into
// dist/dashboard/ with its page and stylesheet; server/dashboard.ts serves that folder at /dashboard/.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/dashboard`;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [`${root}dashboard/main.ts`],
  outfile: `${out}/main.js`,
  bundle: true,
  format: 'esm',
  target: ['es2022', 'chrome100', 'edge100'],
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css']) copyFileSync(`${root}dashboard/${f}`, `${out}/${f}`);
console.log(`dashboard → dist/dashboard (main.js ${(statSync(`${out}/main.js`).size / 1024).toFixed(0)} KB)`);
