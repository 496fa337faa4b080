// Push: a batch of progress entries → per entry applied | conflict | rejected, exactly once per batchId.
// The rules are model/push-decision.ts decideEntries; this file loads what they read and writes the result.
//
// One transaction holds the batch record, the accepted rows and their audit rows. The batch row is
// inserted first: a concurrent duplicate blocks on its primary key until the first commits, then finds
// it and returns the stored answer. Rows are written with one set-based upsert per chunk (unnest arrays) whose WHERE
// re-checks the version, so a concurrent writer that got there first turns our entry into a conflict.
import { and, eq, sql } from 'drizzle-orm';
import { AppError } from '../../model/errors';
import { DEFAULT_LIGHTS } from '../../model/lights';
import type { Units } from '../../model/plan';
import { parseProgressKey, type ProgressStatus, type ProgressValues } from '../../model/progress';
import { decideEntries, readsAssignments, storedScope, type PushActor, type PushSnapshot, type SnapshotItem, type StoredRow } from '../../model/push-decision';
import { assignmentOf, type TaskAssignment } from '../../model/sheet';
import { timeProgress } from '../../model/stats';
import type { PushBatch, PushResponse, PushResult } from '../../model/sync';
import type { Actor } from '../auth/tokens';
import { rowsOf, type Db } from '../db/connect';
import { batches, progress } from '../db/schema';
import { NotFoundError } from './plans';

export class BatchReuseError extends AppError {
  constructor(batchId: string) {
    super('BATCH_ID_REUSED', 409, `批次号 ${batchId} 已被其他用户使用，请换一个批次号`);
  }
}

const CHUNK = 5000; // rows per statement (each column travels as one array parameter)

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export function valuesOf(r: Pick<typeof progress.$inferSelect, 'monthDone' | 'cumulative' | 'status' | 'progress' | 'problems' | 'nextSteps'>): ProgressValues {
  return {
    monthDone: r.monthDone,
    cumulative: r.cumulative,
    status: r.status as ProgressStatus | null,
    progress: r.progress,
    problems: r.problems,
    nextSteps: r.nextSteps,
  };
}

async function storedAnswer(db: Db | Tx, planId: string, kind: string, batchId: string, actor: Actor): Promise<PushResponse | null> {
  const [row] = await db
    .select({ actor: batches.actor, response: batches.response })
    .from(batches)
    .where(and(eq(batches.planId, planId), eq(batches.kind, kind), eq(batches.batchId, batchId)));
  if (!row || !row.response) return null;
  if (row.actor !== actor.name) throw new BatchReuseError(batchId);
  return { ...(row.response as PushResponse), replayed: true };
}

class Replay extends Error {}

/** Handed to a batch's work: set `stored` when the work's own last statement already wrote the response. */
export interface BatchClaim {
  stored: boolean;
}

/**
 * Runs `work` once per batch id: inside one transaction that first claims the batch id. A replay (or a
 * concurrent duplicate, once the first commits) gets the stored answer. Shared with target batches.
 * `checked`: the caller has already looked the batch id up (pushBatch does it with the plan check).
 */
export async function oncePerBatch<R extends { batchId: string; replayed: boolean }>(
  db: Db,
  planId: string,
  kind: 'progress' | 'targets',
  batchId: string,
  actor: Actor,
  work: (tx: Tx, claim: BatchClaim) => Promise<R>,
  opts: { checked?: boolean } = {},
): Promise<R> {
  if (!opts.checked) {
    const early = await storedAnswer(db, planId, kind, batchId, actor);
    if (early) return early as unknown as R;
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        const claimed = await tx
          .insert(batches)
          .values({ planId, kind, batchId, actor: actor.name })
          .onConflictDoNothing()
          .returning({ batchId: batches.batchId });
        if (!claimed.length) throw new Replay();
        const claim: BatchClaim = { stored: false };
        const response = await work(tx, claim);
        // One round trip fewer per push when the work wrote the response in its upsert (issue 13).
        if (!claim.stored) {
          await tx
            .update(batches)
            .set({ response })
            .where(and(eq(batches.planId, planId), eq(batches.kind, kind), eq(batches.batchId, batchId)));
        }
        return response;
      });
    } catch (err) {
      if (err instanceof Replay) {
        const stored = await storedAnswer(db, planId, kind, batchId, actor);
        if (stored) return stored as unknown as R;
      } else if (!isRetryable(err)) {
        throw err;
      }
      // A deadlock victim, or the first holder of this batch id rolled back: try again, a few times.
      if (attempt >= 4) throw err;
    }
  }
}

