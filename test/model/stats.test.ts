import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildRows } from '../../model/sheet';
import { EMPTY_PROGRESS, STATUSES, type ProgressValues } from '../../model/progress';
import { computeStats, monthlySeries, STAT_STATUSES, timeProgress, UNASSIGNED_UNIT } from '../../model/stats';
import { dueDate } from '../../model/deadlines';
import { PLAN, PERIOD, REPORTS, entriesFor } from '../helpers/plan';

const rowsFor = (period = PERIOD, reports = REPORTS) => buildRows(PLAN, { period, entries: entriesFor(period, reports) });

describe('computeStats on the hand-made plan (2026-06)', () => {
  const s = computeStats(rowsFor(), { period: PERIOD, year: 2026, deadline: '2026-06-28', closed: false });

  it('counts items, tasks, reports and statuses', () => {
    expect(s.totals).toMatchObject({ items: 8, tasks: 7, reported: 5, rated: 4 });
    expect(s.totals.byStatus).toEqual({ 未开始: 0, 推进中: 2, 已完成: 2, 滞后: 1, 未填报: 3 });
    // 43.2, 63.4, 60.2 and 103.3 capped at 100 → 266.8 / 4
    expect(s.totals.avgRate).toBe(66.7);
    expect(s.timeProgress).toBe(50);
    expect(s).toMatchObject({ deadline: '2026-06-28', closed: false });
  });

  it('summarises by top-level section', () => {
    expect(s.bySection.map((x) => [x.label, x.items, x.tasks, x.reported, x.avgRate])).toEqual([
      ['一、着力加快交通项目建设', 4, 3, 3, 55.6],
      ['二、提升运输服务水平', 3, 3, 1, 100],
      ['三、守牢安全生产底线', 1, 1, 1, null],
    ]);
  });

  it('lists units by what they owe, lead units only, the unassigned bucket last', () => {
    expect(s.byUnit.map((u) => [u.unit, u.items, u.reported, u.state])).toEqual([
      ['运输处', 1, 0, '未报送'],
      ['建设管理处', 2, 1, '部分报送'],
      ['公路局', 2, 2, '已报送'],
      ['安监处', 1, 1, '已报送'],
      ['规划处', 1, 1, '已报送'],
      [UNASSIGNED_UNIT, 1, 0, '未报送'],
    ]);
    expect(s.unreportedUnits).toEqual(['运输处']);
    expect(s.partialUnits).toEqual(['建设管理处']);
    expect(s.reportedUnits).toEqual(['公路局', '安监处', '规划处']);
  });

  it('finds lagging, overdue and behind-schedule items', () => {
    expect(s.lagging.map((x) => x.itemId)).toEqual(['t-road']);
    expect(s.lagging[0]).toMatchObject({
      problems: '征地拆迁进度慢',
      lead: ['公路局'],
      rate: 60.2,
      dueDate: '2026-06-30',
      section: '一、着力加快交通项目建设',
    });
    // 6月底前 and not done by the end of June; 安全整治 was due in March but is done.
    expect(s.overdue.map((x) => x.itemId)).toEqual(['t-road']);
    // 43.2% < 序时进度 50%; the level target 通车总里程 never counts as behind.
    expect(s.behind.map((x) => x.itemId)).toEqual(['t-invest']);
  });

  it('counts an unreported task as overdue once its deadline has passed', () => {
    const sept = computeStats(rowsFor('2026-09', {}), { period: '2026-09', year: 2026 });
    expect(sept.overdue.map((x) => x.itemId)).toEqual(['t-road', 'k3', 'k6']);
  });
});

