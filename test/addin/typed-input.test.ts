// What a reporter types is what Excel stores: the fake converts typed input into General-format
// cells as Excel does, and the adapter refuses a figure that Excel turned into a date or percentage.
import { describe, expect, it } from 'vitest';
import { COLUMN_INDEX as C } from '../../model/sheet';
import { ApiClient } from '../../addin/sync/api';
import { SheetSync } from '../../addin/sync/engine';
import { MARK_COLORS, NOTE_COL } from '../../addin/excel/layout';
import { createFakeExcel, dateSerial } from '../fakes/excel-fake';
import { FakeApi } from '../fakes/fake-api';
import { filled } from './helpers';

describe('fake Excel: typed input into a General cell', () => {
  const typed = (text: string) => {
    const ex = createFakeExcel();
    ex.state.today = new Date(2026, 2, 15);
    ex.state.userEdit('Sheet1', 'A1', text);
    return ex.state.cellAt('Sheet1', 'A1')!;
  };

  it('converts percentages, dates, thousands, fractions like Excel, keeps an apostrophe as a prefix', () => {
    expect(typed('30%')).toMatchObject({ v: 0.3, nf: '0%' });
    expect(typed('12.5%')).toMatchObject({ v: 0.125, nf: '0.00%' });
    expect(typed('1/2')).toMatchObject({ v: dateSerial(2026, 1, 2), nf: 'm月d日' });
    expect(typed('3-4')).toMatchObject({ v: dateSerial(2026, 3, 4), nf: 'm月d日' });
    expect(typed('2024-05-31')).toMatchObject({ v: 45443, nf: 'yyyy/m/d' });
    expect(typed('2024年5月31日')).toMatchObject({ v: 45443, nf: 'yyyy/m/d' });
    expect(typed('1,234')).toMatchObject({ v: 1234, nf: '#,##0' });
    expect(typed('0 1/2')).toMatchObject({ v: 0.5, nf: '# ?/?' });
    expect(typed("'1/2")).toMatchObject({ v: '1/2', nf: 'General', prefix: "'" });
    expect(typed('12')).toMatchObject({ v: 12, nf: 'General' });
    expect(typed('1/32')).toMatchObject({ v: '1/32', nf: 'General' }); // not a date: text
    expect(typed('十二')).toMatchObject({ v: '十二' });
  });

  it('shows dates and percentages formatted (Range.text), keeps text cells as typed', async () => {
    const ex = createFakeExcel();
    ex.state.userEdit('Sheet1', 'A1', '2024-05-31');
    ex.state.userEdit('Sheet1', 'B1', '30%');
    await ex.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem('Sheet1');
      ws.getRange('C1').numberFormat = [['@']];
      await ctx.sync();
      ws.getRange('C1').values = [['1/2']];
      const r = ws.getRange('A1:C1');
      r.load(['values', 'numberFormat', 'text']);
      await ctx.sync();
      expect(r.values).toEqual([[45443, 0.3, '1/2']]);
      expect(r.numberFormat).toEqual([['yyyy/m/d', '0%', '@']]);
      expect(r.text).toEqual([['2024/5/31', '30%', '1/2']]);
    });
  });

  it('data validation "decimal ≥ 0" lets a typed date through, as Excel does (a serial is a number)', async () => {
    const { excel, sheetName, items, addressOf } = await filled(3);
    const a = addressOf(items[0].itemId, C.monthDone);
    excel.state.userEdit(sheetName, a, '1/2');
    expect(typeof excel.state.read(sheetName, a)).toBe('number');
    expect(() => excel.state.userEdit(sheetName, a, '-1')).toThrow(/DataValidation/);
  });

  it('null in a values array leaves that cell unchanged', async () => {
    const ex = createFakeExcel();
    ex.state.userEdit('Sheet1', 'A1', 'keep');
    await ex.run(async (ctx) => {
      ctx.workbook.worksheets.getItem('Sheet1').getRange('A1:B1').values = [[null as unknown as string, 'new']];
      await ctx.sync();
    });
    expect(ex.state.read('Sheet1', 'A1')).toBe('keep');
    expect(ex.state.read('Sheet1', 'B1')).toBe('new');
  });
});

describe('adapter: a figure Excel turned into a date or a percentage', () => {
  async function setup() {
    const f = await filled(10);
    const api = new FakeApi();
    const sync = new SheetSync(f.excel, new ApiClient('https://qd.test', 'tok', api.fetch), f.sheetName, f.stateSheetName);
    const type = (itemId: string, col: number, v: string | number) => f.excel.state.userEdit(f.sheetName, f.addressOf(itemId, col), v);
    const cell = (itemId: string, col: number) => f.excel.state.cellAt(f.sheetName, f.addressOf(itemId, col))!;
    return { ...f, api, sync, type, cell };
  }

  it('refuses "30%" in 累计完成 and "1/2" in 本月完成 on the cell, in Chinese, and sends neither', async () => {
    const s = await setup();
    s.type('t1.1', C.cumulative, '30%');
    s.type('t2.1', C.monthDone, '1/2');
    s.type('t2.1', C.cumulative, '3');
    s.type('t3.1', C.cumulative, '1,234'); // a plain number with a thousands separator is fine
    const v = await s.sync.validate();
    const invalid = v.items.filter((i) => i.kind === 'invalid');
    expect(invalid.map((i) => [i.itemId, i.address])).toEqual([
      ['t1.1', s.addressOf('t1.1', C.cumulative)],
      ['t2.1', s.addressOf('t2.1', C.monthDone)],
    ]);
    expect(invalid[0].message).toMatch(/^累计完成：Excel 把输入识别成了百分比.*“30%”/);
    expect(invalid[1].message).toMatch(/^本月完成：Excel 把输入识别成了日期.*“1月2日”/);
    expect(s.cell('t1.1', C.cumulative).fill).toBe(MARK_COLORS.invalid);
    expect(String(s.cell('t2.1', NOTE_COL).v)).toContain('识别成了日期');
    // The cell is back to General, so what the user types next is read as typed.
    expect(s.cell('t1.1', C.cumulative).nf).toBe('General');
    expect(s.cell('t2.1', C.monthDone).nf).toBe('General');

    const r = await s.sync.sync(); // still refused: the cell holds the converted value
    expect(r.counts.invalid).toBe(2);
    expect([...s.api.entries.keys()]).toEqual(['t3.1@2026-03']);
    expect(s.api.entries.get('t3.1@2026-03')!.values.cumulative).toBe(1234);

    s.type('t1.1', C.cumulative, '30');
    s.type('t2.1', C.monthDone, '0.5');
    const again = await s.sync.sync();
    expect(again.counts.invalid).toBe(0);
    expect(s.api.entries.get('t1.1@2026-03')!.values.cumulative).toBe(30);
    expect(s.api.entries.get('t2.1@2026-03')!.values.monthDone).toBe(0.5);
  });
});
