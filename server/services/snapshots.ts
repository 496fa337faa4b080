// Closing a month records what it showed (issue 11): one period_snapshots row per close, version n+1
// after a reopen; written in the closing transaction so a closed month always has its record.
import { and, eq, max } from 'drizzle-orm';
import type { PeriodId } from '../../model/progress';
import type { Db } from '../db/connect';
import { periodSnapshots } from '../db/schema';
import { liveMonth } from './month-view';

export async function recordSnapshot(tx: Db, planId: string, period: PeriodId, actor: string, now = new Date()): Promise<number> {
  const data = await liveMonth(tx, planId, period, { closing: true, now });
  const [{ v }] = await tx
    .select({ v: max(periodSnapshots.version) })
    .from(periodSnapshots)
    .where(and(eq(periodSnapshots.planId, planId), eq(periodSnapshots.period, period)));
  const version = (v ?? 0) + 1;
  await tx.insert(periodSnapshots).values({ planId, period, version, closedBy: actor, closedAt: now, data });
  return version;
}
