// The 重点任务清单 rows of one month: model/sheet.ts buildRows() over the stored plan, assignments and
// entries — the same projection the add-in sheet, the exported workbook and the upload use.
import { and, eq, inArray } from 'drizzle-orm';
import type { Plan } from '../../model/plan';
import type { PeriodId } from '../../model/progress';
import { buildRows, type SheetRow, type StoredEntry } from '../../model/sheet';
import type { Db } from '../db/connect';
import { progress } from '../db/schema';
import { loadAssignments, loadPlan } from './plans';
import { valueColumns, valuesOf } from './push';
import { planAsOf } from '../../model/target-history';
import { loadTargetHistories } from './target-revisions';

/** Stored entries by month, then by progress key; only the given months when `months` is set. */
export async function loadEntriesByPeriod(db: Db, planId: string, months?: PeriodId[]): Promise<Map<PeriodId, Map<string, StoredEntry>>> {
  const where = months ? and(eq(progress.planId, planId), inArray(progress.period, months)) : eq(progress.planId, planId);
  const byPeriod = new Map<PeriodId, Map<string, StoredEntry>>();
  const columns = { period: progress.period, key: progress.key, version: progress.version, ...valueColumns };
  for (const r of await db.select(columns).from(progress).where(where)) {
    if (!byPeriod.has(r.period)) byPeriod.set(r.period, new Map());
    byPeriod.get(r.period)!.set(r.key, { version: r.version, values: valuesOf(r) });
  }
  return byPeriod;
}

/** Plan + assignments + the month's entries → rows; `unit` keeps only that unit's tasks. */
export async function loadRows(db: Db, planId: string, period: PeriodId, opts: { unit?: string } = {}): Promise<{ plan: Plan; rows: SheetRow[] }> {
  // The targets in force that month (调整目标, issue 11).
  const plan = planAsOf(await loadPlan(db, planId), await loadTargetHistories(db, planId), period);
  const [assignments, entries] = await Promise.all([loadAssignments(db, planId), loadEntriesByPeriod(db, planId, [period])]);
  return { plan, rows: buildRows(plan, { period, assignments, entries: entries.get(period), unit: opts.unit }) };
}
