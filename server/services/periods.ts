// Monthly reporting periods in storage (which months and when they are due: model/progress.ts
// monthlyPeriods); the office closes a month once it is consolidated.
import { and, asc, eq } from 'drizzle-orm';
import type { Period } from '../../model/progress';
import type { Db } from '../db/connect';
import { audit, periods } from '../db/schema';
import { recordSnapshot } from './snapshots';

export async function listPeriods(db: Db, planId: string): Promise<Period[]> {
  const rows = await db.select().from(periods).where(eq(periods.planId, planId)).orderBy(asc(periods.period));
  return rows.map((r) => ({ planId: r.planId, period: r.period, deadline: r.deadline, status: r.status as Period['status'] }));
}

/** Opens or closes a month; false when the plan has no such period. */
/** `reason`: why (required by the route for a reopen, issue 9/11); stored in the audit entry. */
export async function setPeriodStatus(
  db: Db,
  planId: string,
  period: string,
  status: 'open' | 'closed',
  actor: string,
  reason?: string,
): Promise<Period | null> {
  return db.transaction(async (tx) => {
    // FOR UPDATE: waits for pushes in flight on this month (they hold it FOR SHARE, server/services/push.ts),
    // so once close answers no push can still commit rows into the month (issue 15).
    const [before] = await tx
      .select()
      .from(periods)
      .where(and(eq(periods.planId, planId), eq(periods.period, period)))
      .for('update');
    if (!before) return null;
    await tx
      .update(periods)
      .set({ status })
      .where(and(eq(periods.planId, planId), eq(periods.period, period)));
    // issue 11: closing records what the month shows (a new snapshot version each time it is closed).
    const snapshotVersion = status === 'closed' && before.status !== 'closed' ? await recordSnapshot(tx as unknown as Db, planId, period, actor) : undefined;
    await tx.insert(audit).values({
      planId,
      entity: 'period',
      entityId: `${planId}/${period}`,
      action: status === 'closed' ? 'close' : 'reopen',
      actor,
      old: { status: before.status },
      new: { status, ...(snapshotVersion ? { snapshotVersion } : {}), ...(reason ? { reason } : {}) },
    });
    return { planId, period, deadline: before.deadline, status };
  });
}
