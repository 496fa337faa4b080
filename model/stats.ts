// Summaries of one month's 重点任务清单 for the leaders' dashboard and the monthly 通报: completion by
// section, by lead unit and by status, who has and has not reported, lagging / overdue / behind-schedule
// items, and a per-month series. Pure: everything is computed from model/sheet.ts rows.
import { z } from 'zod';
import { PeriodId, periodEnd, STATUSES, type ProgressValues } from './progress';
import type { ItemRow, SheetRow } from './sheet';
import { stableAverages } from './trend';

/** An item's state for the month: a reported status, or 未填报 when the unit has not reported it. */
export const STAT_STATUSES = [...STATUSES, '未填报'] as const;
export type StatStatus = (typeof STAT_STATUSES)[number];

/** The bucket for items whose task has no lead unit yet (shown, never counted as a unit). */
export const UNASSIGNED_UNIT = '未明确牵头单位';

const ByStatus = z.record(z.enum(STAT_STATUSES), z.number().int());

export const Tally = z
  .object({
    items: z.number().int(), // 填报事项: one per target, or per task without a figure
    tasks: z.number().int(), // distinct tasks
    reported: z.number().int(),
    byStatus: ByStatus,
    /** Items with a 完成率 (quantitative targets with cumulative reported). */
    rated: z.number().int(),
    /** Mean 完成率 of rated items, each capped at 100 so one over-achiever does not hide others. */
    avgRate: z.number().nullable(),
    overdue: z.number().int(),
    behind: z.number().int(),
  })
  .meta({ id: 'Tally' });
export type Tally = z.infer<typeof Tally>;

export const SectionStats = Tally.extend({ sectionId: z.string(), label: z.string() }).meta({ id: 'SectionStats' });
export type SectionStats = z.infer<typeof SectionStats>;

export const ReportState = z.enum(['已报送', '部分报送', '未报送']);
export type ReportState = z.infer<typeof ReportState>;
export const UnitStats = Tally.extend({ unit: z.string(), state: ReportState, unassigned: z.boolean() }).meta({ id: 'UnitStats' });
export type UnitStats = z.infer<typeof UnitStats>;

export const ItemSummary = z
  .object({
    itemId: z.string(),
    taskId: z.string(),
    number: z.string(),
    task: z.string(),
    metric: z.string(),
    section: z.string(),
    lead: z.array(z.string()),
    status: z.enum(STAT_STATUSES),
    targetText: z.string(),
    unit: z.string(),
    cumulative: z.number().nullable(),
    rate: z.number().nullable(),
    deadline: z.string(),
    dueDate: z.string().nullable(),
    progress: z.string().nullable(),
    problems: z.string().nullable(),
    nextSteps: z.string().nullable(),
  })
  .meta({ id: 'ItemSummary' });
export type ItemSummary = z.infer<typeof ItemSummary>;

export const PeriodStats = z
  .object({
    period: PeriodId,
    /** The day reports were due, and whether the month is closed (when known). */
    deadline: z.string().nullable(),
    closed: z.boolean().nullable(),
    /** 序时进度: the share of the plan year elapsed at the end of this month, in %. */
    timeProgress: z.number(),
    totals: Tally,
    bySection: z.array(SectionStats),
    byUnit: z.array(UnitStats),
    reportedUnits: z.array(z.string()),
    partialUnits: z.array(z.string()),
    unreportedUnits: z.array(z.string()),
    lagging: z.array(ItemSummary), // status 滞后
    overdue: z.array(ItemSummary), // due by the end of the month and not 已完成
    behind: z.array(ItemSummary), // 完成率 below 序时进度 (amount and count targets only)
  })
  .meta({ id: 'PeriodStats' });
export type PeriodStats = z.infer<typeof PeriodStats>;

