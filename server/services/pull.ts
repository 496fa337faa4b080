// Pull: entries changed since a cursor, without ever skipping a row that committed late.
//
// Every write stores its transaction id (progress.txid). A pull's cursor is the snapshot taken before it
// read: its xmax and the transactions still running then (xip). Every other transaction below xmax had
// finished, so everything it wrote was visible to this pull; the next pull returns rows with txid ≥ xmax
// or txid in that running set. Nothing can be missed, and a transaction left open elsewhere on the
// server (another database, a long report) no longer makes every later pull return the same rows again.
// When too many were running the cursor falls back to the snapshot's xmin (rows may then come twice;
// clients compare versions). Pages within one pull keep their filter and add a (txid, key) position.
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ChangedEntry } from '../../model/sync';
import { rowsOf, type Db } from '../db/connect';
import { valuesOf } from './push';
import { AppError } from '../../model/errors';

export class CursorError extends AppError {
  constructor() {
    super('BAD_CURSOR', 400, '同步游标无效，请不带 since 参数重新拉取');
  }
}

/** At most this many running transactions are kept in a cursor (it is sent back on every pull). */
const MAX_OPEN = 64;
const Txid = z.number().int().nonnegative().refine(Number.isSafeInteger);
/** Where a pull starts: rows with txid ≥ since, or txid in open (transactions running when it was taken). */
const Point = z.object({ since: Txid, open: z.array(Txid).max(MAX_OPEN).optional() }).strict();
type Point = z.infer<typeof Point>;
/** The cursor, with names; cursors given out before (one-letter keys, or `xmin`) are still read. */
const Cursor = z.union([
  z
    .object({
      since: Txid,
      open: z.array(Txid).max(MAX_OPEN).optional(),
      next: Point.optional(), // where to continue once this pull's pages are done
      xmin: Txid.optional(), // the same, as cursors before `next` wrote it
      after: z.object({ txid: Txid, key: z.string() }).optional(), // paging position: after (txid, key)
    })
    .strict()
    .refine((c) => !c.after || c.next !== undefined || c.xmin !== undefined)
    .transform(({ xmin, next, ...c }) => ({ ...c, next: next ?? (xmin !== undefined ? { since: xmin } : undefined) })),
  z
    .object({ s: Txid, x: Txid.optional(), t: Txid.optional(), k: z.string().optional() })
    .strict()
    .refine((c) => c.t === undefined || (c.k !== undefined && c.x !== undefined))
    .transform((c) => ({
      since: c.s,
      open: undefined,
      next: c.x !== undefined ? { since: c.x } : undefined,
      after: c.t !== undefined ? { txid: c.t, key: c.k! } : undefined,
    })),
]);
type Cursor = z.infer<typeof Cursor>;

