// A push batch's structure: its targets (with their revisions) and its tasks (kind, document units, the
// office's assignments), as the claim statement reads them — and kept for the next push.
//
// The structure changes rarely (imports, edits, revisions, assignments, unit renames) and every change
// bumps structure_version (statement triggers, drizzle/0009_structure_triggers.sql). The claim statement
// reads that version in its own snapshot: at the version the tuples below were read at, it reads only the
// ids not seen yet; at another version it reads every id of the batch and what was kept is dropped. So a
// push decides on exactly what it would have read, and a unit pressing 同步 again (or the month-end rush)
// reads its tasks once per structure version instead of once per push (issue 13). Each process keeps its
// own; PostgreSQL servers in several processes each check the same version.
import { sql } from 'drizzle-orm';
import type { Units } from '../../model/plan';
import type { SnapshotItem } from '../../model/push-decision';
import type { TaskAssignment } from '../../model/sheet';
import { probes, textArray } from '../db/any-of';
import type { Db } from '../db/connect';
import { STRUCTURE_VERSION } from '../db/structure-version';

export type TargetTuple = [string, string, string, number, string, number | null, string | null, number | null];
export type NodeTuple = [string, string, boolean, Units | null, string | null, string | null];

/** Per plan: each target id's tuples (one per revision), each task id's tuples (one per assignment). */
interface PlanKept {
  targets: Map<string, TargetTuple[]>;
  nodes: Map<string, NodeTuple[]>;
}

interface Kept {
  version: number;
  plans: Map<string, PlanKept>;
  size: number;
}

/** Above this many kept tuples the next read starts afresh (a 50,000-task plan fits). */
const MAX_KEPT = 200_000;
const kept = new WeakMap<object, Kept>();

/** What the claim statement is asked for: the version the kept tuples hold, and the ids they lack. */
export interface StructureAsk {
  version: number;
  all: string[];
  missing: string[];
  /** The kept tuples the ask was made from: the batch is answered from these even if another push of
   *  this process moves the kept version on before this statement's answer comes back. */
  from: PlanKept | null;
}

export function structureAsk(db: Db, planId: string, itemIds: string[]): StructureAsk {
  const k = kept.get(db);
  const plan = k?.plans.get(planId);
  if (!k || !plan) return { version: -1, all: itemIds, missing: itemIds, from: null };
  const known = (id: string) => {
    const target = plan.targets.get(id);
    return target ? plan.nodes.has(target[0][1]) : plan.nodes.has(id);
  };
  return { version: k.version, all: itemIds, missing: itemIds.filter((id) => !known(id)), from: plan };
}

/**
 * The statement's structure CTEs: `want` — the ids to read (the missing ones at the kept version, all
 * otherwise) — then `tg`, the targets among them (server/db/any-of.ts probes), and `tasks`: the targets'
 * tasks and the tasks named directly, each looked up by primary key (lateral with `limit 1`, so no planner
 * turns it into a scan of the plan's nodes). Only the tasks named directly are probed for targets (has_targets): a target's task
 * has some by definition.
 */
export function structureCtes(planId: string, ask: StructureAsk) {
  const wanted = sql`(case when (select version from sv) = ${ask.version} then ${textArray(ask.missing)} else ${textArray(ask.all)} end)`;
  return sql`sv as (
          select ${STRUCTURE_VERSION} as version
        ), want as (
          select unnest(${wanted}) as x
        ), tg as (
          select t.id, t.task_id, t.unit, t.value, t.kind from ${probes(wanted, 't', (id) => sql`select * from targets t where t.plan_id = ${planId} and t.id = ${id}`)}
        ), tasks as (
          select n.id, n.kind, k.of_target or h.has is not null as has_targets, n.units
          from (select id, bool_or(of_target) from (select task_id, true from tg union all select x, false from want where x not in (select id from tg)) u(id, of_target) group by id) as k(id, of_target)
          cross join lateral (select n.id, n.kind, n.units, n.plan_id from nodes n where n.plan_id = ${planId} and n.id = k.id limit 1) n
          left join lateral (select true as has from targets t where not k.of_target and t.plan_id = n.plan_id and t.task_id = n.id limit 1) h on true
        )`;
}

/**
 * The statement's structure columns: the version, the targets with their revisions, the tasks with one
 * tuple per assignment (probed per task on the primary key: `offset 0` keeps the lateral subquery from
 * being flattened into a hash join over the plan's whole list).
 */
