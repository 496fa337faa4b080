// Push: a batch of progress entries → per entry applied | conflict | rejected, exactly once per batchId.
// The rules are model/push-decision.ts decideEntries; this file loads what they read and writes the result.
//
// One transaction holds the batch record, the accepted rows and their audit rows. The batch row is
// inserted first: a concurrent duplicate blocks on its primary key until the first commits, then finds
// it and returns the stored answer. Rows are written with one set-based upsert per chunk (unnest arrays) whose WHERE
// re-checks the version, so a concurrent writer that got there first turns our entry into a conflict.
import { anyText, probes, textArray } from '../db/any-of';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { AppError } from '../../model/errors';
import { DEFAULT_LIGHTS } from '../../model/lights';
import { parseProgressKey, type ProgressStatus, type ProgressValues } from '../../model/progress';
import { decideEntries, storedScope, type PushActor, type PushSnapshot, type StoredRow } from '../../model/push-decision';
import { answerFrom, storedForm } from './push-answer';
import { batchStructure, structureAsk, structureColumns, structureCtes, type NodeTuple, type StructureAsk, type TargetTuple } from './push-structure';
import { assignmentOf } from '../../model/sheet';
import { timeProgress } from '../../model/stats';
import type { PushBatch, PushResponse, PushResult } from '../../model/sync';
import type { Actor } from '../auth/tokens';
import { rowsOf, type Db } from '../db/connect';
import { openedTransaction, type Tx } from '../db/opened-transaction';
import { batches, progress } from '../db/schema';
import { NotFoundError } from './plans';

export class BatchReuseError extends AppError {
  constructor(batchId: string) {
    super('BATCH_ID_REUSED', 409, `批次号 ${batchId} 已被其他用户使用，请换一个批次号`);
  }
}

const CHUNK = 5000; // rows per statement (each column travels as one array parameter)

/** The columns valuesOf reads, for a select of only those (not the row's stored pull JSON). */
export const valueColumns = {
  monthDone: progress.monthDone,
  cumulative: progress.cumulative,
  status: progress.status,
  progress: progress.progress,
  problems: progress.problems,
  nextSteps: progress.nextSteps,
};

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

/** How a kind of batch stores its answer, and reads it back (a progress push: server/services/push-answer.ts). */
export interface AnswerForm<R> {
  store(response: R): unknown;
  read(db: Db, planId: string, stored: unknown): Promise<R>;
}

const asItIs: AnswerForm<never> = { store: (r) => r, read: async (_db, _planId, stored) => stored as never };

async function storedAnswer<R>(db: Db, planId: string, kind: string, batchId: string, actor: Actor, form: AnswerForm<R>): Promise<R | null> {
  const [row] = await db
    .select({ actor: batches.actor, response: batches.response })
    .from(batches)
    .where(and(eq(batches.planId, planId), eq(batches.kind, kind), eq(batches.batchId, batchId)));
  if (!row || !row.response) return null;
  if (row.actor !== actor.name) throw new BatchReuseError(batchId);
  return { ...(await form.read(db, planId, row.response)), replayed: true };
}

/** The batch id is someone else's (a replay, or a concurrent duplicate that committed first). */
class Replay extends Error {
  /** The committed row, when the claiming statement could already see it. */
  constructor(readonly seen: { actor: string; response: PushResponse | null } | null = null) {
    super('replay');
  }
}

/** Handed to a batch's work: set `stored` when the work's own last statement already wrote the response. */
export interface BatchClaim {
  stored: boolean;
}

/** The statement that claims a batch id: its one row when this transaction took it, none when it was taken. */
const claimSql = (planId: string, kind: string, batchId: string, actorName: string) =>
  sql`insert into batches (plan_id, kind, batch_id, actor) values (${planId}, ${kind}, ${batchId}, ${actorName}) on conflict do nothing returning batch_id`;

/**
 * Runs `work` once per batch id: inside one transaction whose first statement claims the batch id (sent
 * with its BEGIN, server/db/opened-transaction.ts). A replay (or a concurrent duplicate, once the first
 * commits) gets the stored answer. Shared with target batches. `claimedBy`: the work's own first
 * statement, which claims the id with its reads (pushBatch, issue 13); work gets its rows and throws
 * `Replay` when the id was taken.
 */
