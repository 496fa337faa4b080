// The export's rows straight from the database, a page of nodes at a time (issue 13): a 50,000-task plan
// is never held whole (loadPlan reads every node's source text and spans; buildRows keeps every row).
// Only the node ids in document order are read up front; each page then reads its nodes, targets,
// assignments and the month's, the month before's and last year's entries by key (`= any(array)`), and
// is built by the same rowBuilder as buildRows, so the rows are the whole-plan export's, cell for cell.
//
// A plan of up to KEEP_NODES nodes has its structure (node order, nodes, targets, their revisions,
// assignments) read whole, in one snapshot, and kept for the next export at the same structure_version
// (bumped by statement triggers on every table it comes from: drizzle/0009_structure_triggers.sql, as for
// server/services/push-structure.ts). Each export reads the version with the plan's row, so a kept structure
// is used only while nothing in it changed — in this process or any other on the same database; its pages
// then read only the month's entries (issue 13: at 1,000 rows the structure's statements and their rows were
// a fifth of the export).
import { probes, textArray } from '../db/any-of';
import { sql } from 'drizzle-orm';
import type { Deadline, Units } from '../../model/plan';
import type { Target } from '../../model/plan';
import { itemIdOf, KEY_SEPARATOR, previousPeriod, type PeriodId, type ProgressStatus } from '../../model/progress';
import { rowBuilder, type RowNode, type RowTarget, type SheetRow, type StoredEntry, type TaskAssignment } from '../../model/sheet';
import { targetAsOf } from '../../model/target-history';
import { rowsOf, type Db } from '../db/connect';
import { STRUCTURE_VERSION } from '../db/structure-version';
import { NotFoundError } from './plans';
import { loadTargetHistories } from './target-revisions';

/** Nodes per page. 500 measured better than 2,000 at 50,000 rows when each statement waited for a pause of
 *  the writer (1.12× vs 1.68× the bare writer, peak 323 vs 348 MB; loaded machine). Since the statements go
 *  together and the writer pauses every 100 rows, 1,000 beat 500 in paired runs of a 50,000-row export
 *  through HTTP (4.6 vs 6.4 s, 3.5 vs 5.7 s; load 4–5): fewer pages, fewer statements. */
export const PAGE_NODES = 1000;

/** One page of rows with the read-only figures their items need. */
export interface RowPage {
  rows: SheetRow[];
  /** 上月累计 by item id (items with a stored 累计 only). */
  previous: Map<string, number>;
  /** Last year's 累计 at the same month by item id (items with a stored 累计 only). */
  lastYear: Map<string, number | null>;
}

export interface PagedMonth {
  plan: { id: string; title: string; year: number | null };
  /** The plan's node count (what decides the workbook's string mode). */
  nodes: number;
  pages: AsyncGenerator<RowPage>;
}

interface NodeRow {
  id: string;
  kind: RowNode['kind'];
  number: string;
  title: string;
  deadlines: Deadline[];
  units: Units | null;
}
interface TargetRow {
  id: string;
  task_id: string;
  metric: string;
  value: number;
  max: number | null;
  unit: string;
  comparator: Target['comparator'];
  kind: Target['kind'];
}
interface AssignmentRow {
  task_id: string;
  role: string;
  name: string;
}
/** The columns of the rows above, for a page's statements and the whole-structure read alike (aliases n, t, a, u). */
const NODE_COLUMNS = sql.raw('n.id, n.kind, n.number, n.title, n.deadlines, n.units');
const TARGET_COLUMNS = sql.raw('t.id, t.task_id, t.metric, t.value, t.max, t.unit, t.comparator, t.kind');
const ASSIGNMENT_COLUMNS = sql.raw('a.task_id, a.role, u.name');
interface ProgressRow {
  key: string;
  period: string;
  version: number;
  month_done: number | null;
  cumulative: number | null;
  status: ProgressStatus | null;
  progress: string | null;
  problems: string | null;
  next_steps: string | null;
}