function isRetryable(err: unknown): boolean {
  const code = (err as { code?: string; cause?: { code?: string } })?.code ?? (err as { cause?: { code?: string } })?.cause?.code;
  return code === '40P01' || code === '40001'; // deadlock, serialization failure
}

const arr = (xs: readonly string[]) => sql`${sql.param([...xs])}::text[]`;

async function selectByKeys(tx: Tx, planId: string, keys: string[]) {
  if (!keys.length) return [];
  // One array parameter instead of one parameter per key. (Tried: the keys as one JSON text read by
  // jsonb_array_elements_text — less escaping in JS, but twice as slow in PGlite's planner/executor.)
  return tx
    .select()
    .from(progress)
    .where(and(eq(progress.planId, planId), sql`${progress.key} = any(${sql.param(keys)}::text[])`));
}

/**
 * One statement per chunk: the rows travel as one JSON text (jsonb_to_recordset), the upsert only takes
 * rows whose version is still the one we read, and the audit rows are inserted from what the upsert
 * returned. `response` (the last chunk): the batch's answer if every row is written, stored in the same
 * statement. Returns the keys not written (a concurrent writer got there first).
 */
async function upsertWithAudit(
  tx: Tx,
  planId: string,
  actor: string,
  at: Date,
  batchId: string,
  rows: (typeof progress.$inferInsert)[],
  stored: ReadonlyMap<string, StoredRow | null>,
  response: string | null,
): Promise<string[]> {
  // One JSON.stringify (native) instead of eleven array parameters escaped element by element in JS
  // (measured against unnest arrays, issue 13: the same CPU on PGlite, on PostgreSQL no clear difference).
  const input = sql`select * from jsonb_to_recordset(${JSON.stringify(
    rows.map((r) => {
      const o = stored.get(r.key);
      return {
        key: r.key,
        item_id: r.itemId,
        period: r.period,
        month_done: r.monthDone ?? null,
        cumulative: r.cumulative ?? null,
        status: r.status ?? null,
        progress: r.progress ?? null,
        problems: r.problems ?? null,
        next_steps: r.nextSteps ?? null,
        version: r.version,
        old: o ? { version: o.version, ...o.values } : null,
      };
    }),
  )}::jsonb)
          as t(key text, item_id text, period text, month_done float8, cumulative float8, status text, progress text, problems text, next_steps text, version int, old jsonb)`;
  const storeResponse =
    response === null
      ? sql``
      : sql`, answer as (
          update batches set response = ${response}::jsonb where plan_id = ${planId} and kind = 'progress' and batch_id = ${batchId}
        )`;
  const result = await rowsOf<{ key: string }>(
    tx as unknown as Db,
    sql`with input as (${input}), up as (
          insert into progress (plan_id, key, item_id, period, month_done, cumulative, status, progress, problems, next_steps, version, updated_by, updated_at)
          select ${planId}, key, item_id, period, month_done, cumulative, status, progress, problems, next_steps, version, ${actor}, ${at}
          from input order by key
          on conflict (plan_id, key) do update set
            month_done = excluded.month_done, cumulative = excluded.cumulative, status = excluded.status, progress = excluded.progress,
            problems = excluded.problems, next_steps = excluded.next_steps, version = excluded.version,
            updated_by = excluded.updated_by, updated_at = excluded.updated_at, txid = pg_current_xact_id()::text::bigint
          -- Someone committed this key after we read it: keep their row, the entry becomes a conflict.
          where progress.version = excluded.version - 1
          returning key
        )${storeResponse}, logged as (
        insert into audit (plan_id, entity, entity_id, action, actor, at, old, new, batch_id)
        select ${planId}, 'progress', i.key, case when i.old is null then 'create' else 'update' end, ${actor}, ${at}, i.old,
          jsonb_build_object('version', i.version, 'monthDone', i.month_done, 'cumulative', i.cumulative, 'status', i.status,
            'progress', i.progress, 'problems', i.problems, 'nextSteps', i.next_steps),
          ${batchId}
        from input i join up on up.key = i.key
        order by i.key
        )
        -- Only the keys not written come back (usually none), not one row per written key.
        select i.key from input i where not exists (select 1 from up where up.key = i.key)`,
  );
  return result.map((r) => r.key);
}

