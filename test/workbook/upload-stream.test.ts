// The upload reads the sheet as a stream (server/workbook/upload.ts): cells inside a merged range read as
// the range's first cell, as the in-memory load read them (a task's 序号/任务 merged over its item rows must
// not look like a changed locked cell); id-less rows still match by 序号 + 任务 + 指标 on the merged rows;
// and above LIMITS.annotateCells a file that needs marks gets its errors without loading the whole workbook.
import { describe, expect, it } from 'vitest';
import type { ItemRow } from '../../model/sheet';
import { WorkbookError } from '../../server/workbook/errors';
import { MAIN_SHEET, workbookBuffer } from '../../server/workbook/export';
import { PAGE_ROWS, parseUpload } from '../../server/workbook/upload';
import { storedFromRows, type StoredItems } from '../../server/workbook/upload-stored';
import { LIMITS } from '../../server/workbook/zipcheck';
import { streamSheet } from '../../server/workbook/sheet-stream';
import { loadWorkbook } from '../../server/workbook/xlsx';
import { buildRows } from '../../model/sheet';
import { samplePlan } from '../helpers/plan';
import { seedPlan, seedRows } from '../helpers/plan';
import { colOf, edit, rowOf } from './sheet-edit';

const plan = seedPlan();
const rows = seedRows(plan);
const items = rows.filter((r): r is ItemRow => r.kind === 'item');
const exported = await workbookBuffer({ plan, period: '2023-05', rows });
// A task with several items: its 序号/任务/牵头单位/完成时限 cells are merged over the items' rows.
const grouped = items.filter((i) => items.filter((j) => j.taskId === i.taskId).length > 1);

describe('workbook upload read as a stream', () => {
  it('the plan has tasks of several items (merged task cells), and an untouched export reads with no notices', async () => {
    expect(grouped.length).toBeGreaterThan(1);
    const parsed = await parseUpload({ buffer: exported, planId: plan.id, period: '2023-05', rows });
    expect(parsed.ignored).toEqual([]);
    expect(parsed.converted).toEqual([]);
    expect(parsed.changes).toEqual([]);
    expect(parsed.unchanged).toBe(items.length);
  });

  it('without the id column, the second item of a merged task still matches by 序号 + 任务 + 指标', async () => {
    const second = grouped.find((i) => items.find((j) => j.taskId === i.taskId) !== i)!;
    const buffer = await edit(exported, (ws) => {
      ws.getCell(rowOf(ws, second.itemId), colOf('monthDone')).value = 3;
      ws.spliceColumns(colOf('id'), 1);
    });
    const parsed = await parseUpload({ buffer, planId: plan.id, period: '2023-05', rows });
    expect(parsed.matchedBy).toBe('text');
    expect(parsed.changes.map((c) => c.entry.key)).toEqual([second.key]);
    expect(parsed.ignored).toEqual([]);
  });

  it('a formula: the cell named; the marked copy when the file is small enough to load, none above LIMITS.annotateCells', async () => {
    const item = items[0];
    let address = '';
    const buffer = await edit(exported, (ws) => {
      const cell = ws.getCell(rowOf(ws, item.itemId), colOf('cumulative'));
      cell.value = { formula: '1+1', result: 2 };
      address = cell.address;
    });
    const refused = async (limits: typeof LIMITS) => {
      try {
        await parseUpload({ buffer, planId: plan.id, period: '2023-05', rows, limits });
      } catch (err) {
        return err as WorkbookError;
      }
      throw new Error('accepted');
    };
    const small = await refused(LIMITS);
    expect(small.code).toBe('BAD_CELLS');
    expect(small.errors.map((e) => [e.cell, e.code])).toEqual([[address, 'FORMULA_NOT_ALLOWED']]);
    expect(small.annotated).toBeInstanceOf(Buffer);
    const large = await refused({ ...LIMITS, annotateCells: 0 });
    expect(large.errors.map((e) => [e.cell, e.code])).toEqual([[address, 'FORMULA_NOT_ALLOWED']]);
    expect(large.annotated).toBeUndefined();
  });

  it('every cell of a 3,000-row export reads as the in-memory load reads it (exceljs’s own streaming reader garbled CJK text at chunk boundaries here)', async () => {
    const big = samplePlan({ tasks: 3000, sections: 20, id: 'stream3k' });
    const file = await workbookBuffer({ plan: big, period: '2024-05', rows: buildRows(big, { period: '2024-05' }) });
    const ws = (await loadWorkbook(file)).getWorksheet(MAIN_SHEET)!;
    let compared = 0;
    let cjk = 0;
    for await (const row of streamSheet(file, 'xl/worksheets/sheet1.xml')) {
      for (const [c, value] of row.values) {
        const cell = ws.getCell(row.number, c);
        if (cell.isMerged && cell.master.address !== cell.address) continue;
        expect([cell.address, value]).toEqual([cell.address, cell.value]);
        compared++;
        if (typeof value === 'string' && /[\u4e00-\u9fff]/.test(value)) cjk++;
      }
    }
    expect(compared).toBeGreaterThan(30_000);
    expect(cjk).toBeGreaterThan(5_000);
  });

  it('pages compared while the next is read: changes in sheet order, even when an earlier page is answered later', async () => {
    const mid = samplePlan({ tasks: 7_000, sections: 20, id: 'stream7k' });
    const midRows = buildRows(mid, { period: '2024-05' });
    const midItems = midRows.filter((r): r is ItemRow => r.kind === 'item');
    const file = await workbookBuffer({ plan: mid, period: '2024-05', rows: midRows });
    // One edit in each of the first pages (PAGE_ROWS rows each).
    const picked = [10, PAGE_ROWS + 10, 2 * PAGE_ROWS + 10, 3 * PAGE_ROWS + 10].map((i) => midItems[i]);
    const buffer = await edit(file, (ws) => picked.forEach((item, k) => (ws.getCell(rowOf(ws, item.itemId), colOf('progress')).value = `第${k}页的进展`)));
    const stored = storedFromRows(midRows);
    let calls = 0;
    let inFlight = 0;
    let most = 0;
    const slowFirst: StoredItems = {
      ...stored,
      byIds: async (ids) => {
        const first = calls++ === 0;
        most = Math.max(most, ++inFlight);
        await new Promise((res) => setTimeout(res, first ? 300 : 5)); // the first page's rows come last
        inFlight--;
        return stored.byIds(ids);
      },
    };
    const parsed = await parseUpload({ buffer, planId: mid.id, period: '2024-05', stored: slowFirst });
    expect(parsed.changes.map((c) => c.entry.key.split('@')[0])).toEqual(picked.map((i) => i.itemId));
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(most).toBe(1); // one page compared at a time
  }, 60_000);

  it('an untouched 50,000-row 清单 (~1.1 M cells) is accepted and read as unchanged', async () => {
    const big = samplePlan({ tasks: 50_000, sections: 50, id: 'stream50k' });
    const bigRows = buildRows(big, { period: '2024-05' });
    const file = await workbookBuffer({ plan: big, period: '2024-05', rows: bigRows });
    const parsed = await parseUpload({ buffer: file, planId: big.id, period: '2024-05', rows: bigRows });
    expect(parsed.changes).toEqual([]);
    expect(parsed.ignored).toEqual([]);
    expect(parsed.unchanged).toBe(50_000);
  }, 120_000);
});
