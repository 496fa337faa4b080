// Bundles the planning office's console (console/main.ts, issue 9) into dist/console/ with its page and
// stylesheet; server/console.ts serves that folder at /console/.
import { bundle } from './bundle.mjs';

const { kb } = await bundle({ name: 'console', entry: 'main', target: ['es2022', 'chrome100', 'edge100'], copy: ['index.html', 'style.css'] });
console.log(`console → dist/console (main.js ${kb} KB)`);
