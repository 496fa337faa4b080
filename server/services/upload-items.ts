// The stored rows a workbook upload compares its sheet with, fetched a page at a time for the ids the
// page names (issue 13: the upload of a 50,000-row 清单 held the whole plan's rows before reading a cell).
// Each page's rows come from the same projection as every sheet (model/sheet.ts buildRows), over just the
// page's nodes and targets, with the targets in force that month, the assignments and the month's entries.
import { and, asc, eq, isNull, or } from 'drizzle-orm';
import type { Deadline, Plan, PlanNode, Target, Units } from '../../model/plan';
import { progressKey, type PeriodId } from '../../model/progress';
import { buildRows, itemsOf, type ItemRow } from '../../model/sheet';
import { planAsOf } from '../../model/target-history';
import { anyText } from '../db/any-of';
import type { Db } from '../db/connect';
import { nodes, plans, targets } from '../db/schema';
import { textIndexOf, type StoredItems } from '../workbook/upload-stored';
import { loadAssignments, NotFoundError } from './plans';
import { storedByKeys, valuesOf } from './push';
import { loadTargetHistories } from './target-revisions';

// What no sheet row shows is not read: the document's text and the spans and quotes it was read from.
const NOT_READ = { text: '', span: { start: 0, end: 0 } };

/** The wanted targets, and every target of a wanted node (a node with targets is no item itself). */
function readTargets(db: Db, planId: string, itemIds: readonly string[]) {
  return db
    .select({
      id: targets.id,
      taskId: targets.taskId,
      metric: targets.metric,
      value: targets.value,
      max: targets.max,
      unit: targets.unit,
      comparator: targets.comparator,
      kind: targets.kind,
      version: targets.version,
    })
    .from(targets)
    .where(and(eq(targets.planId, planId), or(anyText(targets.id, itemIds), anyText(targets.taskId, itemIds))))
    .orderBy(asc(targets.taskId), asc(targets.ord));
}
type TargetRow = Awaited<ReturnType<typeof readTargets>>[number];

function readNodes(db: Db, planId: string, nodeIds: readonly string[]) {
  return db
    .select({ id: nodes.id, kind: nodes.kind, number: nodes.number, title: nodes.title, deadlines: nodes.deadlines, units: nodes.units })
    .from(nodes)
    .where(and(eq(nodes.planId, planId), anyText(nodes.id, nodeIds)))
    .orderBy(asc(nodes.ord));
}
type NodeRow = Awaited<ReturnType<typeof readNodes>>[number];

/** The targets by task id, as plan targets. Plain object literals, no spreads: a spread that overrides a key makes a slow, ~8× larger object. */
function targetsByTask(targetRows: readonly TargetRow[]): Map<string, Target[]> {
  const byTask = new Map<string, Target[]>();
  for (const t of targetRows) {
    const list = byTask.get(t.taskId) ?? [];
    const target: Target = {
      id: t.id,
      metric: t.metric,
      value: t.value,
      unit: t.unit,
      comparator: t.comparator as Target['comparator'],
      kind: t.kind as Target['kind'],
      quote: NOT_READ.text,
      span: NOT_READ.span,
      confidence: 1,
      version: t.version,
    };
    if (t.max != null) target.max = t.max;
    list.push(target);
    byTask.set(t.taskId, list);
  }
  return byTask;
}

/** The nodes as a flat list of plan nodes (the rows need no tree: buildRows reads them in order). */
function planNodesOf(nodeRows: readonly NodeRow[], byTask: ReadonlyMap<string, Target[]>): PlanNode[] {
  return nodeRows.map((n): PlanNode => ({
    id: n.id,
    kind: n.kind as PlanNode['kind'],
    number: n.number,
    title: n.title,
    text: NOT_READ.text,
    span: NOT_READ.span,
    targets: byTask.get(n.id) ?? [],
    deadlines: n.deadlines as Deadline[],
    units: (n.units as Units | null) ?? undefined,
    children: [],
  }));
}

/** The rows of the items with these ids (a target's id, or a task's without targets), as buildRows builds them. */
async function itemRows(db: Db, plan: Pick<Plan, 'id' | 'year'>, period: PeriodId, itemIds: readonly string[]): Promise<Map<string, ItemRow>> {
  const planId = plan.id;
  const targetRows = await readTargets(db, planId, itemIds);
  const nodeIds = [...new Set([...itemIds, ...targetRows.map((t) => t.taskId)])];
  const keys = itemIds.map((id) => progressKey(id, period));
  const [nodeRows, histories, assignments, entryRows] = await Promise.all([
    readNodes(db, planId, nodeIds),
    loadTargetHistories(
      db,
      planId,
      targetRows.map((t) => t.id),
    ),
    loadAssignments(db, planId, nodeIds),
    storedByKeys(db, planId, keys),
  ]);
  const entries = new Map(entryRows.map((r) => [r.key, { version: r.version, values: valuesOf(r) }]));
  const page: Plan = { id: planId, title: '', year: plan.year, script: 'simplified', source: '', nodes: planNodesOf(nodeRows, targetsByTask(targetRows)) };
  const wanted = new Set(itemIds);
  const out = new Map<string, ItemRow>();
  for (const row of buildRows(planAsOf(page, histories, period), { period, assignments, entries })) {
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

/** The plan's stored rows in `period` as an upload's source (server/workbook/upload-stored.ts); throws NotFoundError. */
export async function uploadItems(db: Db, planId: string, period: PeriodId): Promise<StoredItems> {
  const [plan] = await db
    .select({ id: plans.id, year: plans.year })
    .from(plans)
    .where(and(eq(plans.id, planId), isNull(plans.deletedAt)));
  if (!plan) throw new NotFoundError(`找不到计划：${planId}`);
  return {
    byIds: (itemIds) => itemRows(db, plan, period, itemIds),
    textIndex: () => textIndex(db, planId),
  };
}
