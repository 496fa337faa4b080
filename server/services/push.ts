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
import { decideEntries, type PushSnapshot, type SnapshotItem, type StoredRow } from '../../model/push-decision';
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
 * statement. Returns the keys written.
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
  // One JSON.stringify (native) instead of eleven array parameters escaped element by element in JS.
  const input = JSON.stringify(
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
  );
  const storeResponse =
    response === null
      ? sql``
      : sql`, answer as (
          update batches set response = ${response}::jsonb where plan_id = ${planId} and kind = 'progress' and batch_id = ${batchId}
        )`;
  const result = await rowsOf<{ key: string }>(
    tx as unknown as Db,
    sql`with input as (
          select * from jsonb_to_recordset(${input}::jsonb)
          as t(key text, item_id text, period text, month_done float8, cumulative float8, status text, progress text, problems text, next_steps text, version int, old jsonb)
        ), up as (
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
        )${storeResponse}
        insert into audit (plan_id, entity, entity_id, action, actor, at, old, new, batch_id)
        select ${planId}, 'progress', i.key, case when i.old is null then 'create' else 'update' end, ${actor}, ${at}, i.old,
          jsonb_build_object('version', i.version, 'monthDone', i.month_done, 'cumulative', i.cumulative, 'status', i.status,
            'progress', i.progress, 'problems', i.problems, 'nextSteps', i.next_steps),
          ${batchId}
        from input i join up on up.key = i.key
        order by i.key
        returning entity_id as key`,
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

const arr = (xs: readonly string[]) => sql`${sql.param([...xs])}::text[]`;

/**
 * What decideEntries reads, scoped to the batch's keys: its items by primary key (not the plan's whole
 * index), their tasks' units and assignments, the plan's months and the items' rows in every month.
 * The batch's months are read FOR SHARE: a close (FOR UPDATE, server/services/periods.ts) waits for this
 * push to commit, and a push that starts after a close sees the month closed (issue 15).
 */
export async function loadPushSnapshot(tx: Tx, planId: string, entries: readonly { key: string }[]): Promise<PushSnapshot> {
  const parsed = entries.map((e) => parseProgressKey(e.key)).filter((k) => k !== null);
  const itemIds = [...new Set(parsed.map((k) => k.itemId))];
  const months = [...new Set(parsed.map((k) => k.period))];
  // One statement: the batch's months locked, with every month of the plan (the later-累计 rule) alongside.
  const locked = months.length
    ? await rowsOf<{ period: string; status: string; months: [string, string][] }>(
        tx as unknown as Db,
        sql`select p.period, p.status, (select json_agg(json_build_array(q.period, q.status)) from periods q where q.plan_id = p.plan_id) as months
            from periods p where p.plan_id = ${planId} and p.period = any(${arr(months)}) order by p.period for share of p`,
      )
    : [];
  const periodStatus = new Map<string, string>(locked[0]?.months ?? []);
  for (const p of locked) periodStatus.set(p.period, p.status); // the locked read is the one that counts

  // Few round trips (issue 13): each statement waits for a pooled connection in a month-end rush.
  const targetRows = itemIds.length
    ? await rowsOf<{ id: string; task_id: string; unit: string; value: number; kind: string; revisions: { fromPeriod: string | null; value: number }[] }>(
        tx as unknown as Db,
        sql`select t.id, t.task_id, t.unit, t.value, t.kind,
              (select coalesce(json_agg(json_build_object('fromPeriod', r.from_period, 'value', r.value) order by r.id), '[]'::json)
                 from target_revisions r where r.plan_id = t.plan_id and r.target_id = t.id) as revisions
            from targets t where t.plan_id = ${planId} and t.id = any(${arr(itemIds)})`,
      )
    : [];
  const asTarget = new Set(targetRows.map((t) => t.id));
  const maybeTasks = new Set(itemIds.filter((id) => !asTarget.has(id)));
  const taskIds = [...new Set([...targetRows.map((t) => t.task_id), ...maybeTasks])];
  // The tasks with their document units, the office's assignments, and whether they carry targets (a task
  // with targets is reported through them, not as a row of its own: targets_task_idx).
  const nodeRows = taskIds.length
    ? await rowsOf<{ id: string; kind: string; units: Units | null; has_targets: boolean; assigned: { role: string; name: string }[] }>(
        tx as unknown as Db,
        sql`select n.id, n.kind, n.units,
              exists (select 1 from targets t where t.plan_id = n.plan_id and t.task_id = n.id) as has_targets,
              (select coalesce(json_agg(json_build_object('role', a.role, 'name', u.name) order by a.ord, u.name), '[]'::json)
                 from assignments a join units u on u.id = a.unit_id where a.plan_id = n.plan_id and a.task_id = n.id) as assigned
            from nodes n where n.plan_id = ${planId} and n.id = any(${arr(taskIds)})`,
      )
    : [];
  // Every stored month of the batch's items (a superset of snapshotKeys: the previous month and the later
  // ones, for the 累计 order): one array of item ids instead of up to 12 keys per item.
  const storedRows = itemIds.length
    ? await tx
        .select()
        .from(progress)
        .where(and(eq(progress.planId, planId), sql`${progress.itemId} = any(${sql.param(itemIds)}::text[])`))
    : [];
  // 序时进度 lights (issue 10): the plan's year and its thresholds (model/lights.ts defaults when unset).
  const [light] = await rowsOf<{ year: number | null; yellow: number | null; red: number | null }>(
    tx as unknown as Db,
    sql`select p.year, s.yellow_points as yellow, s.red_points as red from plans p left join month_settings s on s.plan_id = p.id where p.id = ${planId}`,
  );

  const docUnits = new Map(nodeRows.map((n) => [n.id, n.units]));
  const assigned = new Map<string, TaskAssignment>();
  for (const n of nodeRows) {
    if (!n.assigned.length) continue;
    const a: TaskAssignment = { lead: [], co: [] };
    for (const r of n.assigned) (r.role === 'lead' ? a.lead : a.co).push(r.name);
    assigned.set(n.id, a);
  }
  const items = new Map<string, SnapshotItem>();
  for (const n of nodeRows) if (n.kind === 'task' && maybeTasks.has(n.id) && !n.has_targets) items.set(n.id, { taskId: n.id });
  for (const t of targetRows)
    items.set(t.id, {
      taskId: t.task_id,
      target: { unit: t.unit, value: Number(t.value), kind: t.kind },
      revisions: t.revisions.length ? t.revisions : undefined,
    });
  return {
    items,
    who: (taskId) => assignmentOf({ id: taskId, units: docUnits.get(taskId) }, assigned),
    periods: periodStatus,
    stored: new Map(storedRows.map((r) => [r.key, { version: r.version, values: valuesOf(r) }])),
    // A yellow or red row without 存在问题/下步计划 is refused at push, as 滞后 is (LIGHT_NEEDS_*); 报送
    // still re-checks (model/submission.ts) for rows stored before the rule or under other thresholds.
    timeProgress: (period) => timeProgress(period, light?.year),
    lights: light?.yellow != null && light.red != null ? { yellow: Number(light.yellow), red: Number(light.red) } : DEFAULT_LIGHTS,
  };
}

async function applyEntries(tx: Tx, actor: Actor, planId: string, batch: PushBatch, claim: BatchClaim): Promise<PushResponse> {
  const snapshot = await loadPushSnapshot(tx, planId, batch.entries);
  const decisions = decideEntries(batch.entries, snapshot, { role: actor.role, unit: actor.unit?.name ?? null });
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
  const written = new Set<string>();
  // The answer as it stands if every write lands: stored by the last chunk's statement. A lost write (a
  // concurrent writer got there first) changes the answer, and oncePerBatch stores the corrected one.
  const response: PushResponse = { batchId: batch.batchId, replayed: false, results };
  for (let i = 0; i < writes.length; i += CHUNK) {
    const last = i + CHUNK >= writes.length;
    for (const key of await upsertWithAudit(
      tx,
      planId,
      actor.name,
      now,
      batch.batchId,
      writes.slice(i, i + CHUNK),
      old,
      last ? JSON.stringify(response) : null,
    ))
      written.add(key);
    if (last) claim.stored = true;
  }
  const lost = writes.filter((w) => !written.has(w.key)).map((w) => w.key);
  if (lost.length) {
    claim.stored = false;
    for (const r of await selectByKeys(tx, planId, lost)) {
      results[writeIndex.get(r.key)!] = { key: r.key, outcome: 'conflict', version: r.version, values: valuesOf(r) };
    }
  }
  return response;
}
