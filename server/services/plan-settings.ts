// The reporting deadline of a plan (issue 9): the document's 每月N日前, else the office's setting, else the
// 28th. Changing it moves the deadline of every open month (closed ones keep theirs), in one audited step.
import { and, eq } from 'drizzle-orm';
import { DEFAULT_DEADLINE_DAY, periodEnd, planDeadlineDay } from '../../model/progress';
import { walkNodes } from '../../model/plan';
import type { Db } from '../db/connect';
import { audit, periods, planSettings } from '../db/schema';
import { loadPlan } from './plans';

export interface ReportingDeadline {
  day: number;
  source: 'setting' | 'document' | 'default';
}

export async function reportingDeadline(db: Db, planId: string): Promise<ReportingDeadline> {
  const [s] = await db.select().from(planSettings).where(eq(planSettings.planId, planId));
  if (s?.reportDay) return { day: s.reportDay, source: 'setting' };
  const plan = await loadPlan(db, planId);
  const stated = [...walkNodes(plan.nodes)].some(({ node }) => node.deadlines.some((d) => d.monthlyDay));
  return stated ? { day: planDeadlineDay(plan), source: 'document' } : { day: DEFAULT_DEADLINE_DAY, source: 'default' };
}

export async function setReportingDay(db: Db, planId: string, day: number, actor: string): Promise<ReportingDeadline & { moved: string[] }> {
  return db.transaction(async (tx) => {
    const before = await reportingDeadline(tx as unknown as Db, planId);
    await tx
      .insert(planSettings)
      .values({ planId, reportDay: day, updatedBy: actor })
      .onConflictDoUpdate({ target: planSettings.planId, set: { reportDay: day, updatedBy: actor, updatedAt: new Date() } });
    const open = await tx
      .select()
      .from(periods)
      .where(and(eq(periods.planId, planId), eq(periods.status, 'open')));
    const moved: string[] = [];
    for (const p of open) {
      const last = Number(periodEnd(p.period).slice(8));
      const deadline = `${p.period}-${String(Math.min(day, last)).padStart(2, '0')}`;
      if (deadline === p.deadline) continue;
      await tx
        .update(periods)
        .set({ deadline })
        .where(and(eq(periods.planId, planId), eq(periods.period, p.period)));
      moved.push(p.period);
    }
    await tx.insert(audit).values({ planId, entity: 'plan', entityId: planId, action: 'reporting-day', actor, old: before, new: { day, moved } });
    return { day, source: 'setting' as const, moved };
  });
}
