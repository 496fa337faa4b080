// The export of a live month reads its rows from the database page by page (server/services/
// workbook-pages.ts, issue 13). For the seed plans stored with assignments, 调整目标, this month's, last
// month's (上月累计) and last year's (上年同期) entries, the paged workbook must be the whole-plan
// workbook part for part: as admin, as a unit and as the 模板, with pages small enough to cut tasks'
// neighbours apart. Strings written inline (big plans) must give the same cell values as shared strings.
import { readdirSync, readFileSync } from 'node:fs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlanText } from '../../model/importer';
import { walkNodes, type Plan } from '../../model/plan';
import { previousPeriod, progressKey, type PeriodId } from '../../model/progress';
import { buildRows, type ItemRow } from '../../model/sheet';
import type { Actor } from '../../server/auth/tokens';
import { progress, units } from '../../server/db/schema';
import { workbookMonth } from '../../server/services/month-view';
import { putAssignments, savePlan } from '../../server/services/plans';
import { previousCumulatives } from '../../server/services/previous';
import { reviseTarget } from '../../server/services/target-revisions';
import { pagedMonth } from '../../server/services/workbook-pages';
import { workbookBuffer } from '../../server/workbook/export';
import { parseUpload } from '../../server/workbook/upload';
import { loadWorkbook } from '../../server/workbook/xlsx';
import { databases, type TestDatabase } from '../helpers/db';

const dir = new URL('../../seeds/', import.meta.url).pathname;
const seeds = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort();
const ADMIN: Actor = { tokenId: 0, role: 'admin', unit: null, name: 'admin#0' };

/** Every part of the file but docProps/core.xml (its created time differs by the clock). */
async function parts(buffer: Buffer): Promise<Record<string, string>> {
  const zip = await JSZip.loadAsync(buffer);
  const out: Record<string, string> = {};
  for (const name of Object.keys(zip.files).sort()) if (name !== 'docProps/core.xml' && !zip.files[name].dir) out[name] = await zip.files[name].async('string');
  return out;
}

/** Each sheet's values; an empty text (`<c t="str"><v/></c>` inline) reads back as no value, or null in merged cells. */
async function cellValues(buffer: Buffer): Promise<Record<string, unknown[][]>> {
  const wb = await loadWorkbook(buffer);
  const rows = (ws: (typeof wb.worksheets)[number]) =>
    ws.getSheetValues().map((r) => (Array.isArray(r) ? r.slice(1).map((v) => (v === '' || v === null ? undefined : v)) : []));
  return Object.fromEntries(wb.worksheets.map((ws) => [ws.name, rows(ws)]));
}

/** A seed plan stored with what the export reads besides the plan: assignments, a revision and entries of three months. */
async function store(database: TestDatabase, file: string, period: PeriodId): Promise<{ plan: Plan; unit: string }> {
  const parsed = parsePlanText(readFileSync(dir + file, 'utf8'), file);
  const planId = await savePlan(database.db, { ...parsed, year: Number(period.slice(0, 4)) }, 'test');
  const plan = { ...parsed, id: planId };
  const items = buildRows(plan, { period }).filter((r): r is ItemRow => r.kind === 'item');
  const tasks = [...walkNodes(plan.nodes)].map((x) => x.node).filter((n) => n.kind !== 'section');
  // The office assigns every fourth task to its own units (the rest keep the document's).
  await database.db.insert(units).values([{ name: `分页甲${file}` }, { name: `分页乙${file}` }]);
  const assigned = tasks.filter((_, i) => i % 4 === 1).map((t) => ({ taskId: t.id, lead: [`分页甲${file}`], co: [`分页乙${file}`] }));
  await putAssignments(database.db, planId, assigned, 'test');
  const amount = items.find((r) => r.target?.kind === 'amount') ?? items.find((r) => r.target)!;
  const revised = await reviseTarget(database.db, ADMIN, planId, amount.itemId, {
    fromPeriod: previousPeriod(period),
    value: amount.target!.value * 2 + 1,
    reason: '调整',
  });
  expect(revised.ok).toBe(true);
  const [y, m] = period.split('-');
  const months = [period, previousPeriod(period), `${Number(y) - 1}-${m}`];
  const rows = items.flatMap((r, i) =>
    months
      .filter((_, k) => (i + k) % 3 !== 2)
      .map((p, k) => ({
        planId,
        key: progressKey(r.itemId, p),
        itemId: r.itemId,
        period: p,
        monthDone: k === 0 && i % 2 ? i : null,
        cumulative: r.target ? (r.target.value * ((i % 5) + k)) / 10 : null,
        status: i % 7 === 0 ? ('滞后' as const) : i % 3 === 0 ? ('推进中' as const) : null,
        progress: i % 2 ? `第${i}项进展${p}` : null,
        problems: i % 6 === 0 ? '资金不到位' : null,
        nextSteps: i % 9 === 0 ? '下月完工' : null,
        version: 1 + (i % 3),
        updatedBy: 'test',
      })),
  );
  for (let i = 0; i < rows.length; i += 500) await database.db.insert(progress).values(rows.slice(i, i + 500));
  return { plan, unit: `分页甲${file}` };
}

