import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  assignmentOf,
  buildRows,
  colLetter,
  parseTargetText,
  targetText,
  rowCells,
  takesPart,
  taskDue,
  COLUMNS,
  COLUMN_INDEX,
  type ItemRow,
} from '../../model/sheet';
import type { Plan, PlanNode, Target } from '../../model/plan';
import { EMPTY_PROGRESS } from '../../model/progress';

const span = { start: 0, end: 0 };
const target = (id: string, value: number, unit: string, extra: Partial<Target> = {}): Target => ({
  id,
  metric: `指标${id}`,
  value,
  unit,
  comparator: 'eq',
  kind: 'amount',
  quote: `${value}${unit}`,
  span,
  confidence: 1,
  ...extra,
});
const node = (id: string, kind: 'section' | 'task', number: string, title: string, extra: Partial<PlanNode> = {}): PlanNode => ({
  id,
  kind,
  number,
  title,
  text: title,
  span,
  targets: [],
  deadlines: [],
  children: [],
  ...extra,
});

const plan: Plan = {
  id: 'p1',
  title: '2023年工作要点',
  year: 2023,
  script: 'simplified',
  source: 'x.txt',
  nodes: [
    node('s1', 'section', '一', '加快项目建设', {
      targets: [target('t0', 278, '亿元')],
      children: [
        node('n1', 'task', '1', '加快高速公路建设', {
          targets: [target('t1', 631, '公里'), target('t2', 1, '个', { max: 2 }), target('t3', 50, '%', { comparator: 'gte', kind: 'rate' })],
          units: { lead: ['公路局'] },
          deadlines: [{ text: '年底前', date: '2023-12-31' }],
        }),
        node('n2', 'task', '2', '破解制约难题', { units: { lead: ['规划处'], co: ['公路局'] } }),
      ],
    }),
    node('s2', 'section', '二', '党的建设', { children: [node('n3', 'task', '3', '强化党建', { units: { lead: ['机关党委'] } })] }),
  ],
};