describe('deadlines and 序时进度', () => {
  it.each([
    ['年底前', '2026-12-31'],
    ['6月底前', '2026-06-30'],
    ['2027年3月底前', '2027-03-31'],
    ['2月28日前', '2026-02-28'],
    ['二月底', '2026-02-28'],
    ['十一月中旬', '2026-11-20'],
    ['上半年', '2026-06-30'],
    ['三季度', '2026-09-30'],
    ['2026年底前', '2026-12-31'],
    ['6月底前开工、年底前建成', '2026-12-31'],
    ['每月28日前', null],
    ['长期坚持', null],
  ])('%s → %s', (text, date) => expect(dueDate(text, 2026)).toBe(date));

  it('is the share of the plan year elapsed', () => {
    expect(timeProgress('2026-03', 2026)).toBe(25);
    expect(timeProgress('2026-12', 2026)).toBe(100);
    expect(timeProgress('2025-12', 2026)).toBe(0);
    expect(timeProgress('2027-01', 2026)).toBe(100);
  });
});

describe('monthlySeries', () => {
  it('gives one point per month, oldest first, with report and completion rates', () => {
    const may = { 't-invest': { ...EMPTY_PROGRESS, cumulative: 95, status: '推进中' as const } };
    const series = monthlySeries(
      [
        { period: '2026-06', rows: rowsFor() },
        { period: '2026-05', rows: rowsFor('2026-05', may) },
      ],
      2026,
    );
    expect(series.map((p) => p.period)).toEqual(['2026-05', '2026-06']);
    expect(series[0]).toMatchObject({ items: 8, reported: 1, reportRate: 12.5, avgRate: 34.2, timeProgress: 41.7, lagging: 0, unreportedUnits: 4 });
    expect(series[1]).toMatchObject({ reported: 5, reportRate: 62.5, avgRate: 66.7, timeProgress: 50, lagging: 1, unreportedUnits: 1 });
  });
});

describe('invariants over random reports', () => {
  const itemIds = buildRows(PLAN, { period: PERIOD }).flatMap((r) => (r.kind === 'item' ? [r.itemId] : []));
  const values = fc.record<ProgressValues>({
    monthDone: fc.constant(null),
    cumulative: fc.option(fc.integer({ min: 0, max: 6000 })),
    status: fc.option(fc.constantFrom(...STATUSES)),
    progress: fc.option(fc.constantFrom('推进中', '已开工')),
    problems: fc.constant(null),
    nextSteps: fc.constant(null),
  });
  it('sections and units partition the items; statuses add up', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...itemIds), values), (reports) => {
        const s = computeStats(rowsFor(PERIOD, reports), { period: PERIOD, year: 2026 });
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        expect(sum(STAT_STATUSES.map((k) => s.totals.byStatus[k]))).toBe(s.totals.items);
        expect(sum(s.bySection.map((x) => x.items))).toBe(s.totals.items);
        expect(sum(s.bySection.map((x) => x.reported))).toBe(s.totals.reported);
        // every item here has exactly one lead unit (or the unassigned bucket)
        expect(sum(s.byUnit.map((x) => x.items))).toBe(s.totals.items);
        expect(s.totals.byStatus['滞后']).toBe(s.lagging.length);
        if (s.totals.avgRate !== null) expect(s.totals.avgRate).toBeLessThanOrEqual(100);
      }),
    );
  });
});

describe('distinct tasks', () => {
  // Tasks are counted without a set per tally (model/stats.ts countTask): a task's items normally come one
  // after another, but rows in any order must count each task once per tally all the same.
  // The hand-made plan's items twice over: tasks of several items, each met again after others.
  const items = [...rowsFor(), ...rowsFor()].filter((r) => r.kind === 'item');
  const distinct = (rows: typeof items) => new Set(rows.map((r) => r.taskId)).size;

  it('counts each task once in every tally, whatever the order of the rows', () => {
    expect(items.length).toBeGreaterThan(distinct(items)); // some tasks have several items
    fc.assert(
      fc.property(fc.shuffledSubarray(items, { minLength: 1 }), (rows) => {
        const s = computeStats(rows, { period: PERIOD, year: 2026 });
        expect(s.totals.tasks).toBe(distinct(rows));
        expect(s.bySection.map((x) => x.tasks)).toEqual([distinct(rows)]);
        for (const u of s.byUnit) expect(u.tasks, u.unit).toBe(distinct(rows.filter((r) => (r.lead.length ? r.lead : [UNASSIGNED_UNIT]).includes(u.unit))));
      }),
    );
  });
});
