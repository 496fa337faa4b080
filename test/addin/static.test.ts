// server/static.ts: the built task pane, a local office.js, the manifest and icons, and "/".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { mountAddin } from '../../server/static';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  if (!existsSync('dist/addin/taskpane.js')) execFileSync(process.execPath, ['scripts/build-addin.mjs'], { stdio: 'inherit' });
  server = await startTestServer();
});
afterAll(() => server?.close());

const get = (path: string) => fetch(server.url + path, { redirect: 'manual' });

describe('add-in static files', () => {
  it('serves the task pane, which loads the local office.js', async () => {
    const html = await get('/addin/taskpane.html');
    expect(html.status).toBe(200);
    const text = await html.text();
    expect(text).toContain('<script src="../office-js/office.js"></script>');
    expect(text).toContain('taskpane.js');
    expect((await get('/addin/taskpane.js')).headers.get('content-type')).toMatch(/javascript/);
    const office = await get('/office-js/office.js');
    expect(office.status).toBe(200);
    expect(await office.text()).toContain('Office');
    expect(office.headers.get('cache-control')).toContain('max-age');
  });

  it('serves manifest.xml and the ribbon icons; / redirects; unknown files are problem responses', async () => {
    const m = await get('/manifest.xml');
    expect(m.headers.get('content-type')).toMatch(/xml/);
    expect(await m.text()).toBe(readFileSync('manifest.xml', 'utf8'));
    const icon = await get('/assets/icon-80.png');
    expect(
      Buffer.from(await icon.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const root = await get('/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toMatch(/^\/(dashboard\/|addin\/taskpane\.html)$/);
    const missing = await get('/addin/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await get('/office-js/..%2F..%2Fpackage.json')).status).toBe(404);
  });

  it('with a public URL, /manifest.xml points at it', async () => {
    const app = new Hono();
    mountAddin(app, { publicUrl: 'https://plan.example.org' });
    const xml = await (await app.request('/manifest.xml')).text();
    expect(xml).toContain('https://plan.example.org/addin/taskpane.html');
    expect(xml).not.toContain('localhost');
  });

  it('answers 503 with a Chinese message when the task pane is not built', async () => {
    const app = new Hono();
    mountAddin(app, { addinDir: '/nonexistent' });
    const res = await app.request('/addin/taskpane.html');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'ADDIN_NOT_BUILT' });
  });
});
