// 序时进度 lights at push (issue 10): a yellow or red row without 存在问题/下步计划 is refused on those
// fields, as 滞后 is; the plan's thresholds and the target in force in the row's month decide the light.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../server/db/connect';
import { databases, type TestDatabase } from '../helpers/db';
import { batchId, setup, type Setup } from '../helpers/server';

// June: 序时进度 50%. Targets of the sample plan: t1-m1 101, t3-m1 103, t5-m1 105, t7-m1 107 (亿元), t4-m2 50 (公里).
const JUNE = '2024-06';
const push = (s: Setup, token: string, entries: unknown[]) =>
  s.req('POST', `/api/v1/plans/${s.planId}/progress/batches`, token, { batchId: batchId('light'), entries });
const stored = async (s: Setup, key: string) =>
  (await rowsOf<{ cumulative: number | null }>(s.database.db, sql`select cumulative from progress where key = ${key}`))[0] ?? null;
const codes = (r: any) => r.errors.map((e: any) => [e.field, e.code]);

for (const target of databases()) {
  describe.skipIf(target.skip)(`push · 序时进度 lights · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    beforeAll(async () => {
      database = await target.open();
      s = await setup(database);
    });
    afterAll(() => database?.close());

    it('green passes bare; yellow and red need 存在问题 and 下步计划, whoever pushes (the office too)', async () => {
      const r = await push(s, s.admin, [
        { key: `t1-m1@${JUNE}`, baseVersion: 0, fields: { cumulative: 45 } }, // 44.6%: 5.4 points behind → green
        { key: `t3-m1@${JUNE}`, baseVersion: 0, fields: { cumulative: 30, progress: '推进中' } }, // 29.1%: 20.9 behind → yellow
        { key: `t5-m1@${JUNE}`, baseVersion: 0, fields: { cumulative: 10, problems: '资金未到位' } }, // 9.5%: 40.5 behind → red
        { key: `t7-m1@${JUNE}`, baseVersion: 0, fields: { cumulative: 10, status: '已完成' } }, // 已完成: no light
      ]);
      expect(r.status).toBe(200);
      const [green, yellow, red, done] = r.body.results;
      expect(green.outcome).toBe('applied');
      expect(yellow.outcome).toBe('rejected');
      expect(codes(yellow)).toEqual([
        ['problems', 'LIGHT_NEEDS_PROBLEM'],
        ['nextSteps', 'LIGHT_NEEDS_NEXT_STEP'],
      ]);
      expect(yellow.errors[0].message).toContain('黄灯');
      expect(codes(red)).toEqual([['nextSteps', 'LIGHT_NEEDS_NEXT_STEP']]);
      expect(red.errors[0].message).toContain('红灯');
      expect(done.outcome).toBe('applied');
      expect(await stored(s, `t3-m1@${JUNE}`)).toBeNull();
      expect(await stored(s, `t5-m1@${JUNE}`)).toBeNull();

      const fixed = await push(s, s.admin, [
        { key: `t5-m1@${JUNE}`, baseVersion: 0, fields: { cumulative: 10, problems: '资金未到位', nextSteps: '协调省级资金' } },
      ]);
      expect(fixed.body.results[0]).toMatchObject({ outcome: 'applied', version: 1 });

      // A reporter (综合规划处 leads t4) meets the same rule: 10 of 50 公里 is 20%, 30 points behind → red.
      const rep = await push(s, s.reporter['综合规划处'], [{ key: `t4-m2@${JUNE}`, baseVersion: 0, fields: { cumulative: 10 } }]);
      expect(codes(rep.body.results[0])).toEqual([
        ['problems', 'LIGHT_NEEDS_PROBLEM'],
        ['nextSteps', 'LIGHT_NEEDS_NEXT_STEP'],
      ]);
    });

    it('the target in force that month decides: a revision from July makes July behind, June unchanged', async () => {
      const rev = await s.req('POST', `/api/v1/plans/${s.planId}/targets/t1-m1/revisions`, s.admin, {
        fromPeriod: '2024-07',
        value: 500,
        reason: '追加投资计划',
      });
      expect(rev.status).toBeLessThan(300);
      const r = await push(s, s.admin, [
        { key: `t1-m1@${JUNE}`, baseVersion: 1, fields: { cumulative: 150 } }, // of 101 in June → green
        { key: 't1-m1@2024-07', baseVersion: 0, fields: { cumulative: 150 } }, // of 500: 30% vs 58.3 → yellow
      ]);
      expect(r.body.results[0].outcome).toBe('applied');
      expect(codes(r.body.results[1])).toEqual([
        ['problems', 'LIGHT_NEEDS_PROBLEM'],
        ['nextSteps', 'LIGHT_NEEDS_NEXT_STEP'],
      ]);
    });

    it('the plan’s own thresholds apply (month-settings)', async () => {
      const put = await s.req('PUT', `/api/v1/plans/${s.planId}/month-settings`, s.admin, { lights: { yellow: 25, red: 45 } });
      expect(put.status).toBe(200);
      const r = await push(s, s.admin, [
        { key: `t3-m1@${JUNE}`, baseVersion: 0, fields: { cumulative: 30 } }, // 20.9 behind: now green
        { key: `t7-m1@2024-05`, baseVersion: 0, fields: { cumulative: 10 } }, // May 41.7%: 9.3% is 32.4 behind → yellow
      ]);
      expect(r.body.results[0].outcome).toBe('applied');
      expect(codes(r.body.results[1])).toEqual([
        ['problems', 'LIGHT_NEEDS_PROBLEM'],
        ['nextSteps', 'LIGHT_NEEDS_NEXT_STEP'],
      ]);
      expect(r.body.results[1].errors[0].message).toContain('黄灯');
    });
  });
}