const encode = (c: Point & { next?: Point; after?: { txid: number; key: string } }) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(text: string | undefined): Cursor {
  if (!text) return { since: 0, next: undefined };
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

/**
 * A snapshot taken now, as a pull's starting point: its xmax plus the transactions still running. With
 * more than MAX_OPEN running (a cursor stays small), the snapshot's xmin instead.
 */
async function snapshotPoint(db: Db): Promise<Point> {
  const [r] = await rowsOf<{ xmin: number; xmax: number; open: number[] | string }>(
    db,
    sql`select (pg_snapshot_xmin(s)::text::bigint)::float8 as xmin, (pg_snapshot_xmax(s)::text::bigint)::float8 as xmax,
               coalesce((select array_agg(x::text::bigint::float8 order by x) from pg_snapshot_xip(s) x limit ${MAX_OPEN + 1}), '{}') as open
        from pg_current_snapshot() s`,
  );
  const open = (typeof r.open === 'string' ? r.open.replace(/[{}]/g, '').split(',').filter(Boolean) : r.open).map(Number);
  if (open.length > MAX_OPEN) return { since: r.xmin };
  return open.length ? { since: r.xmax, open } : { since: r.xmax };
}

/**
 * A cursor for "from now on", taken BEFORE a client reads the current rows (GET …/rows): a pull with it
 * returns whatever changes from then on — and whatever was still in flight — without the whole history.
 */
export async function cursorNow(db: Db): Promise<string> {
  return encode(await snapshotPoint(db));
}

/** A PostgreSQL text[] literal: every element double-quoted, `"` and `\` escaped. */
const textArray = (xs: string[]) => `{${xs.map((x) => `"${x.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

type Row = {
  key: string;
  txid: number;
  version: number;
  month_done: number | null;
  cumulative: number | null;
  status: string | null;
  progress: string | null;
  problems: string | null;
  next_steps: string | null;
  updated_by: string;
  updated_at: string;
};

/** updated_at as Date.prototype.toISOString() prints it (milliseconds, UTC, Z). */
const ISO = sql.raw(`to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/** PGlite runs in this process: handing rows from its WebAssembly heap to JS costs more than the rows. */
const inProcess = (db: Db) => (db as unknown as { $client?: unknown }).$client instanceof PGlite;

/**
 * `onlyItems`: a unit-bound reader's items (server/services/visibility.ts); others' changes are left out.
 * The answer is the JSON text of a PullResponse (the route sends it as it is). Field order and formats
 * are those of ChangedEntry (valuesOf; updatedAt as toISOString()). Issue 13, measured on this machine:
 * on PGlite the page's JSON is built by the database in one statement (0.6× the time of rows mapped in
 * JS); on PostgreSQL mapping the rows in JS is faster than the server's json_agg, so it stays that way.
 */
export async function pullChangesJson(db: Db, planId: string, since: string | undefined, limit = 1000, onlyItems?: string[] | null): Promise<string> {
  const cursor = decode(since);
  // Taken before the read: anything not yet finished now is ≥ its xmax or in its running set.
  const next = cursor.next ?? (await snapshotPoint(db));
  const from = cursor.open?.length
    ? sql`(txid >= ${cursor.since}::bigint or txid = any(${`{${cursor.open.join(',')}}`}::bigint[]))`
    : sql`txid >= ${cursor.since}::bigint`;
  const after = cursor.after ? sql`and (txid, key) > (${cursor.after.txid}::bigint, ${cursor.after.key})` : sql``;
  // One array parameter, not one parameter per item (a unit may own thousands of items).
  const only = onlyItems ? (onlyItems.length ? sql`and item_id = any(${textArray(onlyItems)}::text[])` : sql`and false`) : sql``;
  const page = sql`select key, txid, version, month_done, cumulative, status, progress, problems, next_steps, updated_by, updated_at
                   from progress where plan_id = ${planId} and ${from} ${after} ${only}
                   order by txid, key limit ${limit + 1}`;
  let entries: string;
  let n: number;
  let last: { txid: number; key: string } | null = null;
  if (inProcess(db)) {
    const [r] = await rowsOf<{ entries: string; n: number; last_txid: number | null; last_key: string | null }>(
      db,
      sql`with page as (select *, row_number() over (order by txid, key) as n from (${page}) p)
          select coalesce(json_agg(json_build_object(
                   'key', key, 'version', version,
                   'values', json_build_object('monthDone', month_done, 'cumulative', cumulative, 'status', status,
                                               'progress', progress, 'problems', problems, 'nextSteps', next_steps),
                   'updatedBy', updated_by,
                   'updatedAt', ${ISO})
                 order by n) filter (where n <= ${limit}), '[]')::text as entries,
                 count(*)::int as n,
                 (max(txid) filter (where n = ${limit}))::float8 as last_txid,
                 max(key) filter (where n = ${limit}) as last_key
          from page`,
    );
    entries = r.entries;
    n = r.n;
    if (r.last_key !== null) last = { txid: r.last_txid!, key: r.last_key };
  } else {
    // updatedAt formatted by the database (C) rather than parsed into a Date and printed again in JS.
    const rows = await rowsOf<Row>(
      db,
      sql`select key, txid::float8 as txid, version, month_done, cumulative, status, progress, problems, next_steps, updated_by, ${ISO} as updated_at from (${page}) p`,
    );
    n = rows.length;
    const kept = n > limit ? rows.slice(0, limit) : rows;
    entries = JSON.stringify(
      kept.map((r): ChangedEntry => ({
        key: r.key,
        version: r.version,
        values: valuesOf({
          monthDone: r.month_done,
          cumulative: r.cumulative,
          status: r.status,
          progress: r.progress,
          problems: r.problems,
          nextSteps: r.next_steps,
        }),
        updatedBy: r.updated_by,
        updatedAt: r.updated_at,
      })),
    );
    if (n > limit) last = { txid: kept[limit - 1].txid, key: kept[limit - 1].key };
  }
  const hasMore = n > limit;
  const here: Point = cursor.open?.length ? { since: cursor.since, open: cursor.open } : { since: cursor.since };
  const out = hasMore ? { ...here, next, after: { txid: last!.txid, key: last!.key } } : next;
  return `{"entries":${entries},"cursor":${JSON.stringify(encode(out))},"hasMore":${hasMore}}`;
}
