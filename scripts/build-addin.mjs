// Bundles the task pane (addin/taskpane.ts + Fluent UI web components, no CDN) into dist/addin/ with
// its page, stylesheet and help page; server/static.ts serves that folder at /addin/.
// QINGDAN_OFFICE_JS: where the page loads office.js from (default: the server's local copy at
// ../office-js/office.js; Microsoft's CDN is https://appsforoffice.microsoft.com/lib/1/hosted/office.js).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/addin`;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [`${root}addin/taskpane.ts`],
  outfile: `${out}/taskpane.js`,
  bundle: true,
  format: 'esm',
  target: ['es2020', 'chrome90', 'edge90', 'safari15'],
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
const officeJs = process.env.QINGDAN_OFFICE_JS || '../office-js/office.js';
writeFileSync(`${out}/taskpane.html`, readFileSync(`${root}addin/taskpane.html`, 'utf8').replace('%OFFICE_JS%', officeJs));
for (const f of ['taskpane.css', 'help.html']) copyFileSync(`${root}addin/${f}`, `${out}/${f}`);
console.log(`addin → dist/addin (taskpane.js ${(statSync(`${out}/taskpane.js`).size / 1024).toFixed(0)} KB, office.js from ${officeJs})`);
