// 累计 order against later months at push (issue 15) with the stored rows the push reads (issue 13:
// model/push-decision.ts storedScope — per item and month, the lowest 累计 of a later month outside the
// batch, not every month of the item): the lowest later month counts, not the nearest, and a later month
// the batch itself sends counts with the batch's value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, type TestDatabase } from '../helpers/db';
import { batchId, setup, type Setup } from '../helpers/server';

// t2 is a task without targets (no 序时进度 light); texts so that no light rule could refuse the rows.
const texts = { problems: '征地拆迁进度偏慢', nextSteps: '加快推进征地拆迁' };
const entry = (month: string, cumulative: number, baseVersion = 0) => ({ key: `t2@2024-${month}`, baseVersion, fields: { cumulative, ...texts } });
const push = (s: Setup, entries: unknown[]) => s.req('POST', `/api/v1/plans/${s.planId}/progress/batches`, s.admin, { batchId: batchId('later'), entries });

for (const target of databases()) {
  describe.skipIf(target.skip)(`push · 累计 against later months · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    beforeAll(async () => {
      database = await target.open();
      s = await setup(database);
      // May 10, August 30, November 20: each push is valid on its own (no month right before it).
      for (const [month, c] of [
        ['05', 10],
        ['08', 30],
        ['11', 20],
      ] as const) {
        const r = await push(s, [entry(month, c)]);
        expect(r.body.results[0].outcome).toBe('applied');
      }
    });
    afterAll(() => database?.close());

    it('the lowest later 累计 refuses the row, wherever it is', async () => {
      const r = await push(s, [entry('03', 25), entry('06', 25), entry('10', 25), entry('12', 50)]);
      const [march, june, october, december] = r.body.results;
      expect(march.errors).toEqual([
        expect.objectContaining({ field: 'cumulative', code: 'CUMULATIVE_ABOVE_LATER', message: expect.stringContaining('2024-05累计10') }),
      ]);
      // June: August's 30 is nearer, November's 20 is lower.
      expect(june.errors).toEqual([expect.objectContaining({ code: 'CUMULATIVE_ABOVE_LATER', message: expect.stringContaining('2024-11累计20') })]);
      expect(october.errors).toEqual([expect.objectContaining({ code: 'CUMULATIVE_ABOVE_LATER', message: expect.stringContaining('2024-11累计20') })]);
      expect(december.outcome).toBe('applied');
    });

    it("a later month the batch sends counts with the batch's value; the lowest of the others still counts", async () => {
      // November goes to 40 in this batch; June's 35 is still above August's 30 (the lowest later month outside the batch).
      const r = await push(s, [entry('11', 40, 1), entry('06', 35)]);
      expect(r.body.results[0].outcome).toBe('applied');
      expect(r.body.results[1].errors).toEqual([
        expect.objectContaining({ code: 'CUMULATIVE_ABOVE_LATER', message: expect.stringContaining('2024-08累计30') }),
      ]);
      // October's 45 is above the stored November (40) but not the 48 this batch gives it first.
      const next = await push(s, [entry('11', 48, 2), entry('10', 45)]);
      expect(next.body.results.map((x: { outcome: string }) => x.outcome)).toEqual(['applied', 'applied']);
    });
  });
}
