// Serves the built planning office's console (issue 9) (dist/console, from scripts/build-console.mjs) at /console/.
// The page itself is public; its data comes from /api/v1 with the user's token.
import { serveStatic } from '@hono/node-server/serve-static';
import type { Env, Hono } from 'hono';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { problem } from './routes/problem';

export const CONSOLE_DIR = fileURLToPath(new URL('../dist/console', import.meta.url));

export function mountConsole<E extends Env>(app: Hono<E>, dir = CONSOLE_DIR): void {
  app.get('/console', (c) => c.redirect('/console/', 301));
  app.use('/console/*', async (c, next) => {
    if (!existsSync(`${dir}/index.html`)) return problem(c, 503, 'CONSOLE_NOT_BUILT', '规划办工作台尚未构建：请先运行 npm run build');
    await next();
  });
  app.use('/console/*', serveStatic({ root: dir, rewriteRequestPath: (p) => p.replace(/^\/console/, '') }));
}