export interface StatsOptions {
  period: PeriodId;
  deadline?: string;
  closed?: boolean;
  /** The plan's year: 序时进度 is counted in it (each row's due date comes from buildRows). Default: the period's. */
  year?: number | null;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** 序时进度 at the end of `period` for a plan of `year`: 0 before the year, 100 after it. */
export function timeProgress(period: PeriodId, year?: number | null): number {
  const [y, m] = period.split('-').map(Number);
  const planYear = year ?? y;
  if (y < planYear) return 0;
  if (y > planYear) return 100;
  return round1((m / 12) * 100);
}

/** Whether the unit has reported anything on this item for the month. */
export function isReported(row: Pick<ItemRow, 'version' | 'values'>): boolean {
  if (row.version <= 0) return false;
  return Object.values(row.values).some((v) => v !== null && v !== '');
}

/**
 * The item's status for the month. A reported item without a status is read from its figures:
 * 完成率 ≥ 100 → 已完成, some cumulative or text → 推进中, else 未开始.
 */
export function statusOf(row: Pick<ItemRow, 'version' | 'values' | 'rate'>): StatStatus {
  if (!isReported(row)) return '未填报';
  const v: ProgressValues = row.values;
  if (v.status) return v.status;
  if (row.rate !== null && row.rate >= 100) return '已完成';
  if ((v.cumulative ?? 0) > 0 || v.monthDone || v.progress) return '推进中';
  return '未开始';
}

function emptyTally(): Tally {
  return {
    items: 0,
    tasks: 0,
    reported: 0,
    byStatus: Object.fromEntries(STAT_STATUSES.map((s) => [s, 0])) as Record<StatStatus, number>,
    rated: 0,
    avgRate: null,
    overdue: 0,
    behind: 0,
  };
}

interface Acc {
  tally: Tally;
  rateSum: number;
  /** The tasks counted, by their number in order of first appearance (TaskNumbers), ascending. */
  tasks: number[];
}
const newAcc = (): Acc => ({ tally: emptyTally(), rateSum: 0, tasks: [] });

/**
 * Tasks numbered in the order they first appear. A task's items come one after another, so its number is
 * found once per task, and a task new to the month is new to every tally: counted by a push, not a set
 * insertion per item and tally (three or more per item; ~75 ms of a 50,000-row export).
 */
function taskNumbers(): (taskId: string) => number {
  const numbers = new Map<string, number>();
  let lastId: string | null = null;
  let last = -1;
  return (taskId) => {
    if (taskId !== lastId) {
      lastId = taskId;
      last = numbers.get(taskId) ?? numbers.size;
      if (last === numbers.size) numbers.set(taskId, last);
    }
    return last;
  };
}

/** Counts task `n` once in `tasks` (ascending): appended when it is the newest, else looked up. */
function countTask(tasks: number[], n: number): void {
  const top = tasks.length ? tasks[tasks.length - 1] : -1;
  if (n === top) return;
  if (n > top) {
    tasks.push(n);
    return;
  }
  // A task met again after others (rows out of document order): binary search, insert if absent.
  let lo = 0;
  let hi = tasks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tasks[mid] < n) lo = mid + 1;
    else hi = mid;
  }
  if (tasks[lo] !== n) tasks.splice(lo, 0, n);
}

function addTo(acc: Acc, task: number, status: StatStatus, rate: number | null, overdue: boolean, behind: boolean): void {
  const t = acc.tally;
  t.items++;
  countTask(acc.tasks, task);
  if (status !== '未填报') t.reported++;
  t.byStatus[status]++;
  if (rate !== null) {
    t.rated++;
    acc.rateSum += Math.min(rate, 100);
  }
  if (overdue) t.overdue++;
  if (behind) t.behind++;
}

function finish(acc: Acc): Tally {
  return { ...acc.tally, tasks: acc.tasks.length, avgRate: acc.tally.rated ? round1(acc.rateSum / acc.tally.rated) : null };
}

/** An item row as the 通报 and the dashboard list it. */
function itemSummary(row: ItemRow, section: string, status: ItemSummary['status']): ItemSummary {
  return {
    itemId: row.itemId,
    taskId: row.taskId,
    number: row.number,
    task: row.task,
    metric: row.metric,
    section,
    lead: row.lead,
    status,
    targetText: row.targetText,
    unit: row.unit,
    cumulative: row.values.cumulative,
    rate: row.rate,
    deadline: row.deadline,
    dueDate: row.due,
    progress: row.values.progress,
    problems: row.values.problems,
    nextSteps: row.values.nextSteps,
  };
}

/** Each lead unit's tally and report state, the units that owe the most first. */
function rankUnits(units: Map<string, Acc>): UnitStats[] {
  const byUnit: UnitStats[] = [...units].map(([unit, acc]) => {
    const t = finish(acc);
    const state: ReportState = t.reported === 0 ? '未报送' : t.reported < t.items ? '部分报送' : '已报送';
    return { ...t, unit, state, unassigned: unit === UNASSIGNED_UNIT };
  });
  // Units that owe the most come first: not reported, then partly, then fully; within, by item count.
  const order: Record<ReportState, number> = { 未报送: 0, 部分报送: 1, 已报送: 2 };
  byUnit.sort(
    (a, b) => Number(a.unassigned) - Number(b.unassigned) || order[a.state] - order[b.state] || b.items - a.items || a.unit.localeCompare(b.unit, 'zh-CN'),
  );
  return byUnit;
}

/** One month's summary. `rows` is buildRows() output for the whole plan (not one unit's view). */
export function computeStats(rows: readonly SheetRow[], opts: StatsOptions): PeriodStats {
  const acc = statsAccumulator(opts);
  for (const row of rows) acc.add(row);
  return acc.result();
}

/**
 * computeStats one row at a time: a paged export counts its rows as they are written instead of keeping
 * them. `lists: false` leaves lagging/overdue/behind empty: they keep a summary (texts included) of every
 * such item — in a plan whose deadlines have passed, of nearly every row — and the 汇总 sheet prints only counts.
 */
