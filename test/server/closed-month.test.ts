// Issue 11: a closed month stays as it was published. Close May, then edit a target, a unit (the
// target's and a lead unit's name), a task title, the 通报 settings and June's progress: May's stats,
// workbook (every cell of every sheet) and 通报 (document.xml) are what they were at close. Reopen and
// close again → version 2 with the edits; version 1 stays readable and unchanged.
import { docxXml } from '../helpers/docx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { eq, and } from 'drizzle-orm';
import { nodes, units } from '../../server/db/schema';
import { liveMonth } from '../../server/services/month-view';
import { databases, type TestDatabase } from '../helpers/db';
import { batchId, setup, type Setup } from '../helpers/server';

const MAY = '2024-05';
const JUNE = '2024-06';

/** Every cell value of every sheet, by sheet name and address (workbook properties such as created left out). */
async function workbookCells(buf: ArrayBuffer): Promise<Record<string, Record<string, unknown>>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf);
  const out: Record<string, Record<string, unknown>> = {};
  wb.eachSheet((ws) => {
    const cells: Record<string, unknown> = {};
    ws.eachRow({ includeEmpty: false }, (row) => row.eachCell({ includeEmpty: false }, (cell) => void (cells[cell.address] = cell.value)));
    out[ws.name] = cells;
  });
  return out;
}

