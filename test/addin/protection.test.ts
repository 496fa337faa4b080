// Protection as Excel enforces it: sorting locked cells is refused, filtering works through the
// AutoFilter applied before protecting, and the adapter toggles protection once per request.
import { describe, expect, it } from 'vitest';
import { COLUMN_INDEX as C } from '../../model/sheet';
import { ApiClient } from '../../addin/sync/api';
import { SheetSync } from '../../addin/sync/engine';
import { NOTE_COL } from '../../addin/excel/layout';
import { createFakeExcel } from '../fakes/excel-fake';

type Ws = Excel.Worksheet;
import { FakeApi } from '../fakes/fake-api';
import { filled } from './helpers';

describe('a filled sheet under protection', () => {
  it('cannot be sorted (locked cells), but can be filtered with the AutoFilter arrows', async () => {
    const { excel, sheetName, items, addressOf } = await filled(20);
    const sheet = excel.state.sheet(sheetName)!;
    expect(sheet.protected).toBe(true);
    expect(sheet.protectOptions.allowSort).toBe(false);
    expect(() => excel.state.sortRows(sheetName, 1, 20, () => 0)).toThrow(/AccessDenied/);
    expect(sheet.autoFilter).toEqual({ r: 0, c: 0, rc: sheet.used()!.rc, cc: NOTE_COL + 1 });
    excel.state.filterRows(sheetName, C.lead, (v) => v === '省财政厅');
    const visible = items.filter((i) => !sheet.hiddenRows.has(Number(addressOf(i.itemId, 0).slice(1)) - 1));
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.every((i) => i.kind === 'item' && i.lead.includes('省财政厅'))).toBe(true);
  });

  it('toggles protection once per request: 300 marks cost 2 toggles a request, not 600', async () => {
    const f = await filled(300);
    const api = new FakeApi();
    const sync = new SheetSync(f.excel, new ApiClient('https://qd.test', 'tok', api.fetch), f.sheetName, f.stateSheetName);
    for (const item of f.items) f.excel.state.userPaste(f.sheetName, f.addressOf(item.itemId, C.monthDone), '十二');
    f.excel.state.resetStats();
    const r = await sync.validate();
    expect(r.counts.invalid).toBe(300);
    const st = f.excel.state.stats;
    expect(st.protects).toBe(st.unprotects);
    expect(st.protects).toBeGreaterThan(0);
    expect(st.protects).toBeLessThanOrEqual(st.syncs);
    expect(f.excel.state.sheet(f.sheetName)!.protected).toBe(true);
  });
});

describe('fake Excel: what a protected sheet and a finished Excel.run refuse', () => {
  it('formatting needs allowFormatCells, widths and hiding need allowFormatColumns', async () => {
    const ex = createFakeExcel();
    const attempt = (write: (ws: Ws) => void, options: Record<string, boolean> = {}) =>
      ex.run(async (ctx) => {
        const ws = ctx.workbook.worksheets.getItem('Sheet1');
        ws.protection.load('protected');
        await ctx.sync();
        if (ws.protection.protected) ws.protection.unprotect();
        ws.getRange('A1').format.protection.locked = false;
        ws.protection.protect(options);
        await ctx.sync();
        write(ws);
        await ctx.sync();
      });
    await expect(attempt((ws) => (ws.getRange('A1').format.fill.color = '#FF0000'))).rejects.toMatchObject({ code: 'AccessDenied' });
    await expect(attempt((ws) => (ws.getRange('A1').format.fill.color = '#FF0000'), { allowFormatCells: true })).resolves.toBeUndefined();
    await expect(attempt((ws) => (ws.getRange('A1').format.columnWidth = 80))).rejects.toMatchObject({ code: 'AccessDenied' });
    await expect(attempt((ws) => (ws.getRange('A1').columnHidden = true))).rejects.toMatchObject({ code: 'AccessDenied' });
    await expect(attempt((ws) => (ws.getRange('A1').format.columnWidth = 80), { allowFormatColumns: true })).resolves.toBeUndefined();
    await expect(attempt((ws) => (ws.getRange('A1').values = [['typed']]))).resolves.toBeUndefined(); // unlocked: contents allowed
  });

  it('objects of a finished Excel.run cannot be used in another one', async () => {
    const ex = createFakeExcel();
    const range = await ex.run(async (ctx) => ctx.workbook.worksheets.getItem('Sheet1').getRange('A1'));
    await expect(
      ex.run(async (ctx) => {
        range.values = [['late']];
        await ctx.sync();
      }),
    ).rejects.toMatchObject({ code: 'InvalidObjectPath' });
    expect(ex.state.read('Sheet1', 'A1')).toBe('');
  });
});
