// Monthly reporting periods: one per month of the plan's year, due on day 28 or on the plan's own
// "每月N日前" rule; the office closes a month once it is consolidated.
import { and, asc, eq } from 'drizzle-orm';
import { walkNodes, type Plan } from '../../model/plan';
import type { Period } from '../../model/progress';
import type { Db } from '../db/connect';
import { audit, periods } from '../db/schema';

export const DEFAULT_DEADLINE_DAY = 28;

/** The plan's own monthly rule, if the document states one. */
export function planDeadlineDay(plan: Plan): number {
  for (const { node } of walkNodes(plan.nodes)) for (const d of node.deadlines) if (d.monthlyDay) return d.monthlyDay;
  return DEFAULT_DEADLINE_DAY;
}

export function monthlyPeriods(plan: Plan, now = new Date()): Omit<Period, 'planId'>[] {
  const year = plan.year ?? now.getUTCFullYear();
  const day = planDeadlineDay(plan);
  return Array.from({ length: 12 }, (_, i) => {
    const month = i + 1;
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate(); // 每月31日 in February → the 28th/29th
    const mm = String(month).padStart(2, '0');
    return { period: `${year}-${mm}`, deadline: `${year}-${mm}-${String(Math.min(day, last)).padStart(2, '0')}`, status: 'open' as const };
  });
}

export async function listPeriods(db: Db, planId: string): Promise<Period[]> {
  const rows = await db.select().from(periods).where(eq(periods.planId, planId)).orderBy(asc(periods.period));
  return rows.map((r) => ({ planId: r.planId, period: r.period, deadline: r.deadline, status: r.status as Period['status'] }));
}

/** Opens or closes a month; false when the plan has no such period. */
export async function setPeriodStatus(db: Db, planId: string, period: string, status: 'open' | 'closed', actor: string): Promise<Period | null> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(periods).where(and(eq(periods.planId, planId), eq(periods.period, period)));
    if (!before) return null;
    await tx.update(periods).set({ status }).where(and(eq(periods.planId, planId), eq(periods.period, period)));
    await tx.insert(audit).values({ planId, entity: 'period', entityId: `${planId}/${period}`, action: status === 'closed' ? 'close' : 'reopen', actor, old: { status: before.status }, new: { status } });
    return { planId, period, deadline: before.deadline, status };
  });
}
