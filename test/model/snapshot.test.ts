// rowsForUnit (issue 11): a unit's rows cut from the whole plan's snapshot rows are exactly what
// buildRows gives for that unit, so a closed month's per-unit workbook matches the live one at close.
import { describe, expect, it } from 'vitest';
import { buildRows } from '../../model/sheet';
import { rowsForUnit } from '../../model/snapshot';
import { samplePlan, UNIT_NAMES, PLAN, PERIOD, entriesFor } from '../helpers/plan';

describe('rowsForUnit', () => {
  it('equals buildRows(plan, {unit}) for every unit of two plans', () => {
    for (const [plan, period, entries] of [
      [samplePlan({ tasks: 13, sections: 3 }), '2024-05', undefined],
      [PLAN, PERIOD, entriesFor(PERIOD)],
    ] as const) {
      const all = buildRows(plan, { period, entries });
      const names = new Set([...UNIT_NAMES, ...all.flatMap((r) => (r.kind === 'item' ? [...r.lead, ...r.co] : []))]);
      for (const unit of names) expect(rowsForUnit(all, unit)).toEqual(buildRows(plan, { period, entries, unit }));
      expect(rowsForUnit(all, '没有的单位')).toEqual([]);
      expect(rowsForUnit(all, undefined)).toEqual(all);
    }
  });
});