export async function pushBatch(db: Db, actor: Actor, planId: string, batch: PushBatch): Promise<PushResponse> {
  // The plan check and the batch id's stored answer in one round trip (issue 13): a retried batch answers
  // the stored result (applied once); oncePerBatch still claims the id inside its transaction.
  const [seen] = await rowsOf<{ plan: boolean; actor: string | null; response: PushResponse | null }>(
    db,
    sql`select exists (select 1 from plans p where p.id = ${planId} and p.deleted_at is null) as plan, b.actor, b.response
        from (select 1) one left join batches b on b.plan_id = ${planId} and b.kind = 'progress' and b.batch_id = ${batch.batchId}`,
  );
  if (!seen?.plan) throw new NotFoundError(`找不到计划：${planId}`);
  if (seen.response) {
    if (seen.actor !== actor.name) throw new BatchReuseError(batch.batchId);
    return { ...seen.response, replayed: true };
  }
  return oncePerBatch(db, planId, 'progress', batch.batchId, actor, (tx, claim) => applyEntries(tx, actor, planId, batch, claim), { checked: true });
}

type StoredSql = {
  key: string;
  version: number;
  month_done: number | null;
  cumulative: number | null;
  status: string | null;
  progress: string | null;
  problems: string | null;
  next_steps: string | null;
};
const storedRow = (r: StoredSql): StoredRow => ({
  version: r.version,
  values: {
    monthDone: r.month_done,
    cumulative: r.cumulative,
    status: r.status as ProgressStatus | null,
    progress: r.progress,
    problems: r.problems,
    nextSteps: r.next_steps,
  },
});

/**
 * What decideEntries reads, scoped to the batch's keys: its items by primary key (not the plan's whole
 * index), their tasks' units and assignments (a reporter's push only), the plan's months and the stored
 * rows storedScope names (not every month of every item: a 10,000-row push into a year of rows read
 * ten times the rows it writes). The batch's months are read FOR SHARE: a close (FOR UPDATE,
 * server/services/periods.ts) waits for this push to commit, and a push that starts after a close sees
 * the month closed (issue 15).
 */
