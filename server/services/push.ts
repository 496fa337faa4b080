// Push: a batch of progress entries → per entry applied | conflict | rejected, exactly once per batchId.
//
// One transaction holds the batch record, the accepted rows and their audit rows. The batch row is
// inserted first: a concurrent duplicate blocks on its primary key until the first commits, then finds
// it and returns the stored answer. Rows are written with one set-based upsert per chunk (unnest arrays) whose WHERE
// re-checks the version, so a concurrent writer that got there first turns our entry into a conflict.
import { and, eq, sql } from 'drizzle-orm';
import { AppError, fieldError } from '../../model/errors';
import { EMPTY_PROGRESS, parseProgressKey, previousPeriod, type ProgressFields, type ProgressStatus, type ProgressValues } from '../../model/progress';
import { validateProgress } from '../../model/rules';
import { takesPart } from '../../model/sheet';
import type { PushBatch, PushResponse, PushResult } from '../../model/sync';
import type { Actor } from '../auth/tokens';
import { rowsOf, type Db } from '../db/connect';
import { batches, periods, progress } from '../db/schema';
import { loadItemIndex } from './items';
import { ensurePlan } from './plans';

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

/**
 * Runs `work` once per batch id: inside one transaction that first claims the batch id. A replay (or a
 * concurrent duplicate, once the first commits) gets the stored answer. Shared with target batches.
 */
export async function oncePerBatch<R extends { batchId: string; replayed: boolean }>(
  db: Db,
  planId: string,
  kind: 'progress' | 'targets',
  batchId: string,
  actor: Actor,
  work: (tx: Tx) => Promise<R>,
): Promise<R> {
  const early = await storedAnswer(db, planId, kind, batchId, actor);
  if (early) return early as unknown as R;
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        const claimed = await tx
          .insert(batches)
          .values({ planId, kind, batchId, actor: actor.name })
          .onConflictDoNothing()
          .returning({ batchId: batches.batchId });
        if (!claimed.length) throw new Replay();
        const response = await work(tx);
        await tx
          .update(batches)
          .set({ response })
          .where(and(eq(batches.planId, planId), eq(batches.kind, kind), eq(batches.batchId, batchId)));
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
  // One array parameter instead of one parameter per key.
  return tx.select().from(progress).where(and(eq(progress.planId, planId), sql`${progress.key} = any(${sql.param(keys)}::text[])`));
}

/**
 * One statement per chunk: the rows travel as column arrays (unnest), the upsert only takes rows whose
 * version is still the one we read, and the audit rows are inserted from what the upsert returned.
 * Returns the keys written.
 */
