// How a progress push's answer is stored for its replays (a batch id is answered once; a retry gets the
// same answer). An applied entry's version and values are exactly what its audit row holds (the same batch,
// the same key). So the stored answer keeps only its key and outcome, and a replay reads the rest from the
// audit. A 150-entry answer is ~8 KB instead of ~30 KB: writing it was a sixth of the push's WebAssembly
// time on PGlite (issue 13). Answers stored in full before this change are read as they are.
import { sql } from 'drizzle-orm';
import type { ProgressValues } from '../../model/progress';
import type { PushResponse, PushResult } from '../../model/sync';
import { probes } from '../db/any-of';
import { rowsOf, type Db } from '../db/connect';

/** An applied result as stored: the rest is in its audit row. */
interface AppliedByAudit {
  key: string;
  outcome: 'applied';
}

type StoredResult = PushResult | AppliedByAudit;
type StoredResponse = Omit<PushResponse, 'results'> & { results: StoredResult[] };

const byAudit = (r: StoredResult): r is AppliedByAudit => r.outcome === 'applied' && !('values' in r);

/** The answer as it is stored. */
export function storedForm(response: PushResponse): StoredResponse {
  return { ...response, results: response.results.map((r) => (r.outcome === 'applied' ? { key: r.key, outcome: 'applied' } : r)) };
}

/** The audit's `new` of a progress write (server/services/push.ts upsertWithAudit writes it). */
type AuditNew = { version: number } & ProgressValues;

/** The answer a stored one stands for: applied entries filled in from the batch's audit rows, one probe each. */
export async function answerFrom(db: Pick<Db, 'execute'>, planId: string, stored: StoredResponse): Promise<PushResponse> {
  const keys = stored.results.filter(byAudit).map((r) => r.key);
  if (!keys.length) return stored as PushResponse;
  const rows = await rowsOf<{ key: string; new: AuditNew }>(
    db,
    sql`select a.entity_id as key, a.new from ${probes(
      keys,
      'a',
      (key) =>
        sql`select entity_id, new from audit a where a.entity = 'progress' and a.entity_id = ${key} and a.plan_id = ${planId} and a.batch_id = ${stored.batchId} limit 1`,
    )}`,
  );
  const written = new Map(rows.map((r) => [r.key, r.new]));
  const results = stored.results.map((r): PushResult => {
    if (!byAudit(r)) return r;
    const row = written.get(r.key);
    // Audit rows are never deleted (backups carry them with the batches): a missing one is a broken database.
    if (!row) throw new Error(`批次 ${stored.batchId} 的审计记录缺少 ${r.key}`);
    const { version, monthDone, cumulative, status, progress, problems, nextSteps } = row;
    return { key: r.key, outcome: 'applied', version, values: { monthDone, cumulative, status, progress, problems, nextSteps } };
  });
  return { ...stored, results };
}