export async function loadPushSnapshot(tx: Tx, planId: string, entries: readonly { key: string }[], actor: PushActor): Promise<PushSnapshot> {
  const parsed = entries.map((e) => parseProgressKey(e.key)).filter((k) => k !== null);
  const itemIds = [...new Set(parsed.map((k) => k.itemId))];
  const months = [...new Set(parsed.map((k) => k.period))];
  const db = tx as unknown as Db;
  // One statement: the batch's months locked, every month of the plan (the later-累计 rule), and the
  // plan's year and 序时进度 thresholds (issue 10; model/lights.ts defaults when unset).
  const [head] = await rowsOf<{
    locked: [string, string][] | null;
    months: [string, string][] | null;
    year: number | null;
    yellow: number | null;
    red: number | null;
  }>(
    db,
    sql`with locked as (
          select p.period, p.status from periods p where p.plan_id = ${planId} and p.period = any(${arr(months)}) order by p.period for share of p
        )
        select (select json_agg(json_build_array(l.period, l.status)) from locked l) as locked,
          (select json_agg(json_build_array(q.period, q.status)) from periods q where q.plan_id = ${planId}) as months,
          pl.year, s.yellow_points as yellow, s.red_points as red
        from plans pl left join month_settings s on s.plan_id = pl.id where pl.id = ${planId}`,
  );
  const periodStatus = new Map<string, string>(head?.months ?? []);
  for (const [period, status] of head?.locked ?? []) periodStatus.set(period, status); // the locked read is the one that counts

  // A target with its revisions: one row per revision (a join, not a sub-select per target).
  const targetRows = itemIds.length
    ? await rowsOf<{
        id: string;
        task_id: string;
        unit: string;
        value: number;
        kind: string;
        rev_id: number | null;
        from_period: string | null;
        rev_value: number | null;
      }>(
        db,
        sql`select t.id, t.task_id, t.unit, t.value, t.kind, r.id as rev_id, r.from_period, r.value as rev_value
            from targets t left join target_revisions r on r.plan_id = t.plan_id and r.target_id = t.id
            where t.plan_id = ${planId} and t.id = any(${arr(itemIds)})`,
      )
    : [];
  const items = new Map<string, SnapshotItem>();
  const revisions = new Map<string, { id: number; fromPeriod: string | null; value: number }[]>();
  for (const t of targetRows) {
    if (!items.has(t.id)) items.set(t.id, { taskId: t.task_id, target: { unit: t.unit, value: Number(t.value), kind: t.kind } });
    if (t.rev_id === null) continue;
    const list = revisions.get(t.id) ?? [];
    list.push({ id: Number(t.rev_id), fromPeriod: t.from_period, value: Number(t.rev_value) });
    revisions.set(t.id, list);
  }
  for (const [id, list] of revisions) items.get(id)!.revisions = list.sort((a, b) => a.id - b.id).map(({ fromPeriod, value }) => ({ fromPeriod, value }));
  const maybeTasks = itemIds.filter((id) => !items.has(id));
  const who = readsAssignments(actor);
  const taskIds = who ? [...new Set([...[...items.values()].map((t) => t.taskId), ...maybeTasks])] : maybeTasks;
  // The tasks (a task with targets is reported through them, not as a row of its own: one targets_task_idx
  // probe per task, not a scan of the plan's targets) and, for a reporter, their document units and the
  // office's assignments (one row per assignment).
  const nodeRows = taskIds.length
    ? await rowsOf<{ id: string; kind: string; has_targets: boolean; units: Units | null; role: string | null; name: string | null }>(
        db,
        who
          ? sql`select n.id, n.kind, h.has is not null as has_targets, n.units, a.role, u.name
                from nodes n left join lateral (select true as has from targets t where t.plan_id = n.plan_id and t.task_id = n.id limit 1) h on true
                left join assignments a on a.plan_id = n.plan_id and a.task_id = n.id left join units u on u.id = a.unit_id
                where n.plan_id = ${planId} and n.id = any(${arr(taskIds)})
                order by n.id, a.ord, u.name`
          : sql`select n.id, n.kind, h.has is not null as has_targets, null as units, null as role, null as name
                from nodes n left join lateral (select true as has from targets t where t.plan_id = n.plan_id and t.task_id = n.id limit 1) h on true
                where n.plan_id = ${planId} and n.id = any(${arr(taskIds)})`,
      )
    : [];
  const docUnits = new Map<string, Units | null>();
  const assigned = new Map<string, TaskAssignment>();
  const maybe = new Set(maybeTasks);
  for (const n of nodeRows) {
    if (!docUnits.has(n.id)) {
      docUnits.set(n.id, n.units);
      if (n.kind === 'task' && maybe.has(n.id) && !n.has_targets) items.set(n.id, { taskId: n.id });
    }
    if (n.role === null || n.name === null) continue;
    let a = assigned.get(n.id);
    if (!a) assigned.set(n.id, (a = { lead: [], co: [] }));
    (n.role === 'lead' ? a.lead : a.co).push(n.name);
  }

  // The stored rows the rules read (model/push-decision.ts storedScope): the batch's keys and the month
  // before each by primary key, and per item and month the lowest 累计 of a later month outside the batch.
  const scope = storedScope(entries);
  const storedRows = scope.keys.length
    ? await rowsOf<StoredSql>(
        db,
        sql`select p.key, p.version, p.month_done, p.cumulative, p.status, p.progress, p.problems, p.next_steps
            from progress p where p.plan_id = ${planId} and p.key = any(${arr(scope.keys)})
            union all
            select l.* from unnest(${arr(scope.later.map((l) => l.itemId))}, ${arr(scope.later.map((l) => l.period))}, ${arr(scope.later.map((l) => l.batchMonths.join(',')))})
              as b(item_id, period, months)
            cross join lateral (
              select p.key, p.version, p.month_done, p.cumulative, p.status, p.progress, p.problems, p.next_steps
              from progress p where p.plan_id = ${planId} and p.item_id = b.item_id and p.period > b.period and p.cumulative is not null
                and p.period <> all(string_to_array(b.months, ','))
              order by p.cumulative, p.period limit 1
            ) l`,
      )
    : [];
  const stored = new Map<string, StoredRow>();
  for (const r of storedRows) stored.set(r.key, storedRow(r));

  const year = head?.year;
  return {
    items,
    who: (taskId) => assignmentOf({ id: taskId, units: docUnits.get(taskId) }, assigned),
    periods: periodStatus,
    stored,
    // A yellow or red row without 存在问题/下步计划 is refused at push, as 滞后 is (LIGHT_NEEDS_*); 报送
    // still re-checks (model/submission.ts) for rows stored before the rule or under other thresholds.
    timeProgress: (period) => timeProgress(period, year),
    lights: head?.yellow != null && head.red != null ? { yellow: Number(head.yellow), red: Number(head.red) } : DEFAULT_LIGHTS,
  };
}