for (const target of databases()) {
  describe.skipIf(target.skip)(`paged export = whole-plan export · ${target.label}`, () => {
    let database: TestDatabase;
    const period: PeriodId = '2024-05';
    const stored = new Map<string, { plan: Plan; unit: string }>();

    beforeAll(async () => {
      database = await target.open();
      for (const file of seeds) stored.set(file, await store(database, file, period));
    }, 120_000);
    afterAll(() => database?.close());

    async function both(planId: string, opts: { unit?: string; template?: boolean; inlineStrings?: boolean; pageSize: number; keepNodes?: number }) {
      const { unit, template, inlineStrings } = opts;
      const month = (await workbookMonth(database.db, planId, period, unit))!;
      const previous = template ? undefined : await previousCumulatives(database.db, planId, period);
      const whole = await workbookBuffer({ ...month, period, unit, template, previous, inlineStrings });
      const paged = (await pagedMonth(database.db, planId, period, { unit, pageSize: opts.pageSize, keepNodes: opts.keepNodes }))!;
      const pages = await workbookBuffer({ plan: paged.plan, period, pages: paged.pages, unit, template, inlineStrings });
      return { whole, pages, rows: month.rows };
    }

    it.each(seeds)('%s: admin, unit and 模板, in pages of 1, 7 and 2,000 nodes, from the kept structure and from the database', async (file) => {
      const { plan, unit } = stored.get(file)!;
      // A unit the document names (tasks the office did not assign keep the document's units).
      const named = [...walkNodes(plan.nodes)].map((x) => x.node.units?.lead?.[0]).find((u) => u !== undefined);
      const cases = [{ pageSize: 7 }, { pageSize: 1, unit }, { pageSize: 2000, template: true }, ...(named ? [{ pageSize: 7, unit: named }] : [])];
      // keepNodes 0: every page's nodes, targets and assignments read from the database (as for a big plan).
      cases.push(...cases.map((c) => ({ ...c, keepNodes: 0 })));
      for (const c of cases) {
        const { whole, pages, rows } = await both(plan.id, c);
        expect(rows.filter((r) => r.kind === 'item').length, JSON.stringify(c)).toBeGreaterThan(0);
        expect(await parts(pages), JSON.stringify(c)).toEqual(await parts(whole));
      }
      // What the test's data puts in the file: 上月累计, 调整目标, 上年同期 (固定资产投资 when the plan has one).
      const { whole } = await both(plan.id, { pageSize: 7 });
      const values = await cellValues(whole);
      const flat = JSON.stringify(values);
      expect(flat).toContain('进展2024-05');
      expect(Object.keys(values)).toContain('汇总');
      if (file === seeds[0]) expect(values['固定资产投资'][3]).toContain('上年同期累计');
      if (values['固定资产投资']) expect(flat).toContain('上年同期累计');
    });

    it('inline strings: the same cells as shared strings, paged and whole alike', async () => {
      const { plan, unit } = stored.get(seeds[0])!;
      for (const c of [{ pageSize: 5 }, { pageSize: 5, unit }]) {
        const shared = await both(plan.id, c);
        const inline = await both(plan.id, { ...c, inlineStrings: true });
        expect(await parts(inline.pages)).toEqual(await parts(inline.whole));
        const zip = await JSZip.loadAsync(inline.pages);
        expect(zip.file('xl/sharedStrings.xml')).toBeNull();
        expect(await cellValues(inline.pages)).toEqual(await cellValues(shared.whole));
        // And it reads back unchanged, as the shared-strings file does.
        const items = inline.rows.filter((r) => r.kind === 'item').length;
        const parsed = await parseUpload({ buffer: inline.pages, planId: plan.id, period, rows: inline.rows });
        expect(parsed).toMatchObject({ changes: [], unchanged: items, matchedBy: 'id' });
      }
    });
  });
}
