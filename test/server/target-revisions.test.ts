// 调整目标 over the API (issue 11): a target changed from March and again from April; February keeps the
// original. 完成率 of each month (rows, stats, trend) uses the target in force then; the history says
// value, unit, from month, who and why; a unit change needs its conversion confirmed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { databases, type TestDatabase } from '../helpers/db';
import { batchId, setup, type Setup } from '../helpers/server';

for (const target of databases()) {
  describe.skipIf(target.skip)(`target revisions · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    const base = () => `/api/v1/plans/${s.planId}`;
    const rateOf = async (period: string, itemId: string) => {
      const r = await s.req('GET', `${base()}/periods/${period}/rows`, s.admin);
      return r.body.rows.find((x: any) => x.itemId === itemId);
    };

    beforeAll(async () => {
      database = await target.open();
      s = await setup(database);
      const entries = [
        ['2024-02', 10.3],
        ['2024-03', 20],
        ['2024-04', 25],
      ].map(([p, cumulative]) => ({ key: `t3-m1@${p}`, baseVersion: 0, fields: { cumulative, status: '推进中' } }));
      const r = await s.req('POST', `${base()}/progress/batches`, s.admin, { batchId: batchId('tr'), entries });
      expect(r.body.results.map((x: any) => x.outcome)).toEqual(['applied', 'applied', 'applied']);
    });
    afterAll(() => database?.close());

    it('three months, three targets: 完成率 per month uses the target in force', async () => {
      const march = await s.req('POST', `${base()}/targets/t3-m1/revisions`, s.admin, { fromPeriod: '2024-03', value: 200, reason: '追加投资计划' });
      expect(march.status).toBe(200);
      expect(march.body).toMatchObject({ version: 2, replayed: false });
      const april = await s.req('POST', `${base()}/targets/t3-m1/revisions`, s.admin, { fromPeriod: '2024-04', value: 50, reason: '项目调出', baseVersion: 2 });
      expect(april.status).toBe(200);

      const rows = await Promise.all(['2024-02', '2024-03', '2024-04'].map((p) => rateOf(p, 't3-m1')));
      expect(rows.map((r) => [r.targetText, r.rate])).toEqual([
        ['103', 10],
        ['200', 10],
        ['50', 50],
      ]);
      const stats = await Promise.all(['2024-02', '2024-03', '2024-04'].map(async (p) => (await s.req('GET', `${base()}/periods/${p}/stats`, s.viewer)).body));
      expect(stats.map((x) => x.totals.avgRate)).toEqual([10, 10, 50]);
      expect(stats.map((x) => x.behind.some((b: any) => b.itemId === 't3-m1'))).toEqual([true, true, false]); // 序时进度 16.7 / 25 / 33.3
      const trend = (await s.req('GET', `${base()}/stats/monthly?until=2024-04`, s.viewer)).body.series;
      expect(trend.filter((p: any) => p.period >= '2024-02').map((p: any) => p.avgRate)).toEqual([10, 10, 50]);
      // The current target (targets workbook, plan) is the latest one.
      const plan = await s.req('GET', `${base()}`, s.admin);
      expect(plan.body.nodes[0].children[2].targets[0]).toMatchObject({ id: 't3-m1', value: 50, version: 3 });
    });

    it('history: value, unit, from month, who and why; audited; a retry is answered once', async () => {
      const h = (await s.req('GET', `${base()}/targets/t3-m1/history`, s.viewer)).body;
      expect(h.revisions.map((r: any) => [r.fromPeriod, r.value, r.unit, r.reason])).toEqual([
        [null, 103, '亿元', null],
        ['2024-03', 200, '亿元', '追加投资计划'],
        ['2024-04', 50, '亿元', '项目调出'],
      ]);
      const audit = (await s.req('GET', `/api/v1/audit?entity=target&id=t3-m1`, s.admin)).body;
      expect(audit.map((a: any) => [a.action, a.new.fromPeriod, a.new.value])).toEqual([
        ['revise', '2024-03', 200],
        ['revise', '2024-04', 50],
      ]);
      expect(h.revisions[2].actor).toBe(audit[1].actor);
      const again = await s.req('POST', `${base()}/targets/t3-m1/revisions`, s.admin, { fromPeriod: '2024-04', value: 50, reason: '项目调出' });
      expect(again.body).toMatchObject({ replayed: true, version: 3 });
      expect((await s.req('GET', `${base()}/targets/t3-m1/history`, s.viewer)).body.revisions).toHaveLength(3);
      const all = (await s.req('GET', `${base()}/targets/history`, s.viewer)).body;
      expect(all.targets.map((t: any) => t.targetId)).toEqual(['t3-m1']);
      // The targets workbook lists the same history on its 调整记录 sheet.
      const res = await s.app.request(`${base()}/targets/workbook.xlsx`, { headers: { authorization: `Bearer ${s.admin}` } });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await res.arrayBuffer());
      const sheet = wb.getWorksheet('调整记录')!;
      const lines = [2, 3, 4].map((r) => [4, 5, 7, 12].map((c) => sheet.getRow(r).getCell(c).value));
      expect(lines).toEqual([
        ['原目标', 103, '亿元', null],
        ['2024-03', 200, '亿元', '追加投资计划'],
        ['2024-04', 50, '亿元', '项目调出'],
      ]);
      // a target never revised: its one figure, from the start
      expect((await s.req('GET', `${base()}/targets/t5-m1/history`, s.viewer)).body.revisions).toMatchObject([{ fromPeriod: null, value: 105 }]);
    });

    it('公里 → 千米 refused unless the conversion is confirmed; nothing stored when refused', async () => {
      const refused = await s.req('POST', `${base()}/targets/t4-m2/revisions`, s.admin, {
        fromPeriod: '2024-06',
        value: 50,
        unit: '千米',
        reason: '统一计量单位',
      });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('UNIT_CHANGE_UNCONFIRMED');
      expect(refused.body.errors[0]).toMatchObject({ field: 'confirmUnitConversion', code: 'UNIT_CHANGE_UNCONFIRMED' });
      expect(refused.body.errors[0].message).toContain('公里 → 千米');
      expect((await s.req('GET', `${base()}/targets/t4-m2/history`, s.viewer)).body.revisions).toHaveLength(1);
      expect((await rateOf('2024-07', 't4-m2')).unit).toBe('公里');

      const ok = await s.req('POST', `${base()}/targets/t4-m2/revisions`, s.admin, {
        fromPeriod: '2024-06',
        value: 50,
        unit: '千米',
        reason: '统一计量单位',
        confirmUnitConversion: { from: '公里', to: '千米', factor: 1 },
      });
      expect(ok.status).toBe(200);
      expect(ok.body.history.revisions.at(-1)).toMatchObject({ fromPeriod: '2024-06', unit: '千米', conversion: { from: '公里', to: '千米', factor: 1 } });
      expect((await rateOf('2024-05', 't4-m2')).unit).toBe('公里');
      expect((await rateOf('2024-06', 't4-m2')).unit).toBe('千米');
    });

    it('refused: a closed month, no reason, a stale baseVersion, an unknown target, a reporter', async () => {
      expect((await s.req('POST', `${base()}/periods/2024-05/close`, s.admin)).status).toBe(200);
      const closed = await s.req('POST', `${base()}/targets/t1-m1/revisions`, s.admin, { fromPeriod: '2024-05', value: 1, reason: '补录' });
      expect([closed.status, closed.body.code, closed.body.errors[0].field]).toEqual([400, 'REVISION_IN_CLOSED_MONTH', 'fromPeriod']);
      const noReason = await s.req('POST', `${base()}/targets/t1-m1/revisions`, s.admin, { fromPeriod: '2024-08', value: 1, reason: '' });
      expect([noReason.status, noReason.body.code]).toEqual([400, 'REASON_REQUIRED']);
      expect((await s.req('POST', `${base()}/targets/t1-m1/revisions`, s.admin, { fromPeriod: '2024-08', value: 1, reason: 'x', baseVersion: 7 })).status).toBe(
        409,
      );
      expect((await s.req('POST', `${base()}/targets/nope/revisions`, s.admin, { fromPeriod: '2024-08', value: 1, reason: 'x' })).status).toBe(404);
      expect(
        (await s.req('POST', `${base()}/targets/t1-m1/revisions`, s.reporter['建设管理处'], { fromPeriod: '2024-08', value: 1, reason: 'x' })).status,
      ).toBe(403);
      expect((await s.req('GET', `${base()}/targets/t1-m1/history`, s.viewer)).body.revisions).toHaveLength(1);
    });
  });
}
