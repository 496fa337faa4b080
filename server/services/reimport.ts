// Applying a re-imported document to a live plan (issue 9): ids stay where the importer matched them,
// changed targets get a new version, and a task or target with progress is archived, not deleted
// (archived_items; its progress rows stay). One transaction, one audit entry with the whole diff.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { diffPlans, type PlanDiff } from '../../model/plan-diff';
import { walkNodes, type Plan, type PlanNode, type Target } from '../../model/plan';
import type { Db } from '../db/connect';
import { archivedItems, audit, nodes, plans, progress, targets } from '../db/schema';
import { insertNodes, loadPlan, targetColumns } from './plans';

async function reportedItems(db: Db, planId: string): Promise<Set<string>> {
  const rows = await db.selectDistinct({ itemId: progress.itemId }).from(progress).where(eq(progress.planId, planId));
  return new Set(rows.map((r) => r.itemId));
}

/** What confirming `next` over the live plan would do. */
export async function reimportDiff(db: Db, planId: string, next: Plan): Promise<PlanDiff> {
  return diffPlans(await loadPlan(db, planId), next, await reportedItems(db, planId));
}

export async function applyReimport(tx: Db, planId: string, next: Plan, actor: string): Promise<PlanDiff> {
  await tx.execute(sql`select 1 from plans where id = ${planId} for update`); // one re-import of a plan at a time
  const live = await loadPlan(tx, planId);
  const diff = diffPlans(live, next, await reportedItems(tx, planId));
  const liveNodes = new Map<string, PlanNode>();
  const liveTargets = new Map<string, Target>();
  for (const { node } of walkNodes(live.nodes)) {
    liveNodes.set(node.id, node);
    for (const t of node.targets) liveTargets.set(t.id, t);
  }
  if (diff.archived.length)
    await tx.insert(archivedItems).values(
      diff.archived.map((e) => ({
        planId,
        itemId: e.id,
        kind: e.kind,
        data: (e.kind === 'target' ? liveTargets.get(e.id) : liveNodes.get(e.id)) as object,
        archivedBy: actor,
      })),
    );
  // Nodes carry no versions: rewrite them in the new order. Targets keep their row (and version) when unchanged.
  await tx.delete(nodes).where(eq(nodes.planId, planId));
  await insertNodes(tx as unknown as Db, planId, next);
  const changedTargets = new Set(diff.changed.filter((e) => e.kind === 'target' && e.fields?.some((f) => f.field !== 'task')).map((e) => e.id));
  const keep = new Set<string>();
  for (const { node } of walkNodes(next.nodes)) {
    for (const [i, t] of node.targets.entries()) {
      keep.add(t.id);
      const fields = targetColumns(t, node.id, i);
      const old = liveTargets.get(t.id);
      if (!old) await tx.insert(targets).values({ planId, id: t.id, ...fields, updatedBy: actor });
      else if (changedTargets.has(t.id))
        await tx
          .update(targets)
          .set({ ...fields, version: sql`${targets.version} + 1`, updatedBy: actor, updatedAt: new Date() })
          .where(sql`${targets.planId} = ${planId} and ${targets.id} = ${t.id}`);
      else
        await tx
          .update(targets)
          .set({ taskId: node.id, ord: i, quote: t.quote, span: t.span })
          .where(sql`${targets.planId} = ${planId} and ${targets.id} = ${t.id}`);
    }
  }
  const dropped = [...liveTargets.keys()].filter((id) => !keep.has(id));
  if (dropped.length) await tx.delete(targets).where(and(eq(targets.planId, planId), inArray(targets.id, dropped)));
  await tx
    .update(plans)
    .set({ title: next.title, source: next.source, issuer: next.issuer ?? null })
    .where(eq(plans.id, planId));
  await tx.insert(audit).values({
    planId,
    entity: 'plan',
    entityId: planId,
    action: 'reimport',
    actor,
    old: { title: live.title, source: live.source },
    new: { title: next.title, source: next.source, diff },
  });
  return diff;
}
