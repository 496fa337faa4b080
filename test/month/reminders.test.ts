// 催报 against a local HTTP receiver started here (no outside address): each vendor's body and signature,
// a robot failing twice then succeeding gets exactly one delivery, a second run sends nothing, two
// processes at once on one PostgreSQL send once, and 一键催报 sends once per request id.
import { createHmac } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Actor } from '../../server/auth/tokens';
import { rowsOf } from '../../server/db/connect';
import { runReminders, setWebhook } from '../../server/services/reminders';
import { savePlan } from '../../server/services/plans';
import { openPgDatabase, pgReachable, type TestDatabase } from '../helpers/db';
import { samplePlan } from '../helpers/plan';
import { startTestServer, type TestServer } from '../helpers/server';
import { CHILD_PROCESS_CASE_MS } from '../helpers/timeouts';

const PG = process.env.QINGDAN_REQUIRE_PG === '1' || pgReachable;
const admin: Actor = { tokenId: 0, role: 'admin', unit: null, name: 'admin#0' };
const NOW = new Date('2024-06-25T09:30:00+08:00'); // before-3 for the month due 2024-06-28

interface Hit {
  path: string;
  query: URLSearchParams;
  body: Record<string, any>;
}

/** A robot endpoint: records every request; `/wecom-flaky` answers 500 twice, then ok. */
async function receiver(): Promise<{ url: string; hits: Hit[]; delivered: Hit[]; close(): Promise<void> }> {
  const hits: Hit[] = [];
  const delivered: Hit[] = [];
  let flaky = 0;
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', async () => {
      const u = new URL(req.url!, 'http://x');
      const hit = { path: u.pathname, query: u.searchParams, body: JSON.parse(data) };
      hits.push(hit);
      await new Promise((r) => setTimeout(r, 30)); // keep concurrent runs overlapping
      if (u.pathname === '/wecom-flaky' && ++flaky <= 2) return res.writeHead(500).end('busy');
      if (u.pathname === '/ding') {
        const ts = u.searchParams.get('timestamp')!;
        const expected = createHmac('sha256', 'ding-secret').update(`${ts}\n${'ding-secret'}`).digest('base64');
        if (u.searchParams.get('sign') !== expected) return res.end(JSON.stringify({ errcode: 310000, errmsg: 'sign not match' }));
      }
      if (u.pathname === '/feishu') {
        const expected = createHmac('sha256', `${hit.body.timestamp}\n${'fs-secret'}`).update('').digest('base64');
        if (hit.body.sign !== expected) return res.end(JSON.stringify({ code: 19021, msg: 'sign match fail' }));
        delivered.push(hit);
        return res.end(JSON.stringify({ code: 0, msg: 'success' }));
      }
      delivered.push(hit);
      res.end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, delivered, close: () => new Promise((r) => server.close(() => r())) };
}

