// Bundles the leaders' dashboard (dashboard/main.ts + ECharts from node_modules, no CDN) into
// dist/dashboard/ with its page and stylesheet; server/dashboard.ts serves that folder at /dashboard/.
import { bundle } from './bundle.mjs';

const { kb } = await bundle({ name: 'dashboard', entry: 'main', target: ['es2022', 'chrome100', 'edge100'], copy: ['index.html', 'style.css'] });
console.log(`dashboard → dist/dashboard (main.js ${kb} KB)`);
