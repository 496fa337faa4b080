// Plans in storage: save an imported Plan (nodes, targets, monthly periods), load it back as the same
// Plan object, list, soft-delete; 牵头/配合 assignments by unit name.
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { monthlyPeriods } from '../../model/progress';
import { walkNodes, type Deadline, type Plan, type PlanNode, type Span, type Target, type Units } from '../../model/plan';
import type { TaskAssignment } from '../../model/sheet';
import type { PlanSummary } from '../../model/sync';
import type { Db } from '../db/connect';
import { rowsOf } from '../db/connect';
import { anyText } from '../db/any-of';
import { assignments, audit, nodes, periods, plans, targets, units } from '../db/schema';
import { AppError } from '../../model/errors';

export class NotFoundError extends AppError {
  constructor(message: string) {
    super('NOT_FOUND', 404, message);
  }
}

/** Every node of the plan as stored, in document order (import and re-import write the same rows). */
export async function insertNodes(db: Db, planId: string, plan: Plan): Promise<void> {
  let ord = 0;
  const rows = [...walkNodes(plan.nodes)].map(({ node, parent }) => ({
    planId,
    id: node.id,
    parentId: parent?.id ?? null,
    ord: ord++,
    kind: node.kind,
    number: node.number,
    title: node.title,
    text: node.text,
    span: node.span,
    deadlines: node.deadlines,
    units: node.units ?? null,
  }));
  await insertChunked(rows, 1000, (c) => db.insert(nodes).values(c));
}