for (const kind of ['pglite', 'pg'] as const) {
  describe.skipIf(kind === 'pg' && !PG)(`reminders · ${kind}`, () => {
    let server: TestServer;
    let robot: Awaited<ReturnType<typeof receiver>>;
    const sends = () =>
      rowsOf<{ unit: string; status: string; attempts: number; occurrence: string }>(
        server.database.db,
        sql.raw('select unit, status, attempts, occurrence from reminder_sends order by unit, id'),
      );

    beforeAll(async () => {
      robot = await receiver();
      server = await startTestServer({ db: kind, app: { now: () => NOW, reminders: { backoffMs: [5, 5], log: () => {} } } });
      const db = server.database.db;
      await setWebhook(db, admin, 'sample', { unit: '建设管理处', kind: 'wecom', url: `${robot.url}/wecom-flaky?key=k1` });
      await setWebhook(db, admin, 'sample', { unit: '综合规划处', kind: 'dingtalk', url: `${robot.url}/ding?access_token=t`, secret: 'ding-secret' });
      await setWebhook(db, admin, 'sample', { unit: '运输服务处', kind: 'feishu', url: `${robot.url}/feishu`, secret: 'fs-secret' });
    });
    afterAll(async () => {
      await server.close();
      await robot.close();
    });

    it('sends each due reminder with the vendor body; a robot failing twice then ok gets one delivery', async () => {
      const out = await runReminders(server.database.db, { now: NOW, backoffMs: [5, 5], log: () => {} });
      expect(out.map((o) => `${o.unit}:${o.status}:${o.attempts}`).sort()).toEqual([
        '安全监督处:no-webhook:0',
        '建设管理处:sent:3',
        '综合规划处:sent:1',
        '运输服务处:sent:1',
      ]);
      const wecom = robot.hits.filter((h) => h.path === '/wecom-flaky');
      expect(wecom).toHaveLength(3);
      expect(robot.delivered.filter((h) => h.path === '/wecom-flaky')).toHaveLength(1);
      expect(wecom[0].body).toEqual({ msgtype: 'text', text: { content: expect.stringContaining('【催报】建设管理处') } });
      expect(wecom[0].body.text.content).toContain('距报送截止还有3天');
      const ding = robot.delivered.find((h) => h.path === '/ding')!;
      expect(ding.body.msgtype).toBe('text');
      expect(ding.query.get('access_token')).toBe('t');
      const fs = robot.delivered.find((h) => h.path === '/feishu')!;
      expect(fs.body).toMatchObject({ msg_type: 'text', content: { text: expect.stringContaining('运输服务处') } });
      const attempts = await rowsOf<{ ok: boolean; http_status: number }>(
        server.database.db,
        sql.raw(`select a.ok, a.http_status from reminder_attempts a join reminder_sends s on s.id = a.send_id where s.unit = '建设管理处' order by a.id`),
      );
      expect(attempts).toEqual([
        { ok: false, http_status: 500 },
        { ok: false, http_status: 500 },
        { ok: true, http_status: 200 },
      ]);
    });

    it('a second run (a restart) sends nothing', async () => {
      const before = robot.hits.length;
      const out = await runReminders(server.database.db, { now: new Date(NOW.getTime() + 3600_000), backoffMs: [5, 5], log: () => {} });
      expect(out.every((o) => o.status === 'skipped')).toBe(true);
      expect(robot.hits.length).toBe(before);
      expect((await sends()).length).toBe(4);
    });

    it('a wrong 钉钉 secret is a logged failure, not a delivery', async () => {
      await setWebhook(server.database.db, admin, 'sample', { unit: '综合规划处', kind: 'dingtalk', url: `${robot.url}/ding?access_token=t`, secret: 'wrong' });
      const day = new Date('2024-06-28T09:05:00+08:00'); // on-day
      const out = await runReminders(server.database.db, { now: day, backoffMs: [5], log: () => {} });
      expect(out.find((o) => o.unit === '综合规划处')).toMatchObject({ status: 'failed', attempts: 2 });
      const row = (
        await rowsOf<{ last_error: string }>(
          server.database.db,
          sql.raw(`select last_error from reminder_sends where unit = '综合规划处' and occurrence like 'on-day%'`),
        )
      )[0];
      expect(row.last_error).toContain('310000');
    });

    it('a claim left by a crashed process (>10 min) is taken over; a fresh claim is not', async () => {
      const at = new Date('2024-06-29T09:30:00+08:00'); // overdue@2024-06-29
      const claimAt = (min: number) => new Date(at.getTime() - min * 60_000).toISOString();
      for (const [unit, min] of [
        ['建设管理处', 11],
        ['运输服务处', 1],
      ] as const) {
        await server.database.db.execute(
          sql.raw(
            `insert into reminder_sends (plan_id, period, unit, occurrence, status, text, claimed_by, claimed_at) values ('sample', '2024-06', '${unit}', 'overdue@2024-06-29', 'claimed', 'x', 'dead', '${claimAt(min)}')`,
          ),
        );
      }
      const out = await runReminders(server.database.db, { now: at, backoffMs: [5], log: () => {} });
      expect(out.find((o) => o.unit === '建设管理处')).toMatchObject({ status: 'sent', occurrence: 'overdue@2024-06-29' });
      expect(out.find((o) => o.unit === '运输服务处')).toMatchObject({ status: 'skipped' });
    });

    it('一键催报: once per request id; only the office', async () => {
      const reporter = await server.reporterToken('建设管理处');
      const call = (token: string, body: unknown) =>
        server.app.request('/api/v1/plans/sample/periods/2024-06/remind', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await call(reporter, {})).status).toBe(403);
      const first = (await (await call(server.adminToken, { requestId: 'req-0001', units: ['建设管理处'] })).json()) as { results: { status: string }[] };
      const again = (await (await call(server.adminToken, { requestId: 'req-0001', units: ['建设管理处'] })).json()) as { results: { status: string }[] };
      expect(first.results.map((r) => r.status)).toEqual(['sent']);
      expect(again.results.map((r) => r.status)).toEqual(['skipped']);
      const log = (await (
        await server.app.request('/api/v1/plans/sample/reminders?period=2024-06', { headers: { authorization: `Bearer ${server.adminToken}` } })
      ).json()) as { sends: { occurrence: string; attempts: unknown[] }[] };
      expect(log.sends.filter((s) => s.occurrence === 'manual@req-0001')).toHaveLength(1);
    });
  });
}

describe.skipIf(!PG)('reminders · two processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let robot: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    robot = await receiver();
    database = await openPgDatabase();
    await savePlan(database.db, samplePlan(), 'test');
    await setWebhook(database.db, admin, 'sample', { unit: '', kind: 'wecom', url: `${robot.url}/office?key=o` });
  });
  afterAll(async () => {
    await database.close();
    await robot.close();
  });

  it(
    'both run at once: each unit is reminded once',
    async () => {
      const run = promisify(execFile);
      const env = { ...process.env, DATABASE_URL: database.url!, NOW: NOW.toISOString() };
      const [a, b] = await Promise.all([0, 1].map(() => run('node_modules/.bin/tsx', ['test/month/remind-child.ts'], { env })));
      const statuses = [...JSON.parse(a.stdout), ...JSON.parse(b.stdout)] as string[];
      expect(statuses.filter((s) => s === 'sent')).toHaveLength(4);
      expect(statuses.filter((s) => s === 'skipped')).toHaveLength(4);
      const units = robot.delivered.map((h) => /【催报】(\S+?)：/.exec(h.body.text.content)![1]).sort();
      expect(units).toEqual(['安全监督处', '建设管理处', '综合规划处', '运输服务处'].sort());
    },
    CHILD_PROCESS_CASE_MS,
  ); // two tsx child processes
});
