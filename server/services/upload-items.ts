// The stored rows a workbook upload compares its sheet with, fetched a page at a time for the ids the
// page names (issue 13: the upload of a 50,000-row 清单 held the whole plan's rows before reading a cell).
// Each page's rows come from the same projection as every sheet (model/sheet.ts buildRows), over just the
// page's nodes with their targets in force that month, assignments and the month's entries.
import { and, asc, eq } from 'drizzle-orm';
import { itemsOf, buildRows, type ItemRow, type StoredEntry } from '../../model/sheet';
import type { PlanNode } from '../../model/plan';
import { progressKey, type PeriodId } from '../../model/progress';
import { planAsOf } from '../../model/target-history';
import { anyText } from '../db/any-of';
import type { Db } from '../db/connect';
import { nodes, progress, targets } from '../db/schema';
import { textIndexOf, type StoredItems } from '../workbook/upload-stored';
import { loadAssignments, loadPlanNodes } from './plans';
import { valuesOf } from './push';
import { loadTargetHistories } from './target-revisions';

/** The month's stored entries of these keys. */
async function loadEntries(db: Db, planId: string, keys: string[]): Promise<Map<string, StoredEntry>> {
  const rows = await db
    .select()
    .from(progress)
    .where(and(eq(progress.planId, planId), anyText(progress.key, keys)));
  return new Map(rows.map((r) => [r.key, { version: r.version, values: valuesOf(r) }]));
}

/** The rows of the items with these ids (a target's id, or a task's without targets), as buildRows builds them. */
async function itemRows(db: Db, planId: string, period: PeriodId, itemIds: readonly string[]): Promise<Map<string, ItemRow>> {
  // An id is a target's (its task is the node to load) or a node's own.
  const owners = await db
    .select({ taskId: targets.taskId })
    .from(targets)
    .where(and(eq(targets.planId, planId), anyText(targets.id, itemIds)));
  const nodeIds = [...new Set([...itemIds, ...owners.map((o) => o.taskId)])];
  const plan = await loadPlanNodes(db, planId, nodeIds);
  const targetIds = plan.nodes.flatMap((n) => n.targets.map((t) => t.id));
  const [histories, assignments, entries] = await Promise.all([
    loadTargetHistories(db, planId, targetIds),
    loadAssignments(db, planId, nodeIds),
    loadEntries(
      db,
      planId,
      itemIds.map((id) => progressKey(id, period)),
    ),
  ]);
  const wanted = new Set(itemIds);
  const out = new Map<string, ItemRow>();
  for (const row of buildRows(planAsOf(plan, histories, period), { period, assignments, entries })) {
    if (row.kind === 'item' && wanted.has(row.itemId)) out.set(row.itemId, row);
  }
  return out;
}

/** Every item's id by 序号 + 任务 + 指标, from the nodes' and targets' texts alone (not the whole rows). */
async function textIndex(db: Db, planId: string): Promise<Map<string, string>> {
  const [nodeRows, targetRows] = await Promise.all([
    db.select({ id: nodes.id, kind: nodes.kind, number: nodes.number, title: nodes.title }).from(nodes).where(eq(nodes.planId, planId)).orderBy(asc(nodes.ord)),
    db
      .select({ id: targets.id, taskId: targets.taskId, metric: targets.metric })
      .from(targets)
      .where(eq(targets.planId, planId))
      .orderBy(asc(targets.taskId), asc(targets.ord)),
  ]);
  const byTask = new Map<string, { id: string; metric: string }[]>();
  for (const t of targetRows) {
    const list = byTask.get(t.taskId) ?? [];
    list.push(t);
    byTask.set(t.taskId, list);
  }
  function* items() {
    for (const n of nodeRows) {
      for (const { itemId, target } of itemsOf({ id: n.id, kind: n.kind as PlanNode['kind'], targets: byTask.get(n.id) ?? [] })) {
        yield { itemId, number: n.number, task: n.title, metric: target?.metric ?? '' };
      }
    }
  }
  return textIndexOf(items());
}

/** The plan's stored rows in `period` as an upload's source (server/workbook/upload-stored.ts). */
export function uploadItems(db: Db, planId: string, period: PeriodId): StoredItems {
  return {
    byIds: (itemIds) => itemRows(db, planId, period, itemIds),
    textIndex: () => textIndex(db, planId),
  };
}
