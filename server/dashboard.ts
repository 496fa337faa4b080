// Serves the built leaders' dashboard (dist/dashboard, from scripts/build-dashboard.mjs) at /dashboard/.
// The page itself is public; its data comes from /api/v1 with the user's token.
import { serveStatic } from '@hono/node-server/serve-static';
import type { Env, Hono } from 'hono';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { problem } from './routes/problem';

export const DASHBOARD_DIR = fileURLToPath(new URL('../dist/dashboard', import.meta.url));

export function mountDashboard<E extends Env>(app: Hono<E>, dir = DASHBOARD_DIR): void {
  app.get('/dashboard', (c) => c.redirect('/dashboard/', 301));
  app.use('/dashboard/*', async (c, next) => {
    if (!existsSync(`${dir}/index.html`)) return problem(c, 503, 'DASHBOARD_NOT_BUILT', '看板尚未构建：请先运行 npm run build');
    await next();
  });
  app.use('/dashboard/*', serveStatic({ root: dir, rewriteRequestPath: (p) => p.replace(/^\/dashboard/, '') }));
}