async function insertChunked<T>(rows: T[], size: number, insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/** Stores a plan under a free id (the plan's own, or id-2, id-3 … if taken) and returns that id. */
/** `now`: the clock that gives a plan without a year its months (injectable for tests). */
export async function savePlan(db: Db, plan: Plan, actor: string, opts: { now?: Date } = {}): Promise<string> {
  return db.transaction(async (tx) => {
    const taken = new Set(
      (
        await tx
          .select({ id: plans.id })
          .from(plans)
          .where(sql`${plans.id} like ${plan.id + '%'}`)
      ).map((r) => r.id),
    );
    let id = plan.id;
    for (let n = 2; taken.has(id); n++) id = `${plan.id}-${n}`;
    await tx.insert(plans).values({ id, title: plan.title, year: plan.year, issuer: plan.issuer ?? null, script: plan.script, source: plan.source });
    const targetRows: (typeof targets.$inferInsert)[] = [];
    for (const { node } of walkNodes(plan.nodes))
      node.targets.forEach((t, i) => targetRows.push({ planId: id, id: t.id, ...targetColumns(t, node.id, i), updatedBy: actor }));
    await insertNodes(tx as unknown as Db, id, plan);
    await insertChunked(targetRows, 1000, (c) => tx.insert(targets).values(c));
    await tx.insert(periods).values(monthlyPeriods(plan, opts.now).map((p) => ({ ...p, planId: id })));
    await tx.insert(audit).values({ planId: id, entity: 'plan', entityId: id, action: 'import', actor, new: { title: plan.title, source: plan.source } });
    return id;
  });
}

export async function listPlans(db: Db): Promise<PlanSummary[]> {
  return rowsOf<PlanSummary>(
    db,
    sql`select p.id, p.title, p.year, p.script, p.source,
          (select count(*)::int from nodes n where n.plan_id = p.id and n.kind = 'task') as "taskCount",
          (select count(*)::int from targets t where t.plan_id = p.id) as "targetCount"
        from plans p where p.deleted_at is null order by p.created_at, p.id`,
  );
}

/** Throws NotFoundError unless the plan exists (and is not deleted); cheap, unlike loadPlan. */
export async function ensurePlan(db: Db, planId: string): Promise<void> {
  const [row] = await db
    .select({ id: plans.id })
    .from(plans)
    .where(and(eq(plans.id, planId), isNull(plans.deletedAt)));
  if (!row) throw new NotFoundError(`找不到计划：${planId}`);
}

type NodeRow = typeof nodes.$inferSelect;
type TargetRow = typeof targets.$inferSelect;

const targetOf = (t: TargetRow): Target => ({
  id: t.id,
  metric: t.metric,
  value: t.value,
  ...(t.max != null ? { max: t.max } : {}),
  unit: t.unit,
  comparator: t.comparator as Target['comparator'],
  kind: t.kind as Target['kind'],
  quote: t.quote,
  span: t.span as Span,
  confidence: t.confidence,
  version: t.version,
});

/** Target rows (ordered by task, then ord) → each task's targets. */
function targetsByTask(rows: TargetRow[]): Map<string, Target[]> {
  const byTask = new Map<string, Target[]>();
  for (const t of rows) {
    const list = byTask.get(t.taskId) ?? [];
    list.push(targetOf(t));
    byTask.set(t.taskId, list);
  }
  return byTask;
}

const nodeOf = (n: NodeRow, targets: Target[]): PlanNode => ({
  id: n.id,
  kind: n.kind as PlanNode['kind'],
  number: n.number,
  title: n.title,
  text: n.text,
  span: n.span as Span,
  targets,
  deadlines: n.deadlines as Deadline[],
  ...(n.units ? { units: n.units as Units } : {}),
  children: [],
});

async function planRow(db: Db, planId: string) {
  const [p] = await db
    .select()
    .from(plans)
    .where(and(eq(plans.id, planId), isNull(plans.deletedAt)));
  if (!p) throw new NotFoundError(`找不到计划：${planId}`);
  return p;
}

/** The stored plan as a model Plan (node tree in document order); throws NotFoundError. */
export async function loadPlan(db: Db, planId: string): Promise<Plan> {
  const p = await planRow(db, planId);
  const nodeRows = await db.select().from(nodes).where(eq(nodes.planId, planId)).orderBy(asc(nodes.ord));
  const targetRows = await db.select().from(targets).where(eq(targets.planId, planId)).orderBy(asc(targets.taskId), asc(targets.ord));
  const byTask = targetsByTask(targetRows);
  const byId = new Map<string, PlanNode>();
  const roots: PlanNode[] = [];
  for (const n of nodeRows) {
    const node = nodeOf(n, byTask.get(n.id) ?? []);
    byId.set(n.id, node);
    (n.parentId ? byId.get(n.parentId)?.children : roots)?.push(node);
  }
  return planOf(p, roots);
}

const planOf = (p: typeof plans.$inferSelect, roots: PlanNode[]): Plan => ({
  id: p.id,
  title: p.title,
  year: p.year,
  ...(p.issuer ? { issuer: p.issuer } : {}),
  script: p.script as Plan['script'],
  source: p.source,
  nodes: roots,
});

export type DeleteOutcome = { ok: true } | { ok: false; reason: 'not_found' } | { ok: false; reason: 'confirm_title'; title: string; reports: number };

/**
 * Soft-deletes a plan (its rows stay; restorePlan brings it back). A plan with reports is deleted only
 * when `confirmTitle` is its title typed back: one request must not hide a month of reports by mistake.
 */
export async function softDeletePlan(db: Db, planId: string, actor: string, confirmTitle?: string): Promise<DeleteOutcome> {
  return db.transaction(async (tx) => {
    const [plan] = await tx
      .select({ title: plans.title })
      .from(plans)
      .where(and(eq(plans.id, planId), isNull(plans.deletedAt)))
      .for('update');
    if (!plan) return { ok: false, reason: 'not_found' } as const;
    const [{ n }] = await rowsOf<{ n: number }>(tx as unknown as Db, sql`select count(*)::int as n from progress where plan_id = ${planId}`);
    if (n > 0 && confirmTitle?.trim() !== plan.title.trim()) return { ok: false, reason: 'confirm_title', title: plan.title, reports: n } as const;
    await tx.update(plans).set({ deletedAt: new Date() }).where(eq(plans.id, planId));
    await tx.insert(audit).values({ planId, entity: 'plan', entityId: planId, action: 'delete', actor, old: { title: plan.title, reports: n } });
    return { ok: true } as const;
  });
}

/** Brings a soft-deleted plan back with everything it had; false when no deleted plan has this id. */
export async function restorePlan(db: Db, planId: string, actor: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(plans)
      .set({ deletedAt: null })
      .where(and(eq(plans.id, planId), sql`${plans.deletedAt} is not null`))
      .returning({ id: plans.id });
    if (rows.length) await tx.insert(audit).values({ planId, entity: 'plan', entityId: planId, action: 'restore', actor });
    return rows.length > 0;
  });
}

