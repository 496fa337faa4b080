// 上月累计 for the export (issue 12): each item's 累计完成 as stored for the month before, read-only in
// the workbook so a reporter sees what this month's 累计 must not fall below.
import { and, eq } from 'drizzle-orm';
import { previousPeriod, type PeriodId } from '../../model/progress';
import type { Db } from '../db/connect';
import { progress } from '../db/schema';

export async function previousCumulatives(db: Db, planId: string, period: PeriodId): Promise<Map<string, number>> {
  const rows = await db
    .select({ itemId: progress.itemId, cumulative: progress.cumulative })
    .from(progress)
    .where(and(eq(progress.planId, planId), eq(progress.period, previousPeriod(period))));
  return new Map(rows.filter((r) => r.cumulative !== null).map((r) => [r.itemId, r.cumulative!]));
}
