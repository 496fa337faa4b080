// Bundles the task pane (addin/taskpane.ts + Fluent UI web components, no CDN) into dist/addin/ with
// its page, stylesheet and help page; server/static.ts serves that folder at /addin/.
// QINGDAN_OFFICE_JS: where the page loads office.js from (default: the server's local copy at
// ../office-js/office.js; Microsoft's CDN is https://appsforoffice.microsoft.com/lib/1/hosted/office.js).
import { readFileSync, writeFileSync } from 'node:fs';
import { bundle, root } from './bundle.mjs';

const { out, kb } = await bundle({ name: 'addin', entry: 'taskpane', target: ['es2020', 'chrome90', 'edge90', 'safari15'], copy: ['taskpane.css', 'help.html'] });
const officeJs = process.env.QINGDAN_OFFICE_JS || '../office-js/office.js';
writeFileSync(`${out}/taskpane.html`, readFileSync(`${root}addin/taskpane.html`, 'utf8').replace('%OFFICE_JS%', officeJs));
console.log(`addin → dist/addin (taskpane.js ${kb} KB, office.js from ${officeJs})`);
