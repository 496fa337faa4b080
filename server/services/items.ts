// What a progress key may point at in a plan: a target, or a task without a figure; with the unit of
// its figure and who leads/co-leads its task (for the reporter check).
import { eq } from 'drizzle-orm';
import type { Units } from '../../model/plan';
import { assignmentOf, type TaskAssignment } from '../../model/sheet';
import type { Db } from '../db/connect';
import { nodes, targets } from '../db/schema';
import { loadAssignments } from './plans';

export interface ItemInfo {
  taskId: string;
  /** The unit of the target's figure; undefined for a task row. */
  unit?: string;
}

export interface ItemIndex {
  items: Map<string, ItemInfo>;
  /** Effective assignment per task: the office's, else the document's own units. */
  who(taskId: string): TaskAssignment;
}

export async function loadItemIndex(db: Db, planId: string): Promise<ItemIndex> {
  const [nodeRows, targetRows, assigned] = await Promise.all([
    db.select({ id: nodes.id, kind: nodes.kind, units: nodes.units }).from(nodes).where(eq(nodes.planId, planId)),
    db.select({ id: targets.id, taskId: targets.taskId, unit: targets.unit }).from(targets).where(eq(targets.planId, planId)),
    loadAssignments(db, planId),
  ]);
  const items = new Map<string, ItemInfo>();
  const docUnits = new Map<string, Units | null>();
  const withTargets = new Set(targetRows.map((t) => t.taskId));
  for (const n of nodeRows) {
    docUnits.set(n.id, n.units as Units | null);
    if (n.kind === 'task' && !withTargets.has(n.id)) items.set(n.id, { taskId: n.id });
  }
  for (const t of targetRows) items.set(t.id, { taskId: t.taskId, unit: t.unit });
  return { items, who: (taskId) => assignmentOf({ id: taskId, units: docUnits.get(taskId) }, assigned) };
}
