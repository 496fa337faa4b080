// Pull: entries changed since a cursor, without ever skipping a row that committed late.
//
// Every write stores its transaction id (progress.txid). A pull's cursor is the xmin of the snapshot it
// read with: every transaction below xmin had finished, so everything it wrote was visible to this pull;
// anything still running (or later) has txid ≥ xmin and is returned by the next pull. Rows may come
// twice (clients compare versions); none can be missed. Pages within one pull keep their xmin and add
// a (txid, key) position.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ChangedEntry, PullResponse } from '../../model/sync';
import { rowsOf, type Db } from '../db/connect';
import { valuesOf } from './push';
import { AppError } from '../../model/errors';

export class CursorError extends AppError {
  constructor() {
    super('BAD_CURSOR', 400, '同步游标无效，请不带 since 参数重新拉取');
  }
}

const Txid = z.number().int().nonnegative().refine(Number.isSafeInteger);
/** The cursor, with names; the one-letter keys of cursors given out before are still read. */
const Cursor = z.union([
  z
    .object({
      since: Txid, // return rows with txid ≥ since
      xmin: Txid.optional(), // the xmin to continue from once this pull's pages are done
      after: z.object({ txid: Txid, key: z.string() }).optional(), // paging position: after (txid, key)
    })
    .strict()
    .refine((c) => !c.after || c.xmin !== undefined),
  z
    .object({ s: Txid, x: Txid.optional(), t: Txid.optional(), k: z.string().optional() })
    .strict()
    .refine((c) => c.t === undefined || (c.k !== undefined && c.x !== undefined))
    .transform((c) => ({ since: c.s, xmin: c.x, after: c.t !== undefined ? { txid: c.t, key: c.k! } : undefined })),
]);
type Cursor = z.infer<typeof Cursor>;

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(text: string | undefined): Cursor {
  if (!text) return { since: 0 };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError();
  }
  const c = Cursor.safeParse(json);
  if (!c.success) throw new CursorError();
  return c.data;
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
  return encode({ since: await snapshotXmin(db) });
}

/** `onlyItems`: a unit-bound reader's items (server/services/visibility.ts); others' changes are left out. */
export async function pullChanges(db: Db, planId: string, since: string | undefined, limit = 1000, onlyItems?: string[] | null): Promise<PullResponse> {
  const cursor = decode(since);
  // Taken before the read: anything not yet finished now has txid ≥ xmin.
  const xmin = cursor.xmin ?? (await snapshotXmin(db));
  const after = cursor.after ? sql`and (txid, key) > (${cursor.after.txid}::bigint, ${cursor.after.key})` : sql``;
  const only = onlyItems ? (onlyItems.length ? sql`and item_id in (${sql.join(onlyItems.map((i) => sql`${i}`), sql`, `)})` : sql`and false`) : sql``;
  const rows = await rowsOf<{
    key: string; txid: number; version: number; month_done: number | null; cumulative: number | null; status: string | null;
    progress: string | null; problems: string | null; next_steps: string | null; updated_by: string; updated_at: string | Date;
  }>(
    db,
    sql`select key, txid::float8 as txid, version, month_done, cumulative, status, progress, problems, next_steps, updated_by, updated_at
        from progress where plan_id = ${planId} and txid >= ${cursor.since}::bigint ${after} ${only}
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
  const next: Cursor = hasMore ? { since: cursor.since, xmin, after: { txid: last.txid, key: last.key } } : { since: xmin };
  return { entries, cursor: encode(next), hasMore };
}
