// The 重点任务清单 rows of one month: model/sheet.ts buildRows() over the stored plan, assignments and
// entries — the same projection the add-in sheet, the exported workbook and the upload use.
import { and, eq } from 'drizzle-orm';
import type { Plan } from '../../model/plan';
import type { PeriodId, ProgressValues } from '../../model/progress';
import { buildRows, type SheetRow } from '../../model/sheet';
import type { Db } from '../db/connect';
import { progress } from '../db/schema';
import { loadAssignments, loadPlan } from './plans';
import { valuesOf } from './push';

export async function loadEntries(db: Db, planId: string, period: PeriodId): Promise<Map<string, { version: number; values: ProgressValues }>> {
  const rows = await db.select().from(progress).where(and(eq(progress.planId, planId), eq(progress.period, period)));
  return new Map(rows.map((r) => [r.key, { version: r.version, values: valuesOf(r) }]));
}

/** Plan + assignments + the month's entries → rows; `unit` keeps only that unit's tasks. */
export async function loadRows(db: Db, planId: string, period: PeriodId, opts: { unit?: string } = {}): Promise<{ plan: Plan; rows: SheetRow[] }> {
  const plan = await loadPlan(db, planId);
  const [assignments, entries] = await Promise.all([loadAssignments(db, planId), loadEntries(db, planId, period)]);
  return { plan, rows: buildRows(plan, { period, assignments, entries, unit: opts.unit }) };
}
