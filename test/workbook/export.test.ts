import { describe, expect, it } from 'vitest';
import { COLUMNS, rowCells, type ItemRow } from '../../model/sheet';
import { FIRST_DATA_ROW, HEADER_ROW, MAIN_SHEET, workbookBuffer } from '../../server/workbook/export';
import { cellText } from '../../server/workbook/cell-text';
import { loadWorkbook } from '../../server/workbook/xlsx';
import { readZipEntry } from '../../server/workbook/zipcheck';
import { seedPlan, seedRows } from '../helpers/plan';

const plan = seedPlan();
const rows = seedRows(plan);
const items = rows.filter((r): r is ItemRow => r.kind === 'item');

describe('workbook export', () => {
  it('writes the title, the two-level header, every row in COLUMNS order and the hidden id', async () => {
    const wb = await loadWorkbook(await workbookBuffer({ plan, period: '2023-05', rows }));
    expect(wb.worksheets.map((w) => w.name)).toEqual([MAIN_SHEET, '汇总', '固定资产投资']);
    const ws = wb.getWorksheet(MAIN_SHEET)!;
    expect(cellText(ws.getCell('A1'))).toBe('2023年全省交通运输工作要点重点任务清单（2023年5月）');
    expect(cellText(ws.getCell('A2'))).toMatch(/^填报单位：/);
    expect(COLUMNS.map((_, i) => cellText(ws.getRow(HEADER_ROW).getCell(i + 1)))).toEqual(COLUMNS.map((c) => c.header));
    const merges = (ws.model as unknown as { merges: string[] }).merges;
    expect(merges).toEqual(expect.arrayContaining(['A1:N1', 'A3:A4', 'B3:B4', 'C3:G3', 'H3:N3']));
    expect(cellText(ws.getCell('C3'))).toBe('年度目标');
    expect(cellText(ws.getCell('H3'))).toBe('本月进展');
    expect(ws.getColumn(COLUMNS.length).hidden).toBe(true);

    // Every item row comes back cell for cell, in order, with section rows merged across the sheet.
    let r = FIRST_DATA_ROW;
    for (const row of rows) {
      if (row.kind === 'section') {
        expect(cellText(ws.getCell(r, 1))).toBe(row.label);
        expect(merges).toContain(`A${r}:N${r}`);
      } else {
        const got = COLUMNS.map((_, i) => ws.getCell(r, i + 1).value);
        // 完成率 is stored as a fraction (format 0.0%), so it reads the same in every program.
        const want = rowCells(row).map((v, i) => (v === '' ? null : COLUMNS[i].kind === 'rate' && typeof v === 'number' ? Math.round(v * 10) / 1000 : v));
        // merged 序号/任务 cells of a task's second target read as the master's value: same text.
        expect(got.map((v) => (v === '' ? null : v))).toEqual(want);
      }
      r++;
    }
    expect(items.some((i) => i.values.status === '滞后')).toBe(true);
  });

  it('sets up printing, frozen panes, validation and conditional formats', async () => {
    const wb = await loadWorkbook(await workbookBuffer({ plan, period: '2023-05', rows }));
    const ws = wb.getWorksheet(MAIN_SHEET)!;
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '3:4' });
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: HEADER_ROW, xSplit: 2 });
    const first = FIRST_DATA_ROW + 1;
    expect(ws.getCell(`H${first}`).dataValidation).toMatchObject({ type: 'decimal', operator: 'greaterThanOrEqual' });
    expect(ws.getCell(`K${first}`).dataValidation).toMatchObject({ type: 'list', formulae: ['"未开始,推进中,已完成,滞后"'] });
    expect(ws.getCell(`L${first}`).dataValidation).toBeUndefined();
    const cf = (ws as unknown as { conditionalFormattings: { ref: string; rules: { formulae: string[] }[] }[] }).conditionalFormattings;
    const formulae = cf.flatMap((c) => c.rules.flatMap((x) => x.formulae));
    expect(formulae).toContain(`$K${FIRST_DATA_ROW}="滞后"`);
    expect(formulae.some((f) => f.includes('已完成') && f.includes('DATE(2023,6,0)'))).toBe(true);
    expect(ws.getCell(`B${FIRST_DATA_ROW + 1}`).font?.name).toBe('仿宋');
  });

  it('never turns user text into a formula (= + - @ stay strings)', async () => {
    const hostile = ['=HYPERLINK("http://x","y")', '+SUM(A1:A9)', '-2+3', '@cmd|calc', '=1+1'];
    const evil = rows.map((r, i) =>
      r.kind === 'item' && i < 20 ? { ...r, task: hostile[i % 5], values: { ...r.values, progress: hostile[(i + 1) % 5], problems: hostile[(i + 2) % 5] } } : r,
    );
    const buf = await workbookBuffer({ plan, period: '2023-05', rows: evil });
    for (const name of ['xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml', 'xl/worksheets/sheet3.xml']) {
      expect(readZipEntry(buf, name)!.toString('utf8')).not.toContain('<f>');
    }
    const ws = (await loadWorkbook(buf)).getWorksheet(MAIN_SHEET)!;
    const texts: unknown[] = [];
    ws.eachRow((row) => row.eachCell((c) => texts.push(c.value)));
    for (const h of hostile) expect(texts).toContain(h);
    expect(texts.every((v) => v === null || typeof v !== 'object' || v instanceof Date)).toBe(true);
  });

  it("one unit's workbook holds only its tasks, with the unit on the 填报单位 line", async () => {
    const unitRows = seedRows(plan, '2023-05', '公路局');
    const wb = await loadWorkbook(await workbookBuffer({ plan, period: '2023-05', rows: unitRows, unit: '公路局' }));
    const ws = wb.getWorksheet(MAIN_SHEET)!;
    expect(cellText(ws.getCell('A2'))).toBe('填报单位：公路局');
    const ids: string[] = [];
    for (let r = FIRST_DATA_ROW; r <= ws.rowCount; r++) if (cellText(ws.getCell(r, COLUMNS.length))) ids.push(cellText(ws.getCell(r, COLUMNS.length)));
    const want = unitRows.filter((r): r is ItemRow => r.kind === 'item');
    expect(ids).toEqual(want.map((r) => r.itemId));
    expect(want.every((r) => r.lead.includes('公路局') || r.co.includes('公路局'))).toBe(true);
    expect(ids.length).toBeLessThan(items.length);
  });

  it('an empty template leaves every input cell blank', async () => {
    const wb = await loadWorkbook(await workbookBuffer({ plan, period: '2023-06', rows, template: true }));
    expect(wb.worksheets.map((w) => w.name)).toEqual([MAIN_SHEET]);
    const ws = wb.getWorksheet(MAIN_SHEET)!;
    expect(cellText(ws.getCell('A1'))).toContain('2023年6月');
    for (let r = FIRST_DATA_ROW; r <= ws.rowCount; r++) {
      for (const key of ['monthDone', 'cumulative', 'rate', 'status', 'progress'] as const) {
        const c = COLUMNS.findIndex((x) => x.key === key) + 1;
        if (!cellText(ws.getCell(r, COLUMNS.length))) continue; // section row
        expect(ws.getCell(r, c).value ?? null).toBeNull();
      }
    }
  });

  it('summary and 固定资产投资 sheets carry the month’s figures', async () => {
    const wb = await loadWorkbook(await workbookBuffer({ plan, period: '2023-05', rows }));
    const sum = wb.getWorksheet('汇总')!;
    const total = [...Array(sum.rowCount).keys()].map((i) => sum.getRow(i + 1)).find((r) => cellText(r.getCell(1)) === '合计')!;
    expect(total.getCell(3).value).toBe(items.length); // 填报事项
    expect(total.getCell(7).value).toBe(items.filter((i) => i.values.status === '滞后').length);
    const inv = wb.getWorksheet('固定资产投资')!;
    const invest = items.filter((i) => (i.unit === '亿元' || i.unit === '万元') && i.target?.kind === 'amount');
    // a title, a note, the header, a row per investment target and 合计
    expect(cellText(inv.getCell('A1'))).toBe(`${plan.title}固定资产投资完成情况（2023年5月）`);
    expect([...Array(8).keys()].map((i) => cellText(inv.getRow(3).getCell(i + 1)))).toEqual([
      '序号',
      '项目/指标',
      '单位',
      '年度计划',
      '本月完成',
      '累计完成',
      '完成率(%)',
      '序时进度(%)',
    ]);
    expect(inv.rowCount).toBe(3 + invest.length + 1);
    invest.forEach((it, i) => {
      const row = inv.getRow(4 + i);
      expect([row.getCell(4).value, row.getCell(5).value, row.getCell(6).value, row.getCell(7).value, row.getCell(8).value]).toEqual([
        it.target!.value,
        it.values.monthDone,
        it.values.cumulative,
        it.rate,
        41.7,
      ]);
    });
    expect(cellText(inv.getRow(4 + invest.length).getCell(1))).toBe('合计');
    expect(inv.getRow(3).getCell(9).value).toBeNull(); // no 同比 without last year's figures
  });

  it('固定资产投资 adds 上年同期 and 同比 where last year’s figures exist', async () => {
    const invest = items.filter((i) => (i.unit === '亿元' || i.unit === '万元') && i.target?.kind === 'amount' && i.values.cumulative !== null);
    const first = invest[0];
    const lastYear = new Map([[first.itemId, first.values.cumulative! / 2]]);
    const wb = await loadWorkbook(await workbookBuffer({ plan, period: '2023-05', rows, lastYear }));
    const inv = wb.getWorksheet('固定资产投资')!;
    expect(cellText(inv.getRow(3).getCell(10))).toBe('同比(%)');
    const line = [...Array(inv.rowCount).keys()]
      .map((i) => inv.getRow(i + 1))
      .find((r) => r.getCell(1).value === first.number && r.getCell(6).value === first.values.cumulative)!;
    expect([line.getCell(9).value, line.getCell(10).value]).toEqual([first.values.cumulative! / 2, 100]);
  });
});
