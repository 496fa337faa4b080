// 调整目标 (issue 11): which figures apply in which month, what a revision request may change, and
// 完成率 / 序时进度 per month with the target in force then.
import { describe, expect, it } from 'vitest';
import { EMPTY_PROGRESS, progressKey } from '../../model/progress';
import { buildRows, type ItemRow } from '../../model/sheet';
import { computeStats } from '../../model/stats';
import { checkRevision, planAsOf, revisionInForce, targetAsOf, type TargetRevision } from '../../model/target-history';
import { samplePlan } from '../helpers/plan';

const rev = (fromPeriod: string | null, value: number, unit = '亿元'): TargetRevision => ({ fromPeriod, value, max: null, unit, comparator: 'eq' });
const HISTORY = [rev(null, 103), rev('2024-03', 200), rev('2024-04', 50)];

describe('revisionInForce / targetAsOf', () => {
  it('picks the latest revision starting on or before the month; the original before the first', () => {
    expect(revisionInForce(HISTORY, '2024-01')?.value).toBe(103);
    expect(revisionInForce(HISTORY, '2024-02')?.value).toBe(103);
    expect(revisionInForce(HISTORY, '2024-03')?.value).toBe(200);
    expect(revisionInForce(HISTORY, '2024-12')?.value).toBe(50);
    // order of storage does not matter
    expect(revisionInForce([...HISTORY].reverse(), '2024-03')?.value).toBe(200);
    expect(revisionInForce([rev('2024-06', 1)], '2024-05')).toBeNull();
  });

  it('replaces value, unit, max and comparator, keeps the rest of the target', () => {
    const t = samplePlan().nodes[0].children[0].targets[0];
    const out = targetAsOf({ ...t, max: 150 }, [rev(null, 101), { fromPeriod: '2024-06', value: 20, max: null, unit: '千亿元', comparator: 'gte' }], '2024-07');
    expect(out).toMatchObject({ id: t.id, metric: t.metric, value: 20, unit: '千亿元', comparator: 'gte', quote: t.quote });
    expect(out.max).toBeUndefined();
    expect(targetAsOf(t, undefined, '2024-07')).toBe(t);
  });
});

describe('完成率 and 序时进度 per month with the target in force', () => {
  const plan = samplePlan({ year: 2024 });
  const histories = new Map([['t3-m1', HISTORY]]);
  const cumulative: Record<string, number> = { '2024-02': 10.3, '2024-03': 20, '2024-04': 25 };
  const rowOf = (period: string) => {
    const entries = new Map([
      [progressKey('t3-m1', period), { version: 1, values: { ...EMPTY_PROGRESS, cumulative: cumulative[period], status: '推进中' as const } }],
    ]);
    const rows = buildRows(planAsOf(plan, histories, period), { period, entries });
    return { row: rows.find((r): r is ItemRow => r.kind === 'item' && r.itemId === 't3-m1')!, stats: computeStats(rows, { period, year: 2024 }) };
  };

  it('February against 103, March against 200, April against 50', () => {
    const feb = rowOf('2024-02');
    const mar = rowOf('2024-03');
    const apr = rowOf('2024-04');
    expect([feb.row.rate, mar.row.rate, apr.row.rate]).toEqual([10, 10, 50]);
    expect([feb.row.targetText, mar.row.targetText, apr.row.targetText]).toEqual(['103', '200', '50']);
    // 序时进度 16.7 / 25 / 33.3: behind in February and March, not in April
    expect(feb.stats.behind.map((b) => b.itemId)).toContain('t3-m1');
    expect(mar.stats.behind.map((b) => b.itemId)).toContain('t3-m1');
    expect(apr.stats.behind.map((b) => b.itemId)).not.toContain('t3-m1');
    // Without the history March would read 20/103
    const plain = buildRows(plan, {
      period: '2024-03',
      entries: new Map([[progressKey('t3-m1', '2024-03'), { version: 1, values: { ...EMPTY_PROGRESS, cumulative: 20 } }]]),
    });
    expect((plain.find((r) => r.kind === 'item' && r.itemId === 't3-m1') as ItemRow).rate).toBe(19.4);
  });

  it('leaves a plan without revisions as it is', () => {
    expect(planAsOf(plan, new Map(), '2024-05')).toBe(plan);
  });
});

describe('checkRevision', () => {
  const current = { value: 50, max: null, unit: '公里', comparator: 'gte' as const };
  const ok = { fromPeriod: '2024-07', value: 60, reason: '省政府调整年度目标' };

  it('accepts a new value from a later open month', () => {
    expect(checkRevision(ok, { current, history: [], closedPeriods: ['2024-05'] })).toEqual({
      ok: true,
      figures: { value: 60, max: null, unit: '公里', comparator: 'gte' },
      conversion: null,
    });
  });

  it('refuses a unit change without its conversion confirmed, and with a mismatching one', () => {
    const r = checkRevision({ ...ok, value: 50, unit: '千米' }, { current, history: [], closedPeriods: [] });
    expect(r).toMatchObject({ ok: false, errors: [{ field: 'confirmUnitConversion', code: 'UNIT_CHANGE_UNCONFIRMED' }] });
    const wrong = checkRevision(
      { ...ok, unit: '千米', confirmUnitConversion: { from: '米', to: '千米', factor: 1 } },
      { current, history: [], closedPeriods: [] },
    );
    expect(wrong.ok).toBe(false);
    const right = checkRevision(
      { ...ok, value: 50, unit: '千米', confirmUnitConversion: { from: '公里', to: '千米', factor: 1 } },
      { current, history: [], closedPeriods: [] },
    );
    expect(right).toMatchObject({ ok: true, figures: { unit: '千米' }, conversion: { from: '公里', to: '千米', factor: 1 } });
  });

  it('refuses a month not after the last revision or within closed months, no reason, no change, max below value', () => {
    const codes = (r: ReturnType<typeof checkRevision>) => (r.ok ? [] : r.errors.map((e) => e.code));
    expect(codes(checkRevision(ok, { current, history: [{ fromPeriod: null }, { fromPeriod: '2024-07' }], closedPeriods: [] }))).toEqual(['REVISION_ORDER']);
    expect(codes(checkRevision(ok, { current, history: [], closedPeriods: ['2024-06', '2024-07'] }))).toEqual(['REVISION_IN_CLOSED_MONTH']);
    expect(codes(checkRevision({ ...ok, reason: '  ' }, { current, history: [], closedPeriods: [] }))).toEqual(['REASON_REQUIRED']);
    expect(codes(checkRevision({ ...ok, value: 50 }, { current, history: [], closedPeriods: [] }))).toEqual(['NO_CHANGE']);
    expect(codes(checkRevision({ ...ok, max: 10 }, { current, history: [], closedPeriods: [] }))).toEqual(['MAX_BELOW_VALUE']);
  });
});