/** What every page of one month's export reads with: the month, the months it compares with, the depths. */
interface PageContext {
  db: Db;
  planId: string;
  period: PeriodId;
  /** The month before and last year's same month (their 累计 only). */
  prev: string;
  lastYear: string;
  histories: Histories;
  depthOf: Map<string, number>;
  /** The plan's nodes, targets and assignments when kept whole (then pages read only their entries). */
  whole?: WholeStructure;
  add: ReturnType<typeof rowBuilder>;
}

type Histories = Awaited<ReturnType<typeof loadTargetHistories>>;

/** What a page's three structure statements would return, for every node of a plan, by node (task) id. */
interface WholeStructure {
  nodes: Map<string, NodeRow>;
  targets: Map<string, TargetRow[]>;
  assignments: Map<string, AssignmentRow[]>;
}

/** A plan's structure at one structure_version: its node order and target histories, and, for a plan of at
 *  most KEEP_NODES nodes, the rest of it (`whole`). */
interface Structure {
  version: number;
  ids: string[];
  depthOf: Map<string, number>;
  histories: Histories;
  whole?: WholeStructure;
}

/** Plans up to this many nodes are read whole and kept (a plan's strings inline above this: routes/workbook.ts). */
export const KEEP_NODES = 10_000;
/** Plans kept per database handle; the one kept longest goes first. */
const KEEP_PLANS = 4;
const kept = new WeakMap<object, Map<string, Structure>>();

/** The structure kept for the plan, if any (at whatever version it was read). */
function keptStructure(db: Db, planId: string): Structure | undefined {
  return kept.get(db)?.get(planId);
}

/** Keeps a whole structure, unless one of a later version is kept already (an export that read later). */
function keep(db: Db, planId: string, structure: Structure): void {
  if (!structure.whole) return;
  let plans = kept.get(db);
  if (!plans) kept.set(db, (plans = new Map()));
  const old = plans.get(planId);
  if (old && old.version > structure.version) return;
  plans.delete(planId);
  plans.set(planId, structure);
  if (plans.size > KEEP_PLANS) plans.delete(plans.keys().next().value!);
}

const groupBy = <T extends { task_id: string }>(rows: readonly T[]): Map<string, T[]> => {
  const by = new Map<string, T[]>();
  for (const r of rows) {
    const list = by.get(r.task_id);
    if (list) list.push(r);
    else by.set(r.task_id, [r]);
  }
  return by;
};

/** A kept row is shared by every export that uses it: frozen, so no export can change another's. */
function frozenNode(n: NodeRow): NodeRow {
  for (const d of n.deadlines) Object.freeze(d);
  Object.freeze(n.deadlines);
  if (n.units) {
    Object.freeze(n.units.lead);
    if (n.units.co) Object.freeze(n.units.co);
    Object.freeze(n.units);
  }
  return Object.freeze(n);
}

/**
 * The plan's structure in one snapshot (a repeatable-read transaction): the structure_version, the node
 * order, the target histories and — for a plan of at most KEEP_NODES nodes — every node, target and
 * assignment, as the page statements would read them (same columns, same order within a task).
 */