/** The office's explicit assignments, by task id (unit names). Tasks absent here keep the document's. */
/** `taskIds`: only those tasks' (the upload's page of rows). */
export async function loadAssignments(db: Db, planId: string, taskIds?: readonly string[]): Promise<Map<string, TaskAssignment>> {
  const rows = await db
    .select({ taskId: assignments.taskId, role: assignments.role, name: units.name })
    .from(assignments)
    .innerJoin(units, eq(units.id, assignments.unitId))
    .where(taskIds ? and(eq(assignments.planId, planId), anyText(assignments.taskId, taskIds)) : eq(assignments.planId, planId))
    .orderBy(asc(assignments.taskId), asc(assignments.ord));
  const map = new Map<string, TaskAssignment>();
  for (const r of rows) {
    const a = map.get(r.taskId) ?? { lead: [], co: [] };
    (r.role === 'lead' ? a.lead : a.co).push(r.name);
    map.set(r.taskId, a);
  }
  return map;
}

export interface AssignmentInput {
  taskId: string;
  lead: string[];
  co: string[];
}

export class AssignmentError extends AppError {
  constructor(code: 'UNKNOWN_TASK' | 'UNKNOWN_UNIT', message: string, field: string) {
    super(code, 400, message, field);
  }
}

/** Replaces the assignments of the listed tasks (others untouched), all or nothing. */
export async function putAssignments(db: Db, planId: string, input: AssignmentInput[], actor: string): Promise<void> {
  await db.transaction(async (tx) => {
    const taskIds = [...new Set(input.map((a) => a.taskId))];
    const known = new Set(
      taskIds.length
        ? (
            await tx
              .select({ id: nodes.id })
              .from(nodes)
              .where(and(eq(nodes.planId, planId), inArray(nodes.id, taskIds)))
          ).map((r) => r.id)
        : [],
    );
    const names = [...new Set(input.flatMap((a) => [...a.lead, ...a.co]))];
    const unitRows = names.length ? await tx.select().from(units).where(inArray(units.name, names)) : [];
    const unitId = new Map(unitRows.map((u) => [u.name, u.id]));
    input.forEach((a, i) => {
      if (!known.has(a.taskId)) throw new AssignmentError('UNKNOWN_TASK', `找不到任务：${a.taskId}`, `assignments.${i}.taskId`);
      for (const n of [...a.lead, ...a.co])
        if (!unitId.has(n)) throw new AssignmentError('UNKNOWN_UNIT', `找不到单位：${n}（请先创建单位）`, `assignments.${i}`);
    });
    const before = await loadAssignments(tx as unknown as Db, planId);
    if (taskIds.length) await tx.delete(assignments).where(and(eq(assignments.planId, planId), inArray(assignments.taskId, taskIds)));
    const rows = input.flatMap((a) => {
      const seen = new Set<string>();
      return [...a.lead.map((n) => [n, 'lead'] as const), ...a.co.map((n) => [n, 'co'] as const)]
        .filter(([n]) => !seen.has(n) && !!seen.add(n))
        .map(([n, role], ord) => ({ planId, taskId: a.taskId, unitId: unitId.get(n)!, role, ord }));
    });
    await insertChunked(rows, 2000, (c) => tx.insert(assignments).values(c));
    if (input.length)
      await tx.insert(audit).values(
        input.map((a) => ({
          planId,
          entity: 'task',
          entityId: a.taskId,
          action: 'assign',
          actor,
          old: before.get(a.taskId) ?? null,
          new: { lead: a.lead, co: a.co },
        })),
      );
  });
}

/** A target's stored columns (import and re-import write the same ones). */
export function targetColumns(t: Target, taskId: string, ord: number) {
  return {
    taskId,
    ord,
    metric: t.metric,
    value: t.value,
    max: t.max ?? null,
    unit: t.unit,
    comparator: t.comparator,
    kind: t.kind,
    quote: t.quote,
    span: t.span,
    confidence: t.confidence,
  };
}