async function applyEntries(tx: Tx, actor: Actor, planId: string, batch: PushBatch, claim: BatchClaim): Promise<PushResponse> {
  const pushActor: PushActor = { role: actor.role, unit: actor.unit?.name ?? null };
  const snapshot = await loadPushSnapshot(tx, planId, batch.entries, pushActor);
  const decisions = await decideEntries(batch.entries, snapshot, pushActor);
  const now = new Date();
  const results: PushResult[] = new Array(decisions.length);
  const writes: (typeof progress.$inferInsert)[] = [];
  const old = new Map<string, StoredRow | null>();
  const writeIndex = new Map<string, number>(); // key → entry position
  decisions.forEach((d, i) => {
    if (d.outcome !== 'accepted') return (results[i] = d);
    writes.push({ planId, key: d.key, itemId: d.itemId, period: d.period, ...d.values, version: d.version, updatedBy: actor.name, updatedAt: now });
    old.set(d.key, d.old);
    writeIndex.set(d.key, i);
    results[i] = { key: d.key, outcome: 'applied', version: d.version, values: d.values };
  });

  // Sorted so that two concurrent batches lock shared rows in the same order (no deadlock).
  writes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const lost: string[] = [];
  // The answer as it stands if every write lands: stored by the last chunk's statement. A lost write (a
  // concurrent writer got there first) changes the answer, and oncePerBatch stores the corrected one.
  const response: PushResponse = { batchId: batch.batchId, replayed: false, results };
  for (let i = 0; i < writes.length; i += CHUNK) {
    const last = i + CHUNK >= writes.length;
    lost.push(...(await upsertWithAudit(tx, planId, actor.name, now, batch.batchId, writes.slice(i, i + CHUNK), old, last ? JSON.stringify(response) : null)));
    if (last) claim.stored = true;
  }
  if (lost.length) {
    claim.stored = false;
    for (const r of await selectByKeys(tx, planId, lost)) {
      results[writeIndex.get(r.key)!] = { key: r.key, outcome: 'conflict', version: r.version, values: valuesOf(r) };
    }
  }
  return response;
}
