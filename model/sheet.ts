// The 重点任务清单 layout: one list of columns and one way to turn a plan into rows, shared by the
// add-in's sheet, the exported workbook and the workbook upload, so all three agree cell for cell.
import { z } from 'zod';
import { Target, walkNodes, type Plan, type PlanNode, type TaskAssignment, type Units } from './plan';
import { completionRate } from './rules';
import { COMPARATOR_SYMBOL, leadingComparator, type Comparator } from './comparator';
import { dueDate } from './deadlines';
import { EMPTY_PROGRESS, progressKey, ProgressValues, type PeriodId } from './progress';

export type ColumnKind = 'text' | 'number' | 'status' | 'rate' | 'id';

export interface Column {
  key: SheetColumnKey;
  header: string;
  /** Input columns are what a reporter types into; all others come from the model and are locked. */
  input: boolean;
  kind: ColumnKind;
  width: number; // in Excel character widths
  /** The two-level header group of the exported workbook. */
  group: '任务' | '年度目标' | '本月进展' | '';
}

export const COLUMNS = [
  { key: 'number', header: '序号', input: false, kind: 'text', width: 6, group: '任务' },
  { key: 'task', header: '任务', input: false, kind: 'text', width: 36, group: '任务' },
  { key: 'metric', header: '指标', input: false, kind: 'text', width: 22, group: '年度目标' },
  { key: 'targetValue', header: '目标值', input: false, kind: 'text', width: 10, group: '年度目标' },
  { key: 'unit', header: '单位', input: false, kind: 'text', width: 8, group: '年度目标' },
  { key: 'lead', header: '牵头单位', input: false, kind: 'text', width: 16, group: '年度目标' },
  { key: 'deadline', header: '完成时限', input: false, kind: 'text', width: 12, group: '年度目标' },
  { key: 'monthDone', header: '本月完成', input: true, kind: 'number', width: 10, group: '本月进展' },
  { key: 'cumulative', header: '累计完成', input: true, kind: 'number', width: 10, group: '本月进展' },
  { key: 'rate', header: '完成率', input: false, kind: 'rate', width: 8, group: '本月进展' },
  { key: 'status', header: '状态', input: true, kind: 'status', width: 8, group: '本月进展' },
  { key: 'progress', header: '进展情况', input: true, kind: 'text', width: 40, group: '本月进展' },
  { key: 'problems', header: '存在问题', input: true, kind: 'text', width: 28, group: '本月进展' },
  { key: 'nextSteps', header: '下步计划', input: true, kind: 'text', width: 28, group: '本月进展' },
  { key: 'id', header: 'id', input: false, kind: 'id', width: 4, group: '' },
] as const satisfies readonly Column[];

export type SheetColumnKey =
  | 'number'
  | 'task'
  | 'metric'
  | 'targetValue'
  | 'unit'
  | 'lead'
  | 'deadline'
  | 'monthDone'
  | 'cumulative'
  | 'rate'
  | 'status'
  | 'progress'
  | 'problems'
  | 'nextSteps'
  | 'id';

