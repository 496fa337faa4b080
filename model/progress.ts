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

// The entry's fields, types, labels and limits are described once in fields.ts; re-exported here.
export { EMPTY_PROGRESS, FIELD_LABELS, ProgressFields, ProgressStatus, ProgressValues, STATUSES, TEXT_LIMITS } from './fields';

/** Between the item and the month in an entry's key (SQL that builds keys takes it from here). */
export const KEY_SEPARATOR = '@';

/** An entry's key: the task or target it reports on, and the month. */
export function progressKey(itemId: string, period: PeriodId): string {
  return `${itemId}${KEY_SEPARATOR}${period}`;
}
/** The item of a key known to be well formed (a stored row's): no check of its month. */
export const itemIdOf = (key: string): string => key.slice(0, key.lastIndexOf(KEY_SEPARATOR));
export function parseProgressKey(key: string): { itemId: string; period: string } | null {
  const at = key.lastIndexOf(KEY_SEPARATOR);
  if (at <= 0) return null;
  const period = key.slice(at + 1);
  return PERIOD_PATTERN.test(period) ? { itemId: key.slice(0, at), period } : null; // PeriodId's rule, without zod's cost per key
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
  const y = Number(period.slice(0, 4));
  const m = Number(period.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${m <= 10 ? '0' : ''}${m - 1}`;
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
