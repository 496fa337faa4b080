// Shared set-up for the add-in tests: a fake workbook filled from a synthetic plan.
import { buildRows } from '../../model/sheet';
import { fillSheet } from '../../addin/excel/fill';
import { sheetNameFor, stateSheetNameFor } from '../../addin/excel/layout';
import { createFakeExcel } from '../fakes/excel-fake';
import { heavyEntries, syntheticPlan } from '../helpers/plan';
import type { ProgressValues } from '../../model/progress';

export const PERIOD = '2026-03';

export async function filled(tasks: number, entries?: Map<string, { version: number; values: ProgressValues }> | 'heavy') {
  const excel = createFakeExcel();
  const plan = syntheticPlan(tasks);
  const keys = buildRows(plan, { period: PERIOD }).flatMap((r) => (r.kind === 'item' ? [r.key] : []));
  const rows = buildRows(plan, { period: PERIOD, entries: entries === 'heavy' ? heavyEntries(keys) : entries });
  const sheetName = sheetNameFor(plan.title, PERIOD, plan.id);
  const stateSheetName = stateSheetNameFor(plan.id, PERIOD);
  const stats = await fillSheet(excel, {
    meta: { planId: plan.id, planTitle: plan.title, period: PERIOD, sheetName, admin: false, unit: null, cursor: null },
    stateSheetName,
    rows,
    periodEnd: '2026-03-31',
  });
  const items = rows.filter((r) => r.kind === 'item');
  /** The A1 address of an item's cell, found by its id (so sorting does not matter). */
  const addressOf = (itemId: string, col: number) => {
    const sheet = excel.state.sheet(sheetName)!;
    const r = sheet.rows.findIndex((row) => row?.[14]?.v === itemId);
    if (r < 0) throw new Error(`no row for ${itemId}`);
    return `${String.fromCharCode(65 + col)}${r + 1}`;
  };
  return { excel, plan, rows, items, sheetName, stateSheetName, stats, addressOf };
}
