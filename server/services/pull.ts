// Pull: entries changed since a cursor, without ever skipping a row that committed late.
//
// Every write stores its transaction id (progress.txid). A pull's cursor is the xmin of the snapshot it
// read with: every transaction below xmin had finished, so everything it wrote was visible to this pull;
// anything still running (or later) has txid ≥ xmin and is returned by the next pull. Rows may come
// twice (clients compare versions); none can be missed. Pages within one pull keep their xmin and add
// a (txid, key) position.
import { sql } from 'drizzle-orm';
import type { ChangedEntry, PullResponse } from '../../model/sync';
import { rowsOf, type Db } from '../db/connect';
import { valuesOf } from './push';

export class CursorError extends Error {
  code = 'BAD_CURSOR';
  constructor() {
    super('同步游标无效，请不带 since 参数重新拉取');
  }
}

interface Cursor {
  s: number; // return rows with txid ≥ s
  x?: number; // the xmin to continue from once this pull's pages are done
  t?: number; // paging position: after (t, k)
  k?: string;
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(text: string | undefined): Cursor {
  if (!text) return { s: 0 };
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Number.isSafeInteger(c.s) || c.s < 0) throw new Error();
    if (c.t !== undefined && (!Number.isSafeInteger(c.t) || typeof c.k !== 'string' || !Number.isSafeInteger(c.x))) throw new Error();
    return c;
  } catch {
    throw new CursorError();
  }
}

/** The xmin of a snapshot taken now: every transaction below it has finished. */
async function snapshotXmin(db: Db): Promise<number> {
  return (await rowsOf<{ xmin: number }>(db, sql`select (pg_snapshot_xmin(pg_current_snapshot())::text::bigint)::float8 as xmin`))[0].xmin;
}

/**
 * A cursor for "from now on", taken BEFORE a client reads the current rows (GET …/rows): a pull with it
 * returns whatever changes from then on — and whatever was still in flight — without the whole history.
 */
export async function cursorNow(db: Db): Promise<string> {
  return encode({ s: await snapshotXmin(db) });
}

/** `onlyItems`: a unit-bound reader's items (server/services/visibility.ts); others' changes are left out. */
export async function pullChanges(db: Db, planId: string, since: string | undefined, limit = 1000, onlyItems?: string[] | null): Promise<PullResponse> {
  const cursor = decode(since);
  // Taken before the read: anything not yet finished now has txid ≥ xmin.
  const xmin = cursor.x ?? (await snapshotXmin(db));
  const after = cursor.t !== undefined ? sql`and (txid, key) > (${cursor.t}::bigint, ${cursor.k})` : sql``;
  const only = onlyItems ? (onlyItems.length ? sql`and item_id in (${sql.join(onlyItems.map((i) => sql`${i}`), sql`, `)})` : sql`and false`) : sql``;
  const rows = await rowsOf<{
    key: string; txid: number; version: number; month_done: number | null; cumulative: number | null; status: string | null;
    progress: string | null; problems: string | null; next_steps: string | null; updated_by: string; updated_at: string | Date;
  }>(
    db,
    sql`select key, txid::float8 as txid, version, month_done, cumulative, status, progress, problems, next_steps, updated_by, updated_at
        from progress where plan_id = ${planId} and txid >= ${cursor.s}::bigint ${after} ${only}
        order by txid, key limit ${limit + 1}`,
  );
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  const entries: ChangedEntry[] = page.map((r) => ({
    key: r.key,
    version: r.version,
    values: valuesOf({ monthDone: r.month_done, cumulative: r.cumulative, status: r.status, progress: r.progress, problems: r.problems, nextSteps: r.next_steps }),
    updatedBy: r.updated_by,
    updatedAt: new Date(r.updated_at).toISOString(),
  }));
  const last = page[page.length - 1];
  const next: Cursor = hasMore ? { s: cursor.s, x: xmin, t: last.txid, k: last.key } : { s: xmin };
  return { entries, cursor: encode(next), hasMore };
}