describe('buildRows', () => {
  it('gives a section row per section and an item row per target, or per task without one', () => {
    const rows = buildRows(plan, { period: '2023-03' });
    expect(rows.map((r) => (r.kind === 'section' ? `S:${r.label}` : `I:${r.itemId}`))).toEqual([
      'S:一、加快项目建设',
      'I:t0',
      'I:t1',
      'I:t2',
      'I:t3',
      'I:n2',
      'S:二、党的建设',
      'I:n3',
    ]);
    const t2 = rows.find((r) => r.kind === 'item' && r.itemId === 't2') as ItemRow;
    expect(t2).toMatchObject({ key: 't2@2023-03', taskId: 'n1', number: '1', targetText: '1-2', unit: '个', lead: ['公路局'], deadline: '年底前', version: 0 });
  });

  it('shows a unit only the tasks it leads or co-leads, with their sections', () => {
    const rows = buildRows(plan, { period: '2023-03', unit: '公路局' });
    expect(rows.map((r) => (r.kind === 'section' ? r.nodeId : r.itemId))).toEqual(['s1', 't1', 't2', 't3', 'n2']);
  });

  it('prefers the office’s assignment over the units named in the document', () => {
    const assignments = new Map([['n3', { lead: ['人事处'], co: [] }]]);
    expect(buildRows(plan, { period: '2023-03', unit: '机关党委', assignments })).toEqual([]);
    expect(buildRows(plan, { period: '2023-03', unit: '人事处', assignments }).map((r) => r.kind)).toEqual(['section', 'item']);
  });

  it('carries stored entries and computes 完成率', () => {
    const entries = new Map([['t1@2023-03', { version: 3, values: { ...EMPTY_PROGRESS, cumulative: 315.5, status: '推进中' as const } }]]);
    const row = buildRows(plan, { period: '2023-03', entries }).find((r) => r.kind === 'item' && r.itemId === 't1') as ItemRow;
    expect(row.version).toBe(3);
    expect(row.rate).toBe(50);
    const cells = rowCells(row);
    expect(cells).toHaveLength(COLUMNS.length);
    expect(cells[COLUMN_INDEX.targetValue]).toBe(631);
    expect(cells[COLUMN_INDEX.cumulative]).toBe(315.5);
    expect(cells[COLUMN_INDEX.status]).toBe('推进中');
    expect(cells[COLUMN_INDEX.id]).toBe('t1');
  });

  it('shows ranges and comparators as text in 目标值', () => {
    const rows = buildRows(plan, { period: '2023-03' }) as ItemRow[];
    const byId = Object.fromEntries(rows.filter((r) => r.kind === 'item').map((r) => [r.itemId, rowCells(r)[COLUMN_INDEX.targetValue]]));
    expect(byId).toMatchObject({ t2: '1-2', t3: '≥50', n2: '' });
  });

  it('takes the office assignment over the document units, and a co-lead unit takes part', () => {
    const n2 = plan.nodes[0].children[1];
    expect(assignmentOf(n2)).toEqual({ lead: ['规划处'], co: ['公路局'] });
    expect(assignmentOf(n2, new Map([['n2', { lead: ['运输处'], co: [] }]]))).toEqual({ lead: ['运输处'], co: [] });
    expect(assignmentOf({ id: 'x', units: null })).toEqual({ lead: [], co: [] });
    expect(takesPart(assignmentOf(n2), '公路局')).toBe(true);
    expect(takesPart(assignmentOf(n2), '运输处')).toBe(false);
    // The unit filter of buildRows is the same rule: 公路局 sees n1 (lead) and n2 (co), not n3.
    const mine = buildRows(plan, { period: '2023-03', unit: '公路局' }).flatMap((r) => (r.kind === 'item' ? [r.taskId] : []));
    expect([...new Set(mine)]).toEqual(['n1', 'n2']);
  });

  it('names columns A…Z, AA… from 0-based indexes', () => {
    expect([0, 14, 25, 26, 27, 701, 702].map(colLetter)).toEqual(['A', 'O', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });

  it('reads 目标值 back as written by targetText, and refuses what is not a target', () => {
    const value = fc.integer({ min: 0, max: 10 ** 8 }).map((n) => n / 100);
    const t = fc.oneof(
      fc.record({ value, comparator: fc.constantFrom('eq' as const, 'gte' as const, 'lte' as const) }).map((x) => ({ ...x, max: undefined })),
      fc.tuple(value, value).map(([a, b]) => ({ value: Math.min(a, b), max: Math.max(a, b), comparator: 'eq' as const })),
    );
    fc.assert(
      fc.property(t, (x) => {
        expect(parseTargetText(targetText(x))).toEqual({ value: x.value, max: x.max ?? null, comparator: x.comparator });
      }),
    );
    expect(parseTargetText('不低于 1,000')).toEqual({ value: 1000, max: null, comparator: 'gte' });
    expect(parseTargetText(278)).toEqual({ value: 278, max: null, comparator: 'eq' });
    for (const bad of ['5-3', '约100', '', -1, '=A1']) expect(parseTargetText(bad)).toBeNull();
  });

  it('dates a task by its stored deadline dates, else by its deadline text in the plan year', () => {
    const rows = buildRows(plan, { period: '2023-03' }).filter((r): r is ItemRow => r.kind === 'item');
    expect(rows.find((r) => r.itemId === 't1')!.due).toBe('2023-12-31'); // stored date
    expect(rows.find((r) => r.itemId === 'n2')!.due).toBeNull(); // no deadline
    // A stored date wins over the text: 次年一季度 resolved at import to next year's, not this year's.
    expect(
      taskDue(
        {
          deadlines: [
            { text: '6月底前', date: '2023-06-30' },
            { text: '次年一季度', date: '2024-03-31' },
          ],
        },
        2023,
      ),
    ).toBe('2024-03-31');
    expect(taskDue({ deadlines: [{ text: '6月底前' }, { text: '10月中旬' }] }, 2023)).toBe('2023-10-20');
    expect(taskDue({ deadlines: [] }, 2023)).toBeNull();
  });
});