export async function oncePerBatch<R extends { batchId: string; replayed: boolean }>(
  db: Db,
  planId: string,
  kind: 'progress' | 'targets',
  batchId: string,
  actor: Actor,
  work: (tx: Tx, claim: BatchClaim, firstRows: unknown[]) => Promise<R>,
  opts: { claimedBy?: () => SQL; answer?: AnswerForm<R> } = {},
): Promise<R> {
  const form = opts.answer ?? (asItIs as AnswerForm<R>);
  if (!opts.claimedBy) {
    const early = await storedAnswer(db, planId, kind, batchId, actor, form);
    if (early) return early;
  }
  for (let attempt = 0; ; attempt++) {
    try {
      // Built for each attempt: the work's statement reads what this process keeps at that moment.
      const first = opts.claimedBy ? opts.claimedBy() : claimSql(planId, kind, batchId, actor.name);
      return await openedTransaction(db, first, async (tx, rows: unknown[]) => {
        if (!opts.claimedBy && !rows.length) throw new Replay();
        const claim: BatchClaim = { stored: false };
        const response = await work(tx, claim, rows);
        // One round trip fewer per push when the work wrote the response in its upsert (issue 13).
        if (!claim.stored) {
          await rowsOf(
            tx as unknown as Db,
            sql`update batches set response = ${JSON.stringify(form.store(response))}::jsonb where plan_id = ${planId} and kind = ${kind} and batch_id = ${batchId}`,
          );
        }
        return response;
      });
    } catch (err) {
      if (err instanceof Replay) {
        if (err.seen?.response) {
          if (err.seen.actor !== actor.name) throw new BatchReuseError(batchId);
          return { ...(await form.read(db, planId, err.seen.response)), replayed: true };
        }
        const stored = await storedAnswer(db, planId, kind, batchId, actor, form);
        if (stored) return stored;
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

/** The stored rows with these keys: key, version and values (the push's conflicts, the upload's comparison). */
export async function storedByKeys(db: Pick<Db, 'select'>, planId: string, keys: readonly string[]) {
  if (!keys.length) return [];
  // One array parameter instead of one parameter per key. (Tried: the keys as one JSON text read by
  // jsonb_array_elements_text — less escaping in JS, but twice as slow in PGlite's planner/executor.)
  return db
    .select({ key: progress.key, version: progress.version, ...valueColumns })
    .from(progress)
    .where(and(eq(progress.planId, planId), anyText(progress.key, keys)));
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

/** A push's answer is stored without what its audit rows hold (server/services/push-answer.ts). */
const progressAnswer: AnswerForm<PushResponse> = {
  store: storedForm,
  read: (db, planId, stored) => answerFrom(db, planId, stored as ReturnType<typeof storedForm>),
};

export async function pushBatch(db: Db, actor: Actor, planId: string, batch: PushBatch): Promise<PushResponse> {
  // No look-up before the transaction (issue 13): its first statement claims the batch id and reads the
  // snapshot; a retried batch (the id already committed) rolls back and answers the stored result.
  let load: LoadScope; // what the current attempt's claim statement is scoped to
  return oncePerBatch(
    db,
    planId,
    'progress',
    batch.batchId,
    actor,
    (tx, claim, rows) => applyEntries(tx, actor, planId, batch, claim, readClaimAndLoad(db, planId, load, rows[0] as ClaimAndLoadRow | undefined)),
    {
      claimedBy: () => {
        const built = claimAndLoadStatement(db, planId, batch.batchId, actor.name, batch.entries);
        load = built.load;
        return built.statement;
      },
      answer: progressAnswer,
    },
  );
}

/** What the claim-and-read statement says besides the snapshot. */
export interface PushClaim {
  plan: boolean;
  /** This transaction holds the batch id (its row inserted, committed with the answer). */
  claimed: boolean;
  /** The batch id's committed row when it was not claimed (a replay): its actor and answer. */
  seen: { actor: string; response: PushResponse | null } | null;
}

type StoredTuple = [string, number, number | null, number | null, string | null, string | null, string | null, string | null];

/** The answer of the claim-and-read statement: one row, each part one JSON value. */
interface ClaimAndLoadRow {
  plan: boolean;
  claimed: boolean;
  seen: [string, PushResponse | null] | null;
  locked: [string, string][] | null;
  months: [string, string][] | null;
  year: number | null;
  yellow: number | null;
  red: number | null;
  version: number;
  targets: TargetTuple[] | null;
  nodes: NodeTuple[] | null;
  stored: StoredTuple[] | null;
}

/** What the claim-and-read statement is scoped to: the batch's items and months, the stored rows storedScope names. */
interface LoadScope {
  itemIds: string[];
  months: string[];
  scope: ReturnType<typeof storedScope>;
  /** The structure the statement reads: the ids push-structure.ts does not hold yet. */
  ask: StructureAsk;
}

/** The earliest month storedScope looks after (null: none, and no later row is read). */
const firstMonth = (scope: LoadScope['scope']) => scope.later.reduce<string | null>((m, l) => (m === null || l.period < m ? l.period : m), null);

/**
 * One statement (issue 13: each statement is a round trip, and in the rush they queue on a shared server):
 * the batch id claimed (insert … on conflict do nothing, only for a live plan) and what decideEntries reads,
 * scoped to the batch's keys — the structure of its items that server/services/push-structure.ts does not
 * hold at the current structure version, the plan's months and the stored rows storedScope names.
 * Every part comes back as one JSON value built by the database: one row to parse, not one per stored row.
 * Every look-up by key is an index probe (server/db/any-of.ts probes), never a scan of the plan's rows.
 *
 * The batch's months are read FOR SHARE: a close (FOR UPDATE, server/services/periods.ts) waits for this
 * push to commit, and a push that starts after a close sees the month closed (issue 15) — the locked read
 * follows the close's update, so it is the month status that counts. The other reads share the
 * statement's snapshot, which may predate that wait or a concurrent duplicate's commit: a stored row read
 * stale is caught by the upsert's version check (a conflict), and an unclaimed batch id is answered from
 * the committed row after this transaction rolls back.
 */
function claimAndLoadSql(planId: string, batchId: string, actorName: string, load: LoadScope) {
  const { months, scope } = load;
  return sql`with claim as (
          insert into batches (plan_id, kind, batch_id, actor)
          select ${planId}, 'progress', ${batchId}, ${actorName}
          where exists (select 1 from plans p where p.id = ${planId} and p.deleted_at is null)
          on conflict do nothing
          returning 1
        ), locked as (
          select p.period, p.status from periods p where p.plan_id = ${planId} and p.period = any(${textArray(months)}) order by p.period for share of p
        ), ${structureCtes(planId, load.ask)}, stored as (
          select p.key, p.version, p.month_done, p.cumulative, p.status, p.progress, p.problems, p.next_steps
          from ${probes(scope.keys, 'p', (key) => sql`select * from progress p where p.plan_id = ${planId} and p.key = ${key}`)}
          union all
          -- Each item's later months are probed only when the plan has a row in a month after the batch's
          -- first (at month-end, usually none: one probe of progress_period_idx ("order by period" makes
          -- the planner take that index rather than scan the plan's rows for one) instead of one per item.
          select l.* from unnest(${textArray(scope.later.map((l) => l.itemId))}, ${textArray(scope.later.map((l) => l.period))}, ${textArray(scope.later.map((l) => l.batchMonths.join(',')))})
            as b(item_id, period, months)
          cross join lateral (
            select p.key, p.version, p.month_done, p.cumulative, p.status, p.progress, p.problems, p.next_steps
            from progress p where p.plan_id = ${planId} and p.item_id = b.item_id and p.period > b.period and p.cumulative is not null
              and p.period <> all(string_to_array(b.months, ','))
            order by p.cumulative, p.period limit 1
          ) l
          where (select p.period from progress p where p.plan_id = ${planId} and p.period > ${firstMonth(scope)} order by p.period limit 1) is not null
        )
        select pl.id is not null and pl.deleted_at is null as plan,
          exists (select 1 from claim) as claimed,
          (select json_build_array(b.actor, b.response) from batches b where b.plan_id = ${planId} and b.kind = 'progress' and b.batch_id = ${batchId}) as seen,
          (select json_agg(json_build_array(l.period, l.status)) from locked l) as locked,
          (select json_agg(json_build_array(q.period, q.status)) from periods q where q.plan_id = ${planId}) as months,
          pl.year, s.yellow_points as yellow, s.red_points as red,
          ${structureColumns(planId)},
          (select json_agg(json_build_array(x.key, x.version, x.month_done, x.cumulative, x.status, x.progress, x.problems, x.next_steps)) from stored x) as stored
        from (select 1) one left join plans pl on pl.id = ${planId} left join month_settings s on s.plan_id = pl.id`;
}

function readClaim(row: ClaimAndLoadRow | undefined): PushClaim {
  return {
    plan: !!row?.plan,
    claimed: !!row?.claimed,
    seen: row?.seen ? { actor: row.seen[0], response: row.seen[1] } : null,
  };
}

/** Every month's status, the batch's months as the locked read saw them (the one that counts). */
function readPeriods(row: ClaimAndLoadRow | undefined): Map<string, string> {
  const periodStatus = new Map<string, string>(row?.months ?? []);
  for (const [period, status] of row?.locked ?? []) periodStatus.set(period, status);
  return periodStatus;
}

/** The stored rows by key. */
function readStored(tuples: readonly StoredTuple[]): Map<string, StoredRow> {
  const stored = new Map<string, StoredRow>();
  for (const [key, version, monthDone, cumulative, status, progress, problems, nextSteps] of tuples) {
    stored.set(key, { version, values: { monthDone, cumulative, status: status as ProgressStatus | null, progress, problems, nextSteps } });
  }
  return stored;
}

/** The claim-and-read statement for a batch, and what it is scoped to (test/server/push-scope.test.ts explains it). */
export function claimAndLoadStatement(db: Db, planId: string, batchId: string, actorName: string, entries: readonly { key: string }[]) {
  const parsed = entries.map((e) => parseProgressKey(e.key)).filter((k) => k !== null);
  const itemIds = [...new Set(parsed.map((k) => k.itemId))];
  const load: LoadScope = {
    itemIds,
    months: [...new Set(parsed.map((k) => k.period))],
    scope: storedScope(entries),
    ask: structureAsk(db, planId, itemIds),
  };
  return { load, statement: claimAndLoadSql(planId, batchId, actorName, load) };
}

/** The claim-and-read statement's answer for a batch (claimAndLoadSql says what it reads and why). */
function readClaimAndLoad(db: Db, planId: string, load: LoadScope, row: ClaimAndLoadRow | undefined): { claim: PushClaim; snapshot: PushSnapshot } {
  const read = { version: Number(row?.version ?? 0), targets: row?.targets ?? [], nodes: row?.nodes ?? [] };
  const { items, docUnits, assigned } = batchStructure(db, planId, load.itemIds, load.ask, read);
  const year = row?.year;
  return {
    claim: readClaim(row),
    snapshot: {
      items,
      who: (taskId) => assignmentOf({ id: taskId, units: docUnits.get(taskId) }, assigned),
      periods: readPeriods(row),
      stored: readStored(row?.stored ?? []),
      // A yellow or red row without 存在问题/下步计划 is refused at push, as 滞后 is (LIGHT_NEEDS_*); 报送
      // still re-checks (model/submission.ts) for rows stored before the rule or under other thresholds.
      timeProgress: (period) => timeProgress(period, year),
      lights: row?.yellow != null && row.red != null ? { yellow: Number(row.yellow), red: Number(row.red) } : DEFAULT_LIGHTS,
    },
  };
}

async function applyEntries(
  tx: Tx,
  actor: Actor,
  planId: string,
  batch: PushBatch,
  claim: BatchClaim,
  { claim: claimed, snapshot }: { claim: PushClaim; snapshot: PushSnapshot },
): Promise<PushResponse> {
  const pushActor: PushActor = { role: actor.role, unit: actor.unit?.name ?? null };
  if (!claimed.plan) throw new NotFoundError(`找不到计划：${planId}`);
  if (!claimed.claimed) throw new Replay(claimed.seen);
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
    lost.push(
      ...(await upsertWithAudit(
        tx,
        planId,
        actor.name,
        now,
        batch.batchId,
        writes.slice(i, i + CHUNK),
        old,
        last ? JSON.stringify(storedForm(response)) : null,
      )),
    );
    if (last) claim.stored = true;
  }
  if (lost.length) {
    claim.stored = false;
    for (const r of await storedByKeys(tx, planId, lost)) {
      results[writeIndex.get(r.key)!] = { key: r.key, outcome: 'conflict', version: r.version, values: valuesOf(r) };
    }
  }
  return response;
}