/** A column's letters from its 0-based index (0 → A, 26 → AA): for A1 addresses and formulas. */
export function colLetter(c: number): string {
  let s = '';
  for (c += 1; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return s;
}

export const COLUMN_INDEX = Object.fromEntries(COLUMNS.map((c, i) => [c.key, i])) as Record<SheetColumnKey, number>;
export { INPUT_KEYS, type InputKey } from './fields';

/** Who leads and co-leads a task: unit names, from the office's assignment or else from the document. */
export type { TaskAssignment } from './plan';

export const SectionRow = z
  .object({
    kind: z.literal('section'),
    nodeId: z.string(),
    label: z.string(), // "二、着力加快交通项目建设"
    depth: z.number().int(),
  })
  .meta({ id: 'SectionRow' });
export type SectionRow = z.infer<typeof SectionRow>;

export const ItemRow = z
  .object({
    kind: z.literal('item'),
    itemId: z.string(), // a target id, or the task's node id when the task has no figure
    key: z.string(), // progressKey(itemId, period)
    taskId: z.string(),
    number: z.string(),
    task: z.string(),
    metric: z.string(),
    target: Target.pick({ value: true, max: true, unit: true, comparator: true, kind: true }).optional(),
    targetText: z.string(), // 目标值 as shown: 278 | 1-2 | ≥1000 | ≤50
    unit: z.string(),
    lead: z.array(z.string()),
    co: z.array(z.string()),
    deadline: z.string(),
    /** When the task falls due (ISO date): the same for the add-in's 截止日期 column, the export and the stats. */
    due: z.string().nullable(),
    version: z.number().int(), // 0 = nothing reported yet
    values: ProgressValues,
    rate: z.number().nullable(), // 完成率 in %
  })
  .meta({ id: 'ItemRow' });
export type ItemRow = z.infer<typeof ItemRow>;

export const SheetRow = z.discriminatedUnion('kind', [SectionRow, ItemRow]).meta({ id: 'SheetRow' });
export type SheetRow = SectionRow | ItemRow;

export function targetText(t: Pick<Target, 'value' | 'max' | 'comparator'>): string {
  if (t.max !== undefined) return `${t.value}-${t.max}`;
  if (t.comparator !== 'eq') return `${COMPARATOR_SYMBOL[t.comparator]}${t.value}`;
  return String(t.value);
}

const NUMBER = /^\d+(?:\.\d+)?$/;

/** 目标值 as typed (the reverse of targetText) → target fields: "278", "1-2", "≥1000", ">=1000", "≤50". */
export function parseTargetText(raw: unknown): { value: number; max: number | null; comparator: Comparator } | null {
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return { value: raw, max: null, comparator: 'eq' };
  const t = String(raw ?? '')
    .trim()
    .replace(/，/g, ',')
    .replace(/,/g, '');
  // "=278" stays refused: only ≥ / ≤ (or their words) may lead a figure.
  const lead = leadingComparator(t);
  if (lead && lead.comparator !== 'eq') return NUMBER.test(lead.rest) ? { value: Number(lead.rest), max: null, comparator: lead.comparator } : null;
  const m = /^(\d+(?:\.\d+)?)\s*[-~～—]\s*(\d+(?:\.\d+)?)$/.exec(t);
  if (m && Number(m[2]) >= Number(m[1])) return { value: Number(m[1]), max: Number(m[2]), comparator: 'eq' };
  if (NUMBER.test(t)) return { value: Number(t), max: null, comparator: 'eq' };
  return null;
}

/** A stored progress entry, as the rows need it. */
export interface StoredEntry {
  version: number;
  values: ProgressValues;
}

export interface BuildRowsOptions {
  period: PeriodId;
  assignments?: ReadonlyMap<string, TaskAssignment>; // by task node id
  entries?: ReadonlyMap<string, StoredEntry>; // by progress key
  /** Only tasks this unit leads or co-leads (a reporter's view). */
  unit?: string;
}

/** A task's effective assignment: the office's, else the units the document names. */
export function assignmentOf(node: { id: string; units?: Units | null }, assignments?: ReadonlyMap<string, TaskAssignment>): TaskAssignment {
  return assignments?.get(node.id) ?? { lead: node.units?.lead ?? [], co: node.units?.co ?? [] };
}

/** Whether a unit leads or co-leads a task: the tasks a reporter sees and may report on. */
export function takesPart(who: TaskAssignment, unit: string): boolean {
  return who.lead.includes(unit) || who.co.includes(unit);
}

/**
 * A task's due date: the latest date its deadlines resolved to at import (model/deadlines.ts), else
 * what their text says for the plan's year (model/deadlines.ts dueDate; plans built by hand carry no dates).
 */
export function taskDue(node: Pick<PlanNode, 'deadlines'>, year: number, readText = (text: string) => dueDate(text, year)): string | null {
  let latest: string | null = null;
  for (const d of node.deadlines) if (d.date && (latest === null || d.date > latest)) latest = d.date;
  if (latest !== null || node.deadlines.length === 0) return latest;
  return readText(node.deadlines.map((d) => d.text).join('、'));
}

/** A node's item rows: one per target, or the node itself when it has none (a section without targets has none). */
export function itemsOf<T extends { id: string }>(node: { id: string; kind: PlanNode['kind']; targets: readonly T[] }): { itemId: string; target?: T }[] {
  if (node.targets.length) return node.targets.map((t) => ({ itemId: t.id, target: t }));
  return node.kind === 'section' ? [] : [{ itemId: node.id }];
}

/** Plan → sheet rows: a section row per section, an item row per target (or per task without one). */
export function buildRows(plan: Plan, opts: BuildRowsOptions): SheetRow[] {
  const rows: SheetRow[] = [];
  const add = rowBuilder(plan.year, opts);
  const depthOf = new Map<string, number>();
  for (const { node, parent } of walkNodes(plan.nodes)) {
    const depth = parent ? (depthOf.get(parent.id) ?? 0) + 1 : 0;
    depthOf.set(node.id, depth);
    add(node, depth, opts, rows);
  }
  return rows;
}

/** The node fields rows are built from (no source text or spans: the paged export reads only these). */
export type RowTarget = Pick<Target, 'id' | 'metric' | 'value' | 'max' | 'unit' | 'comparator' | 'kind'>;
export type RowNode = Pick<PlanNode, 'id' | 'kind' | 'number' | 'title' | 'deadlines' | 'units'> & { targets: readonly RowTarget[] };

/**
 * buildRows one node at a time, in document order with each node's depth: the whole-plan rows and the
 * export's pages from the database (server/services/workbook-pages.ts) share it. Entries and assignments
 * are given per call (a page's); the month and the unit filter are fixed by `opts`.
 */
export function rowBuilder(
  planYear: number | null,
  opts: Pick<BuildRowsOptions, 'period' | 'unit'>,
): (node: RowNode, depth: number, page: Pick<BuildRowsOptions, 'entries' | 'assignments'>, out: SheetRow[]) => void {
  const year = planYear ?? Number(opts.period.slice(0, 4));
  // Many tasks share a deadline text (年底前 everywhere): read each text once.
  const dueByText = new Map<string, string | null>();
  const readText = (text: string) => {
    if (!dueByText.has(text)) dueByText.set(text, dueDate(text, year));
    return dueByText.get(text)!;
  };
  let pendingSections: SectionRow[] = [];
  return (node, depth, { entries, assignments }, rows) => {
    if (node.kind === 'section') {
      // A section row is emitted only once a task under it survives the unit filter.
      pendingSections = pendingSections.filter((s) => s.depth < depth);
      pendingSections.push({ kind: 'section', nodeId: node.id, label: sectionLabel(node), depth });
      if (node.targets.length === 0) return;
    }
    const who = assignmentOf(node, assignments);
    if (opts.unit && !takesPart(who, opts.unit)) return;
    rows.push(...pendingSections);
    pendingSections = [];
    const due = taskDue(node, year, readText);
    for (const { itemId, target } of itemsOf(node)) {
      const key = progressKey(itemId, opts.period);
      const entry = entries?.get(key);
      const values = entry?.values ?? EMPTY_PROGRESS;
      rows.push({
        kind: 'item',
        itemId,
        key,
        taskId: node.id,
        number: node.number,
        task: node.title,
        metric: target?.metric ?? '',
        target: target && { value: target.value, max: target.max, unit: target.unit, comparator: target.comparator, kind: target.kind },
        targetText: target ? targetText(target) : '',
        unit: target?.unit ?? '',
        lead: who.lead,
        co: who.co,
        deadline: node.deadlines.map((d) => d.text).join('、'),
        due,
        version: entry?.version ?? 0,
        values,
        rate: completionRate(values.cumulative, target),
      });
    }
  };
}

function sectionLabel(node: Pick<PlanNode, 'number' | 'title'>): string {
  const sep = /^[（(]/.test(node.number) ? '' : /^[一二三四五六七八九十百]+$/.test(node.number) ? '、' : '.';
  return `${node.number}${sep}${node.title}`;
}

/** Each column's value of an item row (what rowCells reads, one function per column in COLUMNS order). */
const CELL_VALUE: Record<SheetColumnKey, (row: ItemRow) => string | number | null | undefined> = {
  number: (row) => row.number,
  task: (row) => row.task,
  metric: (row) => row.metric,
  targetValue: (row) => (row.target && row.target.max === undefined && row.target.comparator === 'eq' ? row.target.value : row.targetText),
  unit: (row) => row.unit,
  lead: (row) => row.lead.join('、'),
  deadline: (row) => row.deadline,
  monthDone: (row) => row.values.monthDone,
  cumulative: (row) => row.values.cumulative,
  rate: (row) => row.rate,
  status: (row) => row.values.status,
  progress: (row) => row.values.progress,
  problems: (row) => row.values.problems,
  nextSteps: (row) => row.values.nextSteps,
  id: (row) => row.itemId,
};
const CELL_VALUES = COLUMNS.map((c) => CELL_VALUE[c.key]);

/** The cell values of an item row, in COLUMNS order (what the add-in writes and the export prints). */
export function rowCells(row: ItemRow): (string | number | null)[] {
  // Read column by column (no record of every value first: the export calls this for each of 50,000 rows).
  const cells: (string | number | null)[] = new Array<string | number | null>(CELL_VALUES.length);
  for (let i = 0; i < CELL_VALUES.length; i++) cells[i] = CELL_VALUES[i](row) ?? null;
  return cells;
}
