// Bundles the task pane (addin/taskpane.ts + Fluent UI web components, no CDN) into dist/addin/ with
// its page, stylesheet and help page; server/static.ts serves that folder at /addin/.
// QINGDAN_OFFICE_JS: where the page loads office.js from — unset/`local`: the server's copy at
// ../office-js/office.js (intranets without internet); `cdn`: Microsoft's CDN; `21vianet` (or `china`):
// the CDN for Microsoft 365 operated by 21Vianet in China; or any https URL.
import { readFileSync, writeFileSync } from 'node:fs';
import { bundle, root } from './bundle.mjs';

export const OFFICE_JS = {
  local: '../office-js/office.js',
  cdn: 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js',
  '21vianet': 'https://appsforoffice.cdn.partner.office365.cn/appsforoffice/lib/1/hosted/office.js',
};
OFFICE_JS.china = OFFICE_JS['21vianet'];

export function officeJsFrom(value) {
  const v = (value ?? '').trim();
  if (!v) return OFFICE_JS.local;
  if (OFFICE_JS[v.toLowerCase()]) return OFFICE_JS[v.toLowerCase()];
  if (/^https:\/\//.test(v) || v.startsWith('../') || v.startsWith('/')) return v;
  throw new Error(`QINGDAN_OFFICE_JS 须为 local、cdn、21vianet（china）或 https 地址：${v}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const officeJs = officeJsFrom(process.env.QINGDAN_OFFICE_JS);
  const { out, kb } = await bundle({
    name: 'addin',
    entry: 'taskpane',
    target: ['es2020', 'chrome90', 'edge90', 'safari15'],
    copy: ['taskpane.css', 'help.html'],
  });
  writeFileSync(`${out}/taskpane.html`, readFileSync(`${root}addin/taskpane.html`, 'utf8').replace('%OFFICE_JS%', officeJs));
  console.log(`addin → dist/addin (taskpane.js ${kb} KB, office.js from ${officeJs})`);
}