async function readStructure(db: Db, planId: string, keepNodes: number): Promise<Structure> {
  return db.transaction(
    async (t) => {
      const tx = t as unknown as Db;
      const [{ version }] = await rowsOf<{ version: number }>(tx, sql`select ${STRUCTURE_VERSION} as version`);
      const { ids, depthOf } = await documentOrder(tx, planId);
      const histories = await loadTargetHistories(tx, planId);
      if (ids.length > keepNodes) return { version, ids, depthOf, histories };
      const nodeRows = await rowsOf<NodeRow>(tx, sql`select ${NODE_COLUMNS} from nodes n where n.plan_id = ${planId}`);
      const targetRows = await rowsOf<TargetRow>(tx, sql`select ${TARGET_COLUMNS} from targets t where t.plan_id = ${planId} order by t.task_id, t.ord`);
      const assignmentRows = await rowsOf<AssignmentRow>(
        tx,
        sql`select ${ASSIGNMENT_COLUMNS} from assignments a join units u on u.id = a.unit_id where a.plan_id = ${planId} order by a.task_id, a.ord`,
      );
      for (const r of targetRows) Object.freeze(r);
      for (const r of assignmentRows) Object.freeze(r);
      const whole = { nodes: new Map(nodeRows.map((n) => [n.id, frozenNode(n)])), targets: groupBy(targetRows), assignments: groupBy(assignmentRows) };
      return { version, ids, depthOf, histories, whole };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** The plan's structure as of `version` (the one read with the plan's row): kept, or read now and kept. */
async function structureAt(db: Db, planId: string, version: number, read: Promise<Structure> | null, keepNodes: number): Promise<Structure> {
  const k = keptStructure(db, planId);
  if (k && k.version === version && k.ids.length <= keepNodes) return k;
  // Read in its own snapshot: at `version` or a later one, either way what the plan is now.
  const structure = (await read) ?? (await readStructure(db, planId, keepNodes));
  keep(db, planId, structure);
  return structure;
}

/**
 * The live plan's id, title and year, the structure_version in the same snapshot, and whether the month is
 * closed (one round trip for what decides the export); throws NotFoundError.
 */
async function livePlan(db: Db, planId: string, period: PeriodId): Promise<{ plan: PagedMonth['plan']; version: number; closed: boolean }> {
  const [row] = await rowsOf<{ id: string; title: string; year: number | null; version: number; closed: boolean }>(
    db,
    sql`select id, title, year, ${STRUCTURE_VERSION} as version,
               exists (select 1 from periods m where m.plan_id = plans.id and m.period = ${period} and m.status = 'closed') as closed
          from plans where id = ${planId} and deleted_at is null`,
  );
  if (!row) throw new NotFoundError(`找不到计划：${planId}`);
  const { version, closed, ...plan } = row;
  return { plan, version, closed };
}

/**
 * The node ids in document order with their depths. Ids and parents only: depth comes from the parent,
 * and (as loadPlan builds the tree) a node whose parent is not in the plan is left out with everything under it.
 */
async function documentOrder(db: Db, planId: string): Promise<{ ids: string[]; depthOf: Map<string, number> }> {
  const order = await rowsOf<{ id: string; parent_id: string | null }>(db, sql`select id, parent_id from nodes where plan_id = ${planId} order by ord`);
  const depthOf = new Map<string, number>();
  const ids: string[] = [];
  for (const n of order) {
    const depth = n.parent_id === null ? 0 : depthOf.has(n.parent_id) ? depthOf.get(n.parent_id)! + 1 : -1;
    if (depth < 0) continue;
    depthOf.set(n.id, depth);
    ids.push(n.id);
  }
  return { ids, depthOf };
}

/**
 * A page's nodes, their targets and assignments, each by index probes (server/db/any-of.ts probes: with
 * `task_id = any(…)` PostgreSQL scanned the plan's every target for each page). The three statements are sent together: the writer
 * lets the event loop run only between runs of rows (server/workbook/export.ts breathe), and statements
 * awaited one after another took one of those turns each, so the writer waited for its next page (at
 * 50,000 rows, ~3 s of a 5 s export). On a pool they run on three connections (six with READ_AHEAD
 * pages); on one connection (a transaction, PGlite) the driver queues them, one at a time as before.
 */
async function readPageNodes({ db, planId }: PageContext, page: string[]) {
  const [nodeRows, targetRows, assignmentRows] = await Promise.all([
    rowsOf<NodeRow>(
      db,
      sql`select ${NODE_COLUMNS}
            from ${probes(page, 'n', (id) => sql`select * from nodes n where n.plan_id = ${planId} and n.id = ${id}`)}`,
    ),
    rowsOf<TargetRow>(
      db,
      sql`select ${TARGET_COLUMNS}
            from ${probes(page, 't', (id) => sql`select * from targets t where t.plan_id = ${planId} and t.task_id = ${id}`)}
            order by t.task_id, t.ord`,
    ),
    rowsOf<AssignmentRow>(
      db,
      sql`select ${ASSIGNMENT_COLUMNS}
            from ${probes(page, 'a', (id) => sql`select * from assignments a where a.plan_id = ${planId} and a.task_id = ${id}`)}
            join units u on u.id = a.unit_id order by a.task_id, a.ord`,
    ),
  ]);
  return { nodeRows, targetRows, assignmentRows };
}

/** What readPageNodes reads for a page, from a kept structure (in the page's order; within a task, as read). */
function wholePage(whole: WholeStructure, page: readonly string[]) {
  const nodeRows: NodeRow[] = [];
  const targetRows: TargetRow[] = [];
  const assignmentRows: AssignmentRow[] = [];
  for (const id of page) {
    const n = whole.nodes.get(id);
    if (n) nodeRows.push(n);
    for (const t of whole.targets.get(id) ?? []) targetRows.push(t);
    for (const a of whole.assignments.get(id) ?? []) assignmentRows.push(a);
  }
  return { nodeRows, targetRows, assignmentRows };
}

/** The targets by task id, each as in force in the month. */
function targetsByTask({ histories, period }: PageContext, targetRows: readonly TargetRow[]): Map<string, RowTarget[]> {
  const targetsOf = new Map<string, RowTarget[]>();
  for (const t of targetRows) {
    const target: RowTarget = {
      id: t.id,
      metric: t.metric,
      value: t.value,
      ...(t.max != null ? { max: t.max } : {}),
      unit: t.unit,
      comparator: t.comparator,
      kind: t.kind,
    };
    const list = targetsOf.get(t.task_id) ?? [];
    list.push(targetAsOf(target, histories.get(t.id), period));
    targetsOf.set(t.task_id, list);
  }
  return targetsOf;
}

function assignmentsByTask(assignmentRows: readonly { task_id: string; role: string; name: string }[]): Map<string, TaskAssignment> {
  const assignments = new Map<string, TaskAssignment>();
  for (const a of assignmentRows) {
    const who = assignments.get(a.task_id) ?? { lead: [], co: [] };
    (a.role === 'lead' ? who.lead : who.co).push(a.name);
    assignments.set(a.task_id, who);
  }
  return assignments;
}

/** The page's items: a node's targets, or the node itself when it has none. */
function pageItemIds(page: readonly string[], targetsOf: ReadonlyMap<string, RowTarget[]>): string[] {
  const itemIds: string[] = [];
  for (const id of page) {
    const t = targetsOf.get(id);
    if (t?.length) for (const x of t) itemIds.push(x.id);
    else itemIds.push(id);
  }
  return itemIds;
}

/** The items' entries in the month, and into `out` their 累计 in the month before and last year. */
async function readEntries(ctx: PageContext, itemIds: readonly string[], out: RowPage): Promise<Map<string, StoredEntry>> {
  const { db, planId, period, prev, lastYear } = ctx;
  // The three months' keys (model/progress.ts progressKey: item@month) are made by the database from the
  // item ids, so the statement carries each id once instead of three keys: at 50,000 rows its parameter,
  // written to the socket and escaped by the driver, was most of a page's statements' bytes.
  const keys = sql`array(select i.v || ${KEY_SEPARATOR}::text || m.v from unnest(${textArray(itemIds)}) as i(v) cross join unnest(${textArray([period, prev, lastYear])}) as m(v))`;
  const progressRows = await rowsOf<ProgressRow>(
    db,
    sql`select p.key, p.period, p.version, p.month_done, p.cumulative, p.status, p.progress, p.problems, p.next_steps
          from ${probes(keys, 'p', (key) => sql`select * from progress p where p.plan_id = ${planId} and p.key = ${key}`)}`,
  );
  const entries = new Map<string, StoredEntry>();
  for (const r of progressRows) {
    const itemId = itemIdOf(r.key);
    if (r.period === period) {
      const values = {
        monthDone: r.month_done,
        cumulative: r.cumulative,
        status: r.status,
        progress: r.progress,
        problems: r.problems,
        nextSteps: r.next_steps,
      };
      entries.set(r.key, { version: r.version, values });
    } else if (r.cumulative !== null) (r.period === prev ? out.previous : out.lastYear).set(itemId, r.cumulative);
  }
  return entries;
}

/** What one page reads from the database, before its rows are built. */
interface PageRead {
  page: string[];
  byId: Map<string, NodeRow>;
  targetsOf: Map<string, RowTarget[]>;
  assignments: Map<string, TaskAssignment>;
  entries: Map<string, StoredEntry>;
  out: RowPage;
}

/** One page's statements (no rows built: pages are built in order, see pagesOf). */
async function readPage(ctx: PageContext, page: string[]): Promise<PageRead> {
  const { nodeRows, targetRows, assignmentRows } = ctx.whole ? wholePage(ctx.whole, page) : await readPageNodes(ctx, page);
  const targetsOf = targetsByTask(ctx, targetRows);
  const assignments = assignmentsByTask(assignmentRows);
  const byId = new Map(nodeRows.map((n) => [n.id, n]));
  const out: RowPage = { rows: [], previous: new Map(), lastYear: new Map() };
  const entries = await readEntries(ctx, pageItemIds(page, targetsOf), out);
  return { page, byId, targetsOf, assignments, entries, out };
}

/** One page of nodes' rows, built by the month's rowBuilder. */
function buildPage(ctx: PageContext, { page, byId, targetsOf, assignments, entries, out }: PageRead): RowPage {
  for (const id of page) {
    const n = byId.get(id);
    if (!n) continue; // deleted since the ids were read
    const node: RowNode = {
      id: n.id,
      kind: n.kind,
      number: n.number,
      title: n.title,
      deadlines: n.deadlines,
      targets: targetsOf.get(id) ?? [],
      ...(n.units ? { units: n.units } : {}),
    };
    ctx.add(node, ctx.depthOf.get(id)!, { entries, assignments }, out.rows);
  }
  return out;
}

/** Pages read ahead of the one being written: a page that the database is slow to answer (a loaded machine)
 *  is absorbed by the writing of two pages, not one. At most this many pages' statements run at once. */
const READ_AHEAD = 2;

/**
 * The pages in order. The next pages are read while the writer works on this one (the database's time
 * overlaps the writer's); rows are built only when a page is handed out, in order (rowBuilder carries the
 * pending sections from one page to the next).
 */
async function* pagesOf(ctx: PageContext, ids: readonly string[], size: number): AsyncGenerator<RowPage> {
  const reads: Promise<PageRead>[] = [];
  let from = 0;
  const readNext = () => {
    const read = readPage(ctx, ids.slice(from, from + size));
    // An unread page must not become an unhandled rejection if the writer stops early.
    read.catch(() => undefined);
    reads.push(read);
    from += size;
  };
  while (reads.length < READ_AHEAD && from < ids.length) readNext();
  while (reads.length) {
    const read = await reads.shift()!;
    if (from < ids.length) readNext();
    yield buildPage(ctx, read);
  }
}

/**
 * A live month's rows in pages of `pageSize` nodes; `unit` keeps only that unit's tasks. Null for a closed
 * month (its workbook is what the close froze: server/services/month-view.ts). Throws NotFoundError.
 * `keepNodes`: the largest plan read whole and kept (KEEP_NODES; 0 reads every page's nodes from the database).
 */
export async function pagedMonth(
  db: Db,
  planId: string,
  period: PeriodId,
  opts: { unit?: string; pageSize?: number; keepNodes?: number } = {},
): Promise<PagedMonth | null> {
  const keepNodes = opts.keepNodes ?? KEEP_NODES;
  // With nothing kept for the plan (its first export here) the structure is read along with the plan's row.
  const ahead = keptStructure(db, planId) ? null : readStructure(db, planId, keepNodes);
  const [{ plan, version, closed }, read] = await Promise.all([livePlan(db, planId, period), ahead]);
  if (closed) {
    if (read) keep(db, planId, read); // read already: the plan's next live export uses it
    return null;
  }
  const { ids, depthOf, histories, whole } = await structureAt(db, planId, version, ahead, keepNodes);
  const [y, m] = period.split('-');
  const ctx: PageContext = {
    db,
    planId,
    period,
    prev: previousPeriod(period),
    lastYear: `${Number(y) - 1}-${m}`,
    histories,
    depthOf,
    whole,
    add: rowBuilder(plan.year, { period, unit: opts.unit }),
  };
  return { plan, nodes: ids.length, pages: pagesOf(ctx, ids, opts.pageSize ?? PAGE_NODES) };
}
