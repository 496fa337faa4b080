// 上月累计: the fill shows last month's 累计完成 read-only, and 校验 refuses a 累计 below it locally.
import { describe, expect, it } from 'vitest';
import { buildRows, COLUMN_INDEX as C } from '../../model/sheet';
import { fillSheet } from '../../addin/excel/fill';
import { HEADERS, PREV_COL, sheetNameFor, stateSheetNameFor } from '../../addin/excel/layout';
import { ApiClient } from '../../addin/sync/api';
import { SheetSync } from '../../addin/sync/engine';
import { createFakeExcel } from '../fakes/excel-fake';
import { FakeApi } from '../fakes/fake-api';
import { syntheticPlan } from '../helpers/plan';

describe('上月累计', () => {
  it('is shown read-only and 校验 checks 累计完成 against it before anything is sent', async () => {
    const excel = createFakeExcel();
    const plan = syntheticPlan(5);
    const sheetName = sheetNameFor(plan.title, '2026-03', plan.id);
    const stateSheetName = stateSheetNameFor(plan.id, '2026-03');
    await fillSheet(excel, {
      meta: { planId: plan.id, planTitle: plan.title, period: '2026-03', sheetName, admin: false, unit: null, cursor: null },
      stateSheetName,
      rows: buildRows(plan, { period: '2026-03' }),
      periodEnd: '2026-03-31',
      previous: new Map([['t1.1', 40]]),
    });
    const sheet = excel.state.sheet(sheetName)!;
    expect(HEADERS[PREV_COL]).toBe('上月累计');
    const r = sheet.rows.findIndex((row) => row?.[C.id]?.v === 't1.1');
    expect(sheet.cell(r, PREV_COL).v).toBe(40);
    expect(sheet.cell(r, PREV_COL).locked).toBe(true);
    const col = String.fromCharCode(65 + C.cumulative);
    excel.state.userEdit(sheetName, `${col}${r + 1}`, 30);
    const api = new FakeApi();
    const report = await new SheetSync(excel, new ApiClient('https://qd.test', 'tok', api.fetch), sheetName, stateSheetName).validate();
    expect(report.items.map((i) => [i.kind, i.address, i.message])).toEqual([
      ['invalid', `${col}${r + 1}`, '累计完成：累计完成不能小于上期累计（上期累计40）'],
    ]);
    expect(api.pushes).toHaveLength(0);
  });
});
