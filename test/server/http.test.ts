// Through real HTTP (@hono/node-server on port 0), and the first start + data-dir lock of `npm start`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../server/db/connect';
import { LockError } from '../../server/db/lock';
import { loadConfig } from '../../server/config';
import { startServer } from '../../server/main';
import { databases } from '../helpers/db';
import { startTestServer, type TestServer } from '../helpers/server';
import { CHILD_MS, CHILD_PROCESS_CASE_MS } from '../helpers/timeouts';

const ROOT = new URL('../../', import.meta.url).pathname;

for (const target of databases()) {
  describe.skipIf(target.skip)(`HTTP · ${target.label}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ db: target.kind });
    });
    afterAll(() => server?.close());

    it('push and pull over HTTP with a reporter token', async () => {
      const token = await server.reporterToken('建设管理处'); // leads t1 in the sample plan
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ ok: true });
      const body = JSON.stringify({
        batchId: 'http-batch-1',
        entries: [{ key: 't1-m1@2024-05', baseVersion: 0, fields: { monthDone: 1, cumulative: 45, status: '推进中' } }],
      }); // 45 of 101: on pace with May's 序时进度 (41.7%)
      const pushed = await fetch(`${server.url}/api/v1/plans/sample/progress/batches`, { method: 'POST', headers: auth, body });
      expect(pushed.status).toBe(200);
      expect(((await pushed.json()) as any).results[0]).toMatchObject({ outcome: 'applied', version: 1 });
      const again = await fetch(`${server.url}/api/v1/plans/sample/progress/batches`, { method: 'POST', headers: auth, body });
      expect(((await again.json()) as any).replayed).toBe(true);
      const pulled = (await (await fetch(`${server.url}/api/v1/plans/sample/changes`, { headers: auth })).json()) as any;
      expect(pulled.entries.map((e: any) => [e.key, e.version])).toEqual([['t1-m1@2024-05', 1]]);
      const denied = await fetch(`${server.url}/api/v1/units`, { method: 'POST', headers: auth, body: '{"name":"x"}' });
      expect(denied.status).toBe(403);
    });
  });
}

describe('npm start: first start and the PGlite data-dir lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qd-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'seeds an empty database with the three seed plans and QINGDAN_ADMIN_TOKEN; a second process is refused',
    async () => {
      const lines: string[] = [];
      const adminToken = 'qd_test_admin_token_0123456789abcdef';
      const running = await startServer(loadConfig({ DATA_DIR: dir, PORT: '0', QINGDAN_ADMIN_TOKEN: adminToken }), (l) => lines.push(l));
      try {
        expect(lines.join('\n')).toContain('已导入 3 个计划');
        expect(lines.join('\n')).toContain('npx qingdan token create --role reporter --unit');
        const plans = (await (await fetch(`${running.url}/api/v1/plans`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as any[];
        expect(plans).toHaveLength(3);
        expect(plans.every((p) => p.taskCount > 0)).toBe(true);

        // Same process, same data dir → LockError; another process → exit 1 with the Chinese message.
        await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(LockError);
        const child = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
          cwd: ROOT,
          env: { ...process.env, DATA_DIR: dir, PORT: '0' },
          encoding: 'utf8',
          timeout: CHILD_MS,
        });
        expect(child.status).toBe(1);
        expect(child.stderr).toContain('DATA_DIR_LOCKED');
        expect(child.stderr).toContain('数据目录已被另一个进程');
      } finally {
        await running.close();
      }
      // Released on close: a restart reopens the same data without seeding again.
      const lines2: string[] = [];
      const again = await startServer(loadConfig({ DATA_DIR: dir, PORT: '0' }), (l) => lines2.push(l));
      try {
        expect(lines2.join('\n')).not.toContain('首次启动');
        const plans = (await (await fetch(`${again.url}/api/v1/plans`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as any[];
        expect(plans).toHaveLength(3);
      } finally {
        await again.close();
      }
    },
    CHILD_PROCESS_CASE_MS,
  ); // two servers seeding PGlite and a child process refused by the lock
});