export function structureColumns(planId: string) {
  return sql`(select version from sv) as version,
          (select json_agg(json_build_array(t.id, t.task_id, t.unit, t.value, t.kind, r.id, r.from_period, r.value))
            from tg t left join target_revisions r on r.plan_id = ${planId} and r.target_id = t.id) as targets,
          (select json_agg(json_build_array(k.id, k.kind, k.has_targets, k.units, a.role, u.name) order by k.id, a.ord, u.name)
            from tasks k left join lateral (
              select a.role, a.ord, a.unit_id from assignments a where a.plan_id = ${planId} and a.task_id = k.id offset 0
            ) a on true left join units u on u.id = a.unit_id) as nodes`;
}

/** Tuples by their first element (the target or task id), in the statement's order. */
const groupBy = <T extends [string, ...unknown[]]>(tuples: readonly T[]) => {
  const by = new Map<string, T[]>();
  for (const t of tuples) {
    const list = by.get(t[0]);
    if (list) list.push(t);
    else by.set(t[0], [t]);
  }
  return by;
};

/**
 * Keeps what the statement read and answers every id of the batch. At the asked version the statement
 * read only the missing ids: they join the tuples the ask was made from. At another version it read all
 * of them: they start a new set, kept unless this process already keeps a newer version (a push whose
 * snapshot is older than another's).
 */
export function batchStructure(
  db: Db,
  planId: string,
  itemIds: string[],
  ask: StructureAsk,
  read: { version: number; targets: TargetTuple[]; nodes: NodeTuple[] },
) {
  let plan = read.version === ask.version ? ask.from : null;
  let k = kept.get(db);
  if (!plan) {
    if (!k || k.version < read.version || k.size > MAX_KEPT) kept.set(db, (k = { version: read.version, plans: new Map(), size: 0 }));
    plan = (k.version === read.version && k.plans.get(planId)) || { targets: new Map(), nodes: new Map() };
    if (k.version === read.version) k.plans.set(planId, plan);
  }
  for (const [id, tuples] of groupBy(read.targets)) plan.targets.set(id, tuples);
  for (const [id, tuples] of groupBy(read.nodes)) plan.nodes.set(id, tuples);
  if (k) k.size += read.targets.length + read.nodes.length;
  const targets = itemIds.flatMap((id) => plan.targets.get(id) ?? []);
  const taskIds = new Set([...targets.map((t) => t[1]), ...itemIds]);
  const nodes = [...taskIds].flatMap((id) => plan.nodes.get(id) ?? []);
  const items = readTargets(targets);
  return { items, ...readTasks(nodes, itemIds, items) };
}

/** The batch's targets as items, with their revisions (one tuple per revision), in revision order. */
function readTargets(tuples: readonly TargetTuple[]): Map<string, SnapshotItem> {
  const items = new Map<string, SnapshotItem>();
  const revisions = new Map<string, { id: number; fromPeriod: string | null; value: number }[]>();
  for (const [id, taskId, unit, value, kind, revId, fromPeriod, revValue] of tuples) {
    if (!items.has(id)) items.set(id, { taskId, target: { unit, value: Number(value), kind } });
    if (revId === null) continue;
    const list = revisions.get(id) ?? [];
    list.push({ id: Number(revId), fromPeriod, value: Number(revValue) });
    revisions.set(id, list);
  }
  for (const [id, list] of revisions) items.get(id)!.revisions = list.sort((a, b) => a.id - b.id).map(({ fromPeriod, value }) => ({ fromPeriod, value }));
  return items;
}

/**
 * The tasks with their assignments: each document's units and the office's assignments by task id. A
 * named id that is no target and is a task without targets becomes an item of `items`.
 */
function readTasks(tuples: readonly NodeTuple[], itemIds: readonly string[], items: Map<string, SnapshotItem>) {
  const maybe = new Set(itemIds.filter((id) => !items.has(id)));
  const docUnits = new Map<string, Units | null>();
  const assigned = new Map<string, TaskAssignment>();
  for (const [id, kind, hasTargets, units, role, name] of tuples) {
    if (!docUnits.has(id)) {
      docUnits.set(id, units);
      if (kind === 'task' && maybe.has(id) && !hasTargets) items.set(id, { taskId: id });
    }
    if (role === null || name === null) continue;
    let a = assigned.get(id);
    if (!a) assigned.set(id, (a = { lead: [], co: [] }));
    (role === 'lead' ? a.lead : a.co).push(name);
  }
  return { docUnits, assigned };
}
