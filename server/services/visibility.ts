// Reporter isolation: whether the units of a plan may read each other's progress is the office's
// per-plan setting (plan_visibility; default no). Without it, a unit's token reads only its own unit's
// rows, workbook, changes and audit — whatever unit the request names.
import { eq } from 'drizzle-orm';
import { unitItemIds } from '../../model/visibility';
import type { Actor } from '../auth/tokens';
import type { Db } from '../db/connect';
import { audit, planVisibility } from '../db/schema';
import { HttpProblem } from '../routes/problem';
import { ensurePlan, loadAssignments, loadPlan } from './plans';

/** A token bound to a unit (reporter, or a unit's viewer): limited to that unit unless the plan shares. */
export function unitBound(actor: Actor): actor is Actor & { unit: { id: number; name: string } } {
  return actor.role !== 'admin' && actor.unit !== null;
}

export async function unitsSeeEachOther(db: Db, planId: string): Promise<boolean> {
  const [row] = await db.select({ v: planVisibility.unitsSeeEachOther }).from(planVisibility).where(eq(planVisibility.planId, planId));
  return row?.v ?? false;
}

/** Sets the plan's choice, audited in the same transaction. */
export async function setUnitsSeeEachOther(db: Db, planId: string, value: boolean, actor: string): Promise<void> {
  await ensurePlan(db, planId);
  await db.transaction(async (tx) => {
    const old = await unitsSeeEachOther(tx as unknown as Db, planId);
    await tx
      .insert(planVisibility)
      .values({ planId, unitsSeeEachOther: value, updatedBy: actor })
      .onConflictDoUpdate({ target: planVisibility.planId, set: { unitsSeeEachOther: value, updatedBy: actor, updatedAt: new Date() } });
    await tx
      .insert(audit)
      .values({ planId, entity: 'plan', entityId: planId, action: 'visibility', actor, old: { unitsSeeEachOther: old }, new: { unitsSeeEachOther: value } });
  });
}

/**
 * Whose rows a request gets: the unit it names (every unit's when none), except that a unit-bound token
 * of a plan that does not share gets its own unit's — and a 403 when it names another.
 */
export async function readableUnit(db: Db, actor: Actor, planId: string, requested?: string): Promise<string | undefined> {
  const wanted = requested || undefined; // ?unit= (empty) is no unit
  if (!unitBound(actor)) return wanted;
  if (wanted === actor.unit.name) return wanted;
  if (await unitsSeeEachOther(db, planId)) return wanted;
  if (wanted) throw new HttpProblem(403, 'FORBIDDEN_UNIT', `无权查看其他单位（${wanted}）的填报：本计划未开放单位间互相查看`);
  return actor.unit.name;
}

/** The item ids whose progress the actor may read in this plan, or null for all of them. */
export async function readableItems(db: Db, actor: Actor, planId: string): Promise<string[] | null> {
  if (!unitBound(actor) || (await unitsSeeEachOther(db, planId))) return null;
  const [plan, assignments] = await Promise.all([loadPlan(db, planId), loadAssignments(db, planId)]);
  return [...unitItemIds(plan, assignments, actor.unit.name)];
}