export function statsAccumulator(opts: StatsOptions, { lists = true }: { lists?: boolean } = {}): { add(row: SheetRow): void; result(): PeriodStats } {
  const end = periodEnd(opts.period);
  const tp = timeProgress(opts.period, opts.year);
  const totals = newAcc();
  const sections = new Map<string, { label: string; acc: Acc }>();
  const units = new Map<string, Acc>();
  const lagging: ItemSummary[] = [];
  const overdue: ItemSummary[] = [];
  const behind: ItemSummary[] = [];
  const taskNumber = taskNumbers();

  let section = { id: '', label: '其他' };
  // The current section's tally, found once per section (created at its first item, as before).
  let sectionAcc: Acc | null = null;
  function add(row: SheetRow): void {
    if (row.kind === 'section') {
      if (row.depth === 0) {
        section = { id: row.nodeId, label: row.label };
        sectionAcc = null;
      }
      return;
    }
    const status = statusOf(row);
    const isOverdue = row.due !== null && row.due <= end && status !== '已完成';
    // Only amounts and counts accumulate over the year; a level or rate target has no 序时进度.
    const isBehind = status !== '已完成' && row.rate !== null && (row.target?.kind === 'amount' || row.target?.kind === 'count') && row.rate < tp;
    // The item's summary only for the lists it goes in (one object shared by them).
    if (lists && (status === '滞后' || isOverdue || isBehind)) {
      const s = itemSummary(row, section.label, status);
      if (status === '滞后') lagging.push(s);
      if (isOverdue) overdue.push(s);
      if (isBehind) behind.push(s);
    }

    const task = taskNumber(row.taskId);
    addTo(totals, task, status, row.rate, isOverdue, isBehind);
    if (!sectionAcc) {
      if (!sections.has(section.id)) sections.set(section.id, { label: section.label, acc: newAcc() });
      sectionAcc = sections.get(section.id)!.acc;
    }
    addTo(sectionAcc, task, status, row.rate, isOverdue, isBehind);
    for (const unit of row.lead.length ? row.lead : [UNASSIGNED_UNIT]) {
      let acc = units.get(unit);
      if (!acc) units.set(unit, (acc = newAcc()));
      addTo(acc, task, status, row.rate, isOverdue, isBehind);
    }
  }

  function result(): PeriodStats {
    const byUnit = rankUnits(units);
    const named = byUnit.filter((u) => !u.unassigned);

    return {
      period: opts.period,
      deadline: opts.deadline ?? null,
      closed: opts.closed ?? null,
      timeProgress: tp,
      totals: finish(totals),
      bySection: [...sections].map(([sectionId, { label, acc }]) => ({ ...finish(acc), sectionId, label })),
      byUnit,
      reportedUnits: named.filter((u) => u.state === '已报送').map((u) => u.unit),
      partialUnits: named.filter((u) => u.state === '部分报送').map((u) => u.unit),
      unreportedUnits: named.filter((u) => u.state === '未报送').map((u) => u.unit),
      lagging,
      overdue,
      behind,
    };
  }
  return { add, result };
}

export const MonthPoint = z
  .object({
    period: PeriodId,
    items: z.number().int(),
    reported: z.number().int(),
    /** 报送率 in %. */
    reportRate: z.number().nullable(),
    avgRate: z.number().nullable(),
    timeProgress: z.number(),
    byStatus: ByStatus,
    lagging: z.number().int(),
    unreportedUnits: z.number().int(),
    /** 平均完成率 over a stable population (model/trend.ts STABLE_POPULATION), and its size. */
    avgRateStable: z.number().nullable(),
    stablePopulation: z.number().int(),
  })
  .meta({ id: 'MonthPoint' });
export type MonthPoint = z.infer<typeof MonthPoint>;

/** GET …/stats/monthly: the series up to `until`, with the months read from their snapshots. */
export const MonthlySeries = z
  .object({ planId: z.string(), until: z.string(), closedMonths: z.array(z.string()), series: z.array(MonthPoint) })
  .meta({ id: 'MonthlySeries' });
export type MonthlySeries = z.infer<typeof MonthlySeries>;

/** A per-month series for the trend chart, oldest month first. */
export function monthlySeries(months: readonly { period: PeriodId; rows: readonly SheetRow[] }[], year?: number | null): MonthPoint[] {
  const stable = new Map(stableAverages(months).map((p) => [p.period, p]));
  return [...months]
    .sort((a, b) => a.period.localeCompare(b.period))
    .map(({ period, rows }) => {
      const s = computeStats(rows, { period, year });
      const st = stable.get(period);
      return {
        period,
        items: s.totals.items,
        reported: s.totals.reported,
        reportRate: s.totals.items ? round1((s.totals.reported / s.totals.items) * 100) : null,
        avgRate: s.totals.avgRate,
        timeProgress: s.timeProgress,
        byStatus: s.totals.byStatus,
        lagging: s.totals.byStatus['滞后'],
        unreportedUnits: s.unreportedUnits.length,
        avgRateStable: st?.avgRate ?? null,
        stablePopulation: st?.population ?? 0,
      };
    });
}
