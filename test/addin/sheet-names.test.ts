// Two plans whose titles share a long prefix (or are the same) get their own sheets for the same
// month: names stay unique within 31 characters and the state is keyed by plan id, not by the name.
import { describe, expect, it } from 'vitest';
import { buildRows } from '../../model/sheet';
import { Controller } from '../../addin/controller';
import { fillSheet } from '../../addin/excel/fill';
import { sheetNameFor, stateSheetNameFor } from '../../addin/excel/layout';
import { readState } from '../../addin/excel/state';
import { createFakeExcel } from '../fakes/excel-fake';
import { syntheticPlan } from '../helpers/plan';
import type { PlanSummary } from '../../model/sync';

const PERIOD = '2026-03';
const LONG = '吉林省交通运输厅关于印发2026年全省交通运输工作要点的通知';

async function fillVia(c: Controller, excel: ReturnType<typeof createFakeExcel>, planId: string, title: string) {
  const { sheetName, stateSheetName } = await c.names({ planId, period: PERIOD, admin: false });
  const plan = { ...syntheticPlan(3, { id: planId }), title };
  await fillSheet(excel, {
    meta: { planId, planTitle: title, period: PERIOD, sheetName, admin: false, unit: null, cursor: null },
    stateSheetName,
    rows: buildRows(plan, { period: PERIOD }),
    periodEnd: '2026-03-31',
  });
  return { sheetName, stateSheetName };
}

describe('sheet names per plan and month', () => {
  it('differ for titles that share a long prefix and fit 31 characters', () => {
    const a = sheetNameFor(`${LONG}（一）`, PERIOD, 'plan-a');
    const b = sheetNameFor(`${LONG}（二）`, PERIOD, 'plan-b');
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(31);
    expect(b.length).toBeLessThanOrEqual(31);
    expect(stateSheetNameFor('plan-a', PERIOD)).not.toBe(stateSheetNameFor('plan-b', PERIOD));
    expect(sheetNameFor('短标题', PERIOD, 'plan-a')).toBe('2026-03 短标题'); // no tag when it fits
  });

  it('a second plan filled in the same month does not overwrite the first, even with the same title', async () => {
    const excel = createFakeExcel();
    const c = new Controller(() => excel);
    c.plans = [
      { id: 'plan-a', title: `${LONG}（一）` },
      { id: 'plan-b', title: `${LONG}（二）` },
      { id: 'plan-c', title: '工作要点' },
      { id: 'plan-d', title: '工作要点' },
    ] as PlanSummary[];
    const a = await fillVia(c, excel, 'plan-a', `${LONG}（一）`);
    const b = await fillVia(c, excel, 'plan-b', `${LONG}（二）`);
    const cc = await fillVia(c, excel, 'plan-c', '工作要点');
    const d = await fillVia(c, excel, 'plan-d', '工作要点');
    expect(new Set([a.sheetName, b.sheetName, cc.sheetName, d.sheetName]).size).toBe(4);
    for (const [x, id] of [
      [a, 'plan-a'],
      [b, 'plan-b'],
      [cc, 'plan-c'],
      [d, 'plan-d'],
    ] as const) {
      const st = await excel.run((ctx) => readState(ctx, x.stateSheetName));
      expect(st!.meta.planId).toBe(id);
      expect(st!.meta.sheetName).toBe(x.sheetName);
    }
    // Asking again finds each plan's own sheet through its state.
    expect((await c.names({ planId: 'plan-d', period: PERIOD, admin: false })).sheetName).toBe(d.sheetName);
    expect((await c.names({ planId: 'plan-c', period: PERIOD, admin: false })).sheetName).toBe(cc.sheetName);
  });
});