async function upsertWithAudit(
  tx: Tx,
  planId: string,
  actor: string,
  at: Date,
  batchId: string,
  rows: (typeof progress.$inferInsert)[],
  stored: Map<string, typeof progress.$inferSelect>,
): Promise<string[]> {
  const col = <T>(f: (r: (typeof progress.$inferInsert)) => T) => sql.param(rows.map(f));
  const old = rows.map((r) => {
    const o = stored.get(r.key);
    return o ? JSON.stringify({ version: o.version, ...valuesOf(o) }) : null;
  });
  const result = await rowsOf<{ key: string }>(
    tx as unknown as Db,
    sql`with input as (
          select * from unnest(${col((r) => r.key)}::text[], ${col((r) => r.itemId)}::text[], ${col((r) => r.period)}::text[],
            ${col((r) => r.monthDone ?? null)}::float8[], ${col((r) => r.cumulative ?? null)}::float8[], ${col((r) => r.status ?? null)}::text[],
            ${col((r) => r.progress ?? null)}::text[], ${col((r) => r.problems ?? null)}::text[], ${col((r) => r.nextSteps ?? null)}::text[],
            ${col((r) => r.version)}::int[], ${sql.param(old)}::jsonb[])
          as t(key, item_id, period, month_done, cumulative, status, progress, problems, next_steps, version, old)
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
        )
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
  await ensurePlan(db, planId);
  const index = await loadItemIndex(db, planId);
  return oncePerBatch(db, planId, 'progress', batch.batchId, actor, (tx) => applyEntries(tx, index, actor, planId, batch));
}

async function applyEntries(
  tx: Tx,
  index: Awaited<ReturnType<typeof loadItemIndex>>,
  actor: Actor,
  planId: string,
  batch: PushBatch,
): Promise<PushResponse> {
  const results: PushResult[] = new Array(batch.entries.length);
  const parsed = batch.entries.map((e) => ({ entry: e, key: parseProgressKey(e.key) }));

  // Everything the rules need, read once: period states, stored rows, previous months' 累计.
  const periodRows = await tx.select().from(periods).where(eq(periods.planId, planId));
  const periodStatus = new Map(periodRows.map((p) => [p.period, p.status]));
  const keys = [...new Set(batch.entries.map((e) => e.key))];
  const prevKeys = [...new Set(parsed.flatMap((p) => (p.key ? [`${p.key.itemId}@${previousPeriod(p.key.period)}`] : [])))];
  const stored = new Map((await selectByKeys(tx, planId, [...new Set([...keys, ...prevKeys])])).map((r) => [r.key, r]));

  const seen = new Set<string>();
  const writes: (typeof progress.$inferInsert)[] = [];
  const writeIndex = new Map<string, number>(); // key → entry position
  const newCumulative = new Map<string, number | null>(); // this batch's own values count as "previous"
  const now = new Date();

  parsed.forEach(({ entry, key }, i) => {
    const reject = (code: Parameters<typeof fieldError>[1], field = 'key') => (results[i] = { key: entry.key, outcome: 'rejected', errors: [fieldError(field, code)] });
    if (seen.has(entry.key)) return reject('DUPLICATE_ENTRY');
    seen.add(entry.key);
    const item = key && index.items.get(key.itemId);
    if (!key || !item) return reject('UNKNOWN_KEY');
    if (actor.role === 'reporter') {
      if (!takesPart(index.who(item.taskId), actor.unit?.name ?? '')) return reject('FORBIDDEN_TASK');
    } else if (actor.role !== 'admin') return reject('FORBIDDEN_TASK');
    const status = periodStatus.get(key.period);
    if (!status) return reject('UNKNOWN_PERIOD', 'period');
    const current = stored.get(entry.key);
    const currentVersion = current?.version ?? 0;
    if (entry.baseVersion !== currentVersion && status !== 'closed') {
      return (results[i] = { key: entry.key, outcome: 'conflict', version: currentVersion, values: current ? valuesOf(current) : { ...EMPTY_PROGRESS } });
    }
    const prevKey = `${key.itemId}@${previousPeriod(key.period)}`;
    const previousCumulative = newCumulative.has(prevKey) ? newCumulative.get(prevKey) : stored.get(prevKey)?.cumulative;
    const { values, errors } = validateProgress(entry.fields as ProgressFields, {
      target: item.unit !== undefined ? { unit: item.unit } : undefined,
      current: current ? valuesOf(current) : undefined,
      previousCumulative: previousCumulative ?? null,
      periodClosed: status === 'closed',
    });
    if (errors.length) return (results[i] = { key: entry.key, outcome: 'rejected', errors });
    const version = currentVersion + 1;
    newCumulative.set(entry.key, values.cumulative);
    writeIndex.set(entry.key, i);
    writes.push({ planId, key: entry.key, itemId: key.itemId, period: key.period, ...values, version, updatedBy: actor.name, updatedAt: now });
    results[i] = { key: entry.key, outcome: 'applied', version, values };
  });

  // Sorted so that two concurrent batches lock shared rows in the same order (no deadlock).
  writes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const written = new Set<string>();
  for (let i = 0; i < writes.length; i += CHUNK) {
    for (const key of await upsertWithAudit(tx, planId, actor.name, now, batch.batchId, writes.slice(i, i + CHUNK), stored)) written.add(key);
  }
  const lost = writes.filter((w) => !written.has(w.key)).map((w) => w.key);
  if (lost.length) {
    for (const r of await selectByKeys(tx, planId, lost)) {
      results[writeIndex.get(r.key)!] = { key: r.key, outcome: 'conflict', version: r.version, values: valuesOf(r) };
    }
  }
  return { batchId: batch.batchId, replayed: false, results };
}
