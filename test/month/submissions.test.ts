// 报送 over HTTP on PGlite and PostgreSQL: status per unit, the three contact fields, refusal while a row
// is invalid (nothing stored), idempotent resubmit, 退回 with a reason, and 逾期 across the deadline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgReachable } from '../helpers/db';
import { startTestServer, type TestServer } from '../helpers/server';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../server/db/connect';

const PG = process.env.QINGDAN_REQUIRE_PG === '1' || pgReachable;

for (const kind of ['pglite', 'pg'] as const) {
  describe.skipIf(kind === 'pg' && !PG)(`submissions · ${kind}`, () => {
    let server: TestServer;
    let clock = new Date('2024-06-20T10:00:00+08:00');
    let unitToken: string;
    let otherToken: string;
    const req = (path: string, token: string, init: RequestInit = {}) =>
      server.app.request(`/api/v1/plans/sample${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
      });
    const push = (token: string, entries: unknown[]) =>
      req('/progress/batches', token, { method: 'POST', body: JSON.stringify({ batchId: `b-${Math.random().toString(36).slice(2)}`, entries }) });
    const contact = { reporter: '张三', phone: '0871-63210000', reviewer: '李处长' };
    const submissionsOf = async () =>
      (await (await req('/periods/2024-06/submissions', server.adminToken)).json()) as {
        units: { unit: string; status: string; returned: { reason: string } | null; submittedAt: string | null }[];
        deadline: string;
      };
    const count = async (q: string) => (await rowsOf<{ n: number }>(server.database.db, sql.raw(q)))[0].n;

    beforeAll(async () => {
      server = await startTestServer({ db: kind, app: { now: () => clock } });
      unitToken = await server.reporterToken('建设管理处');
      otherToken = await server.reporterToken('安全监督处');
    });
    afterAll(() => server.close());

    it('every unit of the plan starts 未填报; deadline is the 28th', async () => {
      const s = await submissionsOf();
      expect(s.deadline).toBe('2024-06-28');
      expect(s.units.map((u) => u.unit).sort()).toEqual(['安全监督处', '建设管理处', '综合规划处', '运输服务处'].sort());
      expect(new Set(s.units.map((u) => u.status))).toEqual(new Set(['未填报']));
    });

    it('a red row without 存在问题 is refused at push; a row the office’s stricter thresholds turn yellow blocks 报送; nothing stored', async () => {
      // 10 of 101 in June (序时进度 50%) is 40 points behind: red — the push refuses it on the two text cells.
      const red = await push(unitToken, [{ key: 't1-m1@2024-06', baseVersion: 0, fields: { monthDone: 2, cumulative: 10, status: '推进中' } }]);
      const refused = ((await red.json()) as { results: { outcome: string; errors: { field: string; code: string }[] }[] }).results[0];
      expect(refused.outcome).toBe('rejected');
      expect(refused.errors.map((e) => `${e.field}:${e.code}`)).toEqual(['problems:LIGHT_NEEDS_PROBLEM', 'nextSteps:LIGHT_NEEDS_NEXT_STEP']);
      expect((await submissionsOf()).units.find((u) => u.unit === '建设管理处')!.status).toBe('未填报');
      // 45 of 101 (44.6%) is 5.4 points behind: green under the default 10/30, stored without texts.
      const r = await push(unitToken, [{ key: 't1-m1@2024-06', baseVersion: 0, fields: { monthDone: 2, cumulative: 45, status: '推进中' } }]);
      expect(r.status).toBe(200);
      expect((await submissionsOf()).units.find((u) => u.unit === '建设管理处')!.status).toBe('填报中');

      const noFields = await req('/periods/2024-06/submit', unitToken, { method: 'POST', body: '{}' });
      expect(noFields.status).toBe(400);
      expect(((await noFields.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['reporter', 'phone', 'reviewer']);

      // The office then tightens the lights (yellow from 5 points): the stored row is yellow now. 报送
      // re-checks every stored row, so a row stored before the rule (or a stricter one) cannot slip through.
      const put = await req('/month-settings', server.adminToken, { method: 'PUT', body: JSON.stringify({ lights: { yellow: 5, red: 30 } }) });
      expect(put.status).toBe(200);
      const invalid = await req('/periods/2024-06/submit', unitToken, { method: 'POST', body: JSON.stringify(contact) });
      expect(invalid.status).toBe(422);
      const p = (await invalid.json()) as { code: string; errors: { field: string; code: string; message: string }[] };
      expect(p.code).toBe('ROWS_INVALID');
      expect(p.errors.map((e) => `${e.field}:${e.code}`)).toEqual(['rows.t1-m1.problems:LIGHT_NEEDS_PROBLEM', 'rows.t1-m1.nextSteps:LIGHT_NEEDS_NEXT_STEP']);
      expect(p.errors[0].message).toContain('黄灯');
      expect(await count('select count(*)::int as n from submissions')).toBe(0);
    });

    it('submits at 23:59 on the 28th (已报送), once; a resubmit is a replay', async () => {
      const r = await push(unitToken, [{ key: 't1-m1@2024-06', baseVersion: 1, fields: { problems: '征地拆迁滞后', nextSteps: '协调自然资源厅加快审批' } }]);
      expect(r.status).toBe(200);
      clock = new Date('2024-06-28T23:59:00+08:00');
      const ok = await req('/periods/2024-06/submit', unitToken, { method: 'POST', body: JSON.stringify(contact) });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ status: '已报送', replayed: false, unit: '建设管理处' });
      const again = await req('/periods/2024-06/submit', unitToken, { method: 'POST', body: JSON.stringify({ ...contact, reporter: '王五' }) });
      expect(await again.json()).toMatchObject({ status: '已报送', replayed: true, contact: { reporter: '张三' } });
      expect(await count(`select count(*)::int as n from audit where entity = 'submission' and action = 'submit'`)).toBe(1);
      expect((await submissionsOf()).units.find((u) => u.unit === '建设管理处')!.status).toBe('已报送');
    });

    it('a unit cannot submit for another; only the office returns, with a reason', async () => {
      const other = await req('/periods/2024-06/submit', otherToken, { method: 'POST', body: JSON.stringify({ ...contact, unit: '建设管理处' }) });
      expect(other.status).toBe(403);
      const byUnit = await req(`/periods/2024-06/submissions/${encodeURIComponent('建设管理处')}/return`, unitToken, {
        method: 'POST',
        body: JSON.stringify({ reason: 'x' }),
      });
      expect(byUnit.status).toBe(403);
      const noReason = await req(`/periods/2024-06/submissions/${encodeURIComponent('建设管理处')}/return`, server.adminToken, {
        method: 'POST',
        body: JSON.stringify({ reason: '  ' }),
      });
      expect(noReason.status).toBe(400);
      const back = await req(`/periods/2024-06/submissions/${encodeURIComponent('建设管理处')}/return`, server.adminToken, {
        method: 'POST',
        body: JSON.stringify({ reason: '累计数与统计局口径不一致' }),
      });
      expect(back.status).toBe(200);
      const mine = (await submissionsOf()).units.find((u) => u.unit === '建设管理处')!;
      expect(mine).toMatchObject({ status: '填报中', submittedAt: null, returned: { reason: '累计数与统计局口径不一致' } });
      const audit = await rowsOf<{ actor: string; reason: string }>(
        server.database.db,
        sql.raw(`select actor, new->>'reason' as reason from audit where entity = 'submission' and action = 'return'`),
      );
      expect(audit).toEqual([{ actor: expect.stringMatching(/^admin#/), reason: '累计数与统计局口径不一致' }]);
    });

    it('resubmitted at 00:01 on the 29th Shanghai time → 逾期报送', async () => {
      clock = new Date('2024-06-29T00:01:00+08:00');
      const late = await req('/periods/2024-06/submit', unitToken, { method: 'POST', body: JSON.stringify(contact) });
      expect(await late.json()).toMatchObject({ status: '逾期报送', replayed: false });
      expect((await submissionsOf()).units.find((u) => u.unit === '建设管理处')!.status).toBe('逾期报送');
    });
  });
}
