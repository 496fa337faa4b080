// Periods and monthly progress entries: what units report against a task or a target.
import { z } from 'zod';
import { walkNodes, type Plan } from './plan';

export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
export const PERIOD_MESSAGE = '月份格式须为 YYYY-MM';
export const PeriodId = z.string().regex(PERIOD_PATTERN, PERIOD_MESSAGE);
export type PeriodId = z.infer<typeof PeriodId>;

export const Period = z.object({
  planId: z.string(),
  period: PeriodId,
  deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), // the day reports are due
  status: z.enum(['open', 'closed']),
});
export type Period = z.infer<typeof Period>;

export const STATUSES = ['未开始', '推进中', '已完成', '滞后'] as const;
export const ProgressStatus = z.enum(STATUSES);
export type ProgressStatus = z.infer<typeof ProgressStatus>;

/** Text limits, in characters: long enough for a real 进展情况, short enough for a cell and a report. */
export const TEXT_LIMITS = { progress: 2000, problems: 1000, nextSteps: 1000 } as const;

/**
 * The fields a reporter can write. Values arrive loosely typed (from cells and JSON) and are checked by
 * rules.ts, so the schema only fixes the names; null clears a field.
 */
export const ProgressFields = z
  .object({
    monthDone: z.unknown().optional(), // 本月完成
    cumulative: z.unknown().optional(), // 累计完成
    unit: z.unknown().optional(), // 单位 (only checked, never stored: it must match the target's)
    status: z.unknown().optional(), // 状态
    progress: z.unknown().optional(), // 进展情况
    problems: z.unknown().optional(), // 存在问题
    nextSteps: z.unknown().optional(), // 下步计划
  })
  .strict();
export type ProgressFields = z.infer<typeof ProgressFields>;

/** A stored, validated entry. */
export const ProgressValues = z.object({
  monthDone: z.number().nonnegative().nullable(),
  cumulative: z.number().nonnegative().nullable(),
  status: ProgressStatus.nullable(),
  progress: z.string().nullable(),
  problems: z.string().nullable(),
  nextSteps: z.string().nullable(),
});
export type ProgressValues = z.infer<typeof ProgressValues>;

export const EMPTY_PROGRESS: ProgressValues = {
  monthDone: null,
  cumulative: null,
  status: null,
  progress: null,
  problems: null,
  nextSteps: null,
};

export const FIELD_LABELS: Record<keyof ProgressFields, string> = {
  monthDone: '本月完成',
  cumulative: '累计完成',
  unit: '单位',
  status: '状态',
  progress: '进展情况',
  problems: '存在问题',
  nextSteps: '下步计划',
};

/** An entry's key: the task or target it reports on, and the month. */
export function progressKey(itemId: string, period: PeriodId): string {
  return `${itemId}@${period}`;
}
export function parseProgressKey(key: string): { itemId: string; period: string } | null {
  const at = key.lastIndexOf('@');
  if (at <= 0) return null;
  const period = key.slice(at + 1);
  return PeriodId.safeParse(period).success ? { itemId: key.slice(0, at), period } : null;
}

/** The twelve months of a year, '2026-01' … '2026-12'. */
export function yearMonths(year: number): PeriodId[] {
  return Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}

/** The last day of a month (ISO date): what "by the end of this month" means. */
export function periodEnd(period: PeriodId): string {
  const [y, m] = period.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${period}-${String(last).padStart(2, '0')}`;
}

/** The month before, for "累计 never below the previous period's 累计". */
export function previousPeriod(period: PeriodId): PeriodId {
  const [y, m] = period.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** Reports are due on this day of each month unless the plan states its own "每月N日前". */
export const DEFAULT_DEADLINE_DAY = 28;

/** The plan's own monthly rule, if the document states one. */
export function planDeadlineDay(plan: Plan): number {
  for (const { node } of walkNodes(plan.nodes)) for (const d of node.deadlines) if (d.monthlyDay) return d.monthlyDay;
  return DEFAULT_DEADLINE_DAY;
}

/** The calendar year in Asia/Shanghai (UTC+8 all year: China keeps no daylight saving time). */
export function chinaYear(now: Date): number {
  return new Date(now.getTime() + 8 * 3600_000).getUTCFullYear();
}

/** The plan's reporting months: one per month of its year (this year in China without one), each with its due day. */
export function monthlyPeriods(plan: Plan, now = new Date()): Omit<Period, 'planId'>[] {
  const year = plan.year ?? chinaYear(now);
  const day = planDeadlineDay(plan);
  return yearMonths(year).map((period) => {
    const last = Number(periodEnd(period).slice(8)); // 每月31日 in February → the 28th/29th
    return { period, deadline: `${period}-${String(Math.min(day, last)).padStart(2, '0')}`, status: 'open' as const };
  });
}