for (const target of databases()) {
  describe.skipIf(target.skip)(`closed month · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    const base = () => `/api/v1/plans/${s.planId}`;
    const raw = async (path: string) => {
      const res = await s.app.request(path, { headers: { authorization: `Bearer ${s.admin}` } });
      expect(res.status, path).toBe(200);
      return res.arrayBuffer();
    };
    const push = async (entries: { key: string; baseVersion: number; fields: Record<string, unknown> }[]) => {
      const r = await s.req('POST', `${base()}/progress/batches`, s.admin, { batchId: batchId('cm'), entries });
      expect(r.status).toBe(200);
      return r.body.results as { outcome: string; errors?: { code: string }[] }[];
    };
    // What May showed at close.
    let atClose: {
      stats: any;
      cells: Awaited<ReturnType<typeof workbookCells>>;
      unitCells: Awaited<ReturnType<typeof workbookCells>>;
      docx: { xml: string; text: string };
      series: any;
    };

    beforeAll(async () => {
      database = await target.open();
      s = await setup(database);
      expect(
        (
          await s.req('PUT', `${base()}/bulletin-settings`, s.admin, {
            issuer: '测试厅规划处',
            firstIssueNumber: 5,
            copyTo: '厅领导，各处室',
            printedBy: '测试厅办公室',
          })
        ).status,
      ).toBe(200);
      const results = await push([
        { key: `t1-m1@${MAY}`, baseVersion: 0, fields: { monthDone: 10, cumulative: 40.4, status: '推进中', progress: '完成投资40.4亿元' } },
        { key: `t3-m1@${MAY}`, baseVersion: 0, fields: { monthDone: 5, cumulative: 20, status: '滞后', problems: '资金未到位', nextSteps: '协调资金' } },
        { key: `t4-m2@${MAY}`, baseVersion: 0, fields: { cumulative: 30, status: '推进中' } },
        { key: `t2@${MAY}`, baseVersion: 0, fields: { status: '已完成', progress: '已完成' } },
      ]);
      expect(results.map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied', 'applied']);
    });
    afterAll(() => database?.close());

    it('closing records version 1; stats, workbook, 通报 and the trend read it', async () => {
      const closed = await s.req('POST', `${base()}/periods/${MAY}/close`, s.admin);
      expect(closed.body).toMatchObject({ status: 'closed' });
      // closing again (a retry) records nothing new
      expect((await s.req('POST', `${base()}/periods/${MAY}/close`, s.admin)).status).toBe(200);
      const versions = await s.req('GET', `${base()}/periods/${MAY}/snapshots`, s.viewer);
      expect(versions.body.versions.map((v: any) => v.version)).toEqual([1]);
      const stats = (await s.req('GET', `${base()}/periods/${MAY}/stats`, s.viewer)).body;
      expect(stats.snapshot).toMatchObject({ version: 1 });
      expect(stats.closed).toBe(true);
      expect(stats.totals.avgRate).toBe(39.8); // t1-m1 40.4/101 = 40%, t3-m1 20/103 = 19.4%, t4-m2 30/50 = 60%
      atClose = {
        stats,
        cells: await workbookCells(await raw(`${base()}/periods/${MAY}/workbook.xlsx`)),
        unitCells: await workbookCells(await raw(`${base()}/periods/${MAY}/workbook.xlsx?unit=${encodeURIComponent('建设管理处')}`)),
        docx: await docxXml(await raw(`${base()}/periods/${MAY}/bulletin.docx`)),
        series: (await s.req('GET', `${base()}/stats/monthly?until=${JUNE}`, s.viewer)).body.series.find((p: any) => p.period === MAY),
      };
      expect(Object.keys(atClose.cells)).toContain('重点任务清单');
      expect(Object.values(atClose.cells['重点任务清单'])).toContain('重点任务1');
      // The 通报 as sent: settings at close, 期号 from the sequence start, dated the day of closing.
      const closedAt = versions.body.versions[0].closedAt as string;
      const day = new Date(new Date(closedAt).getTime() + 8 * 3600_000).toISOString().slice(0, 10).split('-').map(Number);
      expect(atClose.docx.text).toContain('2024年第5期');
      expect(atClose.docx.text).toContain(`${day[0]}年${day[1]}月${day[2]}日`);
      expect(atClose.docx.text).toContain('测试厅规划处');
      expect(atClose.docx.text).toContain('抄送：厅领导，各处室。');
    });

    it('later edits change nothing in the closed month', async () => {
      // a target's value, a target's unit, a lead unit (assignment + the unit renamed), a task title,
      // the 通报 settings, and June's progress
      const t = await s.req('POST', `${base()}/targets/batches`, s.admin, {
        batchId: batchId('tg'),
        edits: [
          { targetId: 't1-m1', baseVersion: 1, fields: { value: 202 } },
          { targetId: 't4-m2', baseVersion: 1, fields: { unit: '千米' } },
        ],
      });
      expect(t.body.results.map((r: any) => r.outcome)).toEqual(['applied', 'applied']);
      expect((await s.req('PUT', `${base()}/assignments`, s.admin, { assignments: [{ taskId: 't3', lead: ['安全监督处'], co: [] }] })).status).toBe(200);
      await database.db.update(units).set({ name: '安全监督局' }).where(eq(units.name, '安全监督处'));
      await database.db
        .update(nodes)
        .set({ title: '重点任务1（改名）' })
        .where(and(eq(nodes.planId, s.planId), eq(nodes.id, 't1')));
      expect(
        (await s.req('PUT', `${base()}/bulletin-settings`, s.admin, { issuer: '另一个机关', firstIssueNumber: 1, copyTo: null, printedBy: null })).status,
      ).toBe(200);
      // 60.4 of the new 202 is 20 points behind June's 序时进度: a 黄灯 row, so it says why (issue 10).
      expect(
        (
          await push([
            {
              key: `t1-m1@${JUNE}`,
              baseVersion: 0,
              fields: { monthDone: 20, cumulative: 60.4, status: '推进中', problems: '目标上调', nextSteps: '加快推进' },
            },
          ])
        )[0].outcome,
      ).toBe('applied');
      // May itself refuses writes.
      expect((await push([{ key: `t3-m1@${MAY}`, baseVersion: 1, fields: { cumulative: 99 } }]))[0].outcome).not.toBe('applied');

      // The edits are live: computed now, May would differ (so the comparisons below can fail).
      const live = await liveMonth(database.db, s.planId, MAY);
      expect(live.stats).not.toEqual(atClose.stats);
      expect(live.rows.some((r) => r.kind === 'item' && r.task === '重点任务1（改名）')).toBe(true);

      const stats = (await s.req('GET', `${base()}/periods/${MAY}/stats`, s.viewer)).body;
      expect(stats).toEqual(atClose.stats);
      expect(await workbookCells(await raw(`${base()}/periods/${MAY}/workbook.xlsx`))).toEqual(atClose.cells);
      expect(await workbookCells(await raw(`${base()}/periods/${MAY}/workbook.xlsx?unit=${encodeURIComponent('建设管理处')}`))).toEqual(atClose.unitCells);
      const docx = await docxXml(await raw(`${base()}/periods/${MAY}/bulletin.docx`));
      expect(docx.text).toBe(atClose.docx.text);
      expect(docx.xml).toBe(atClose.docx.xml);
      const series = (await s.req('GET', `${base()}/stats/monthly?until=${JUNE}`, s.viewer)).body;
      expect(series.series.find((p: any) => p.period === MAY)).toEqual(atClose.series);
      expect(series.closedMonths).toEqual([MAY]);
      // June (open) shows the edits.
      const june = await workbookCells(await raw(`${base()}/periods/${JUNE}/workbook.xlsx`));
      expect(Object.values(june['重点任务清单'])).toContain('重点任务1（改名）');
    });

    it('reopen and close again → version 2 with the edits; version 1 unchanged and readable', async () => {
      expect((await s.req('POST', `${base()}/periods/${MAY}/reopen`, s.admin, { reason: '更正任务名称后重新通报' })).status).toBe(200);
      const open = (await s.req('GET', `${base()}/periods/${MAY}/stats`, s.viewer)).body;
      expect(open.snapshot).toBeNull();
      expect((await s.req('POST', `${base()}/periods/${MAY}/close`, s.admin)).status).toBe(200);
      const versions = (await s.req('GET', `${base()}/periods/${MAY}/snapshots`, s.viewer)).body.versions;
      expect(versions.map((v: any) => v.version)).toEqual([1, 2]);

      const v2 = (await s.req('GET', `${base()}/periods/${MAY}/stats`, s.viewer)).body;
      expect(v2.snapshot.version).toBe(2);
      expect(v2.totals).not.toEqual(atClose.stats.totals); // t1-m1's rate halved with the new target
      const v1 = (await s.req('GET', `${base()}/periods/${MAY}/stats?version=1`, s.viewer)).body;
      expect(v1).toEqual(atClose.stats);
      expect(await workbookCells(await raw(`${base()}/periods/${MAY}/workbook.xlsx?version=1`))).toEqual(atClose.cells);
      expect((await docxXml(await raw(`${base()}/periods/${MAY}/bulletin.docx?version=1`))).xml).toBe(atClose.docx.xml);
      const snap1 = (await s.req('GET', `${base()}/periods/${MAY}/snapshots/1`, s.viewer)).body;
      const row = snap1.data.rows.find((r: any) => r.itemId === 't1-m1');
      expect(row).toMatchObject({ task: '重点任务1', targetText: '101', values: { cumulative: 40.4, progress: '完成投资40.4亿元' } });
      expect((await s.req('GET', `${base()}/periods/${MAY}/snapshots/3`, s.viewer)).status).toBe(404);

      // Version 2 is the month as closed again: new title, the settings now in force, same 期号 (the month keeps its number).
      const docx2 = await docxXml(await raw(`${base()}/periods/${MAY}/bulletin.docx`));
      expect(docx2.text).toContain('另一个机关');
      expect(docx2.text).toContain('2024年第5期');
      expect((await workbookCells(await raw(`${base()}/periods/${MAY}/workbook.xlsx`)))['重点任务清单']).toSatisfy((c: Record<string, unknown>) =>
        Object.values(c).includes('重点任务1（改名）'),
      );
      const audit = await s.req('GET', `/api/v1/audit?entity=period&id=${s.planId}/${MAY}`, s.admin);
      expect(audit.body.map((a: any) => [a.action, a.new.snapshotVersion ?? null])).toEqual([
        ['close', 1],
        ['close', null],
        ['reopen', null],
        ['close', 2],
      ]); // the retried close records no snapshot
    });

    it('bulletin settings: admin only, validated, audited', async () => {
      expect(
        (await s.req('PUT', `${base()}/bulletin-settings`, s.reporter['建设管理处'], { issuer: 'x', firstIssueNumber: 1, copyTo: null, printedBy: null }))
          .status,
      ).toBe(403);
      const bad = await s.req('PUT', `${base()}/bulletin-settings`, s.admin, { issuer: 'x', firstIssueNumber: 0, copyTo: null, printedBy: null });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: any) => e.field)).toContain('firstIssueNumber');
      expect((await s.req('GET', `${base()}/bulletin-settings`, s.viewer)).body).toMatchObject({ issuer: '另一个机关', configured: true });
      const audit = (await s.req('GET', `/api/v1/audit?entity=plan&id=${s.planId}`, s.admin)).body.filter((a: any) => a.action === 'bulletin-settings');
      expect(audit.map((a: any) => a.new.issuer)).toEqual(['测试厅规划处', '另一个机关']);
    });

    it('the next month closed gets the next 期号', async () => {
      expect((await s.req('POST', `${base()}/periods/${JUNE}/close`, s.admin)).status).toBe(200);
      expect((await docxXml(await raw(`${base()}/periods/${JUNE}/bulletin.docx`))).text).toContain('2024年第6期');
    });
  });
}
