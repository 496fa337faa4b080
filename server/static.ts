// The add-in's static files: the built task pane (dist/addin, from scripts/build-addin.mjs) at /addin/,
// a local office.js (node_modules/@microsoft/office-js/dist) at /office-js/ for intranets without
// internet, the manifest at /manifest.xml and the ribbon icons at /assets/. "/" goes to the dashboard
// when it is built, else to the task pane.
import { serveStatic } from '@hono/node-server/serve-static';
import type { Env, Hono } from 'hono';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildManifest, devBaseUrl } from './manifest/manifest';
import { problem } from './routes/problem';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
export const ADDIN_DIR = root('dist/addin');
export const OFFICE_JS_DIR = root('node_modules/@microsoft/office-js/dist');
export const ASSETS_DIR = root('assets');
export const MANIFEST_FILE = root('manifest.xml');
const DASHBOARD_INDEX = root('dist/dashboard/index.html');

export interface AddinOptions {
  addinDir?: string;
  /** QINGDAN_PUBLIC_URL: serve a manifest generated for this https URL instead of the dev manifest.xml. */
  publicUrl?: string;
  /** PORT: the dev manifest's URL port when no public URL is set. */
  port?: number | string;
}

export function mountAddin<E extends Env>(app: Hono<E>, opts: AddinOptions = {}): void {
  const addinDir = opts.addinDir ?? ADDIN_DIR;
  const publicUrl = opts.publicUrl ?? process.env.QINGDAN_PUBLIC_URL;
  // Without a public URL the dev manifest points at https://localhost:PORT (manifest.xml is for 3000).
  const port = opts.port ?? process.env.PORT;
  const manifest = publicUrl ? buildManifest(publicUrl) : port && String(port) !== '3000' ? buildManifest(devBaseUrl(port)) : null;

  app.get('/', (c) => c.redirect(existsSync(DASHBOARD_INDEX) ? '/dashboard/' : '/addin/taskpane.html', 302));
  app.get('/addin', (c) => c.redirect('/addin/taskpane.html', 301));
  app.get('/addin/', (c) => c.redirect('/addin/taskpane.html', 302));
  app.use('/addin/*', async (c, next) => {
    if (!existsSync(`${addinDir}/taskpane.html`)) return problem(c, 503, 'ADDIN_NOT_BUILT', '任务窗格尚未构建：请先运行 npm run build');
    await next();
  });
  app.use('/addin/*', serveStatic({ root: addinDir, rewriteRequestPath: (p) => p.replace(/^\/addin/, '') }));
  app.use('/office-js/*', async (c, next) => {
    await next();
    // office.js and its locale files are versioned by the package: let the browser cache them.
    if (c.res.status === 200) c.header('cache-control', 'public, max-age=86400');
  });
  app.use('/office-js/*', serveStatic({ root: OFFICE_JS_DIR, rewriteRequestPath: (p) => p.replace(/^\/office-js/, '') }));
  app.use('/assets/*', serveStatic({ root: ASSETS_DIR, rewriteRequestPath: (p) => p.replace(/^\/assets/, '') }));
  app.get('/manifest.xml', (c) => {
    const xml = manifest ?? readFileSync(MANIFEST_FILE, 'utf8');
    return c.body(xml, 200, { 'content-type': 'application/xml; charset=utf-8' });
  });
}
