// Pull: entries changed since a cursor, without ever skipping a row that committed late.
//
// Every write stores its transaction id (progress.txid). A pull's cursor is the snapshot taken before it
// read: its xmax and the transactions still running then (xip). Every other transaction below xmax had
// finished, so everything it wrote was visible to this pull; the next pull returns rows with txid ≥ xmax
// or txid in that running set. Nothing can be missed, and a transaction left open elsewhere on the
// server (another database, a long report) no longer makes every later pull return the same rows again.
// When too many were running the cursor falls back to the snapshot's xmin (rows may then come twice;
// clients compare versions). Pages within one pull keep their filter and add a (txid, key) position.
import { sql, type SQL } from 'drizzle-orm';
import type pg from 'pg';
import { z } from 'zod';
import { anyText } from '../db/any-of';
import { copyRows } from '../db/copy-rows';
import { poolOf, rowsOf, type Db } from '../db/connect';
import { progress } from '../db/schema';
import { AppError } from '../../model/errors';
import { PULL_COLUMNS } from '../../model/sync';
import { NotFoundError } from './plans';

export class CursorError extends AppError {
  constructor() {
    super('BAD_CURSOR', 400, '同步游标无效，请不带 since 参数重新拉取');
  }
}

/** At most this many running transactions are kept in a cursor (it is sent back on every pull). */
const MAX_OPEN = 64;
const Txid = z.number().int().nonnegative().refine(Number.isSafeInteger);
/** An entry's key as a paging position: text PostgreSQL can hold (no NUL). */
const Key = z
  .string()
  .max(500)
  .refine((k) => !k.includes('\0'));
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
      after: z.object({ txid: Txid, key: Key }).optional(), // paging position: after (txid, key)
    })
    .strict()
    .refine((c) => !c.after || c.next !== undefined || c.xmin !== undefined)
    .transform(({ xmin, next, ...c }) => ({ ...c, next: next ?? (xmin !== undefined ? { since: xmin } : undefined) })),
  z
    .object({ s: Txid, x: Txid.optional(), t: Txid.optional(), k: Key.optional() })
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

/** A page's entries as objects (PullResponse) or as arrays of values (PullRowsResponse, model/sync.ts). */
export type PullFormat = 'entries' | 'rows';
const ENTRIES_HEAD = Buffer.from('{"entries":[');
const ROWS_HEAD = Buffer.from(`{"columns":${JSON.stringify(PULL_COLUMNS)},"rows":[`);

/** What the page's statement says besides the rows: the plan exists, and the statement's own snapshot. */
type Head = { found: boolean; xmin: number; xmax: number; open: number[] | null };
const toPoint = (h: Head): Point => {
  const open = h.open ?? [];
  if (open.length > MAX_OPEN) return { since: h.xmin };
  return open.length ? { since: h.xmax, open } : { since: h.xmax };
};

/** What a page's statement gives: its head, the rows it found (up to limit + 1), the last one sent, the entries. */
interface PageRead {
  h: Head;
  n: number;
  last: { txid: number; key: string } | null;
  /** The entries' JSON with commas between them: its length, and how to write it where the answer holds it. */
  entries: { size: number; writeAt(target: Buffer, at: number): void };
}

/** PGlite runs in this process: handing rows from its WebAssembly heap to JS costs more than the rows, so the database joins the page (also for a PostgreSQL transaction, which has no pool for the COPY). */
async function readPageInDatabase(db: Db, head: SQL, page: SQL, limit: number): Promise<PageRead> {
  const [r] = await rowsOf<Head & { entries: string | null; n: number; last_txid: number | null; last_key: string | null }>(
    db,
    sql`with ${head}, page as materialized (select txid, key, entry, row_number() over (order by txid, key) as n from (${page}) p)
        select found, xmin, xmax, open,
               (select string_agg(entry, ',' order by n) from page where n <= ${limit}) as entries,
               (select count(*)::int from page) as n,
               (select txid::float8 from page where n = ${limit}) as last_txid,
               (select key from page where n = ${limit}) as last_key
        from head`,
  );
  const text = r.entries ?? '';
  return {
    h: { found: r.found, xmin: Number(r.xmin), xmax: Number(r.xmax), open: r.open?.map(Number) ?? null },
    n: r.n,
    last: r.last_key !== null ? { txid: Number(r.last_txid), key: r.last_key } : null,
    entries: { size: Buffer.byteLength(text), writeAt: (target, at) => void target.write(text, at) },
  };
}

/**
 * PostgreSQL: the head as one more row (txid null, its JSON in the entry column), then the page's rows, each
 * as [txid, key, its entry's JSON], read as bytes (server/db/copy-rows.ts): the entries' UTF-8 goes out as
 * it came in, never decoded.
 */
async function readPageAsBytes(pool: pg.Pool, head: SQL, page: SQL, limit: number): Promise<PageRead> {
  const rows = await copyRows(
    pool,
    sql`with ${head}
        select null::bigint, null::text, json_build_object('found', found, 'xmin', xmin, 'xmax', xmax, 'open', open)::text
        from head
        union all (select txid, key, entry from (${page}) p)`,
  );
  let at = 0; // Append keeps its inputs' order: the head comes first, but it is found wherever it is
  while (at < rows.count && rows.length(at, 0) !== -1) at++;
  const n = rows.count - 1;
  // The page's rows without the head, in order; `limit` of them are sent, one more says there are more.
  const row = (i: number) => (i < at ? i : i + 1);
  const kept = Math.min(n, limit);
  let size = Math.max(kept - 1, 0);
  for (let i = 0; i < kept; i++) size += rows.length(row(i), 2);
  return {
    h: JSON.parse(rows.text(at, 2)!) as Head,
    n,
    last: n > limit ? { txid: rows.int8(row(limit - 1), 0)!, key: rows.text(row(limit - 1), 1)! } : null,
    entries: {
      size,
      writeAt(target, to) {
        for (let i = 0; i < kept; i++) {
          if (i) target[to++] = 0x2c; // ,
          to += rows.copyField(row(i), 2, target, to);
        }
      },
    },
  };
}

/**
 * `format`: 'entries' (a PullResponse) or 'rows' (a PullRowsResponse: each entry as an array of values).
 * `onlyItems`: a unit-bound reader's items (server/services/visibility.ts); others' changes are left out.
 * The answer is the page's JSON as UTF-8 bytes (the route sends them as they are); throws NotFoundError
 * for a missing or deleted plan. Issue 13: one statement checks the plan, takes the snapshot and reads the
 * page. The snapshot is the statement's own (pg_current_snapshot() is the active snapshot), so the cursor
 * it gives is exactly what this read could not see. Each row's JSON is stored with it in both formats
 * (progress.entry and entry_row, built by the database when the row is written); the page is read by
 * readPageInDatabase (PGlite) or readPageAsBytes (PostgreSQL's pool).
 */
export async function pullChangesJson(
  db: Db,
  planId: string,
  since: string | undefined,
  limit = 1000,
  onlyItems?: string[] | null,
  format: PullFormat = 'entries',
): Promise<Buffer<ArrayBuffer>> {
  const cursor = decode(since);
  const from = cursor.open?.length
    ? sql`(txid >= ${cursor.since}::bigint or txid = any(${`{${cursor.open.join(',')}}`}::bigint[]))`
    : sql`txid >= ${cursor.since}::bigint`;
  const after = cursor.after ? sql`and (txid, key) > (${cursor.after.txid}::bigint, ${cursor.after.key})` : sql``;
  // One array parameter, not one parameter per item (a unit may own thousands of items).
  const only = onlyItems ? (onlyItems.length ? sql`and ${anyText(progress.itemId, onlyItems)}` : sql`and false`) : sql``;
  const head = sql`head as materialized (
      select exists(select 1 from plans where id = ${planId} and deleted_at is null) as found,
             (pg_snapshot_xmin(s)::text::bigint)::float8 as xmin, (pg_snapshot_xmax(s)::text::bigint)::float8 as xmax,
             (select array_agg(x::text::bigint::float8 order by x) from (select x from pg_snapshot_xip(s) x limit ${MAX_OPEN + 1}) x) as open
      from pg_current_snapshot() s)`;
  const page = sql`select txid, key, ${format === 'rows' ? sql`entry_row` : sql`entry`} as entry from progress
                   where plan_id = ${planId} and ${from} ${after} ${only} and (select found from head)
                   order by txid, key limit ${limit + 1}`;
  // A pool: PostgreSQL's own connection for the COPY. PGlite, or a transaction's one connection: the join in the database.
  const pool = poolOf(db);
  const { h, n, last, entries } = await (pool ? readPageAsBytes(pool, head, page, limit) : readPageInDatabase(db, head, page, limit));
  if (!h.found) throw new NotFoundError(`找不到计划：${planId}`);
  // A later page keeps the first page's starting point for what follows; the first page takes its own.
  const next = cursor.next ?? toPoint(h);
  const hasMore = n > limit;
  const here: Point = cursor.open?.length ? { since: cursor.since, open: cursor.open } : { since: cursor.since };
  const out = hasMore ? { ...here, next, after: { txid: last!.txid, key: last!.key } } : next;
  // The answer in one buffer: its head, the entries copied straight in, its tail.
  const opening = format === 'rows' ? ROWS_HEAD : ENTRIES_HEAD;
  const tail = Buffer.from(`],"cursor":${JSON.stringify(encode(out))},"hasMore":${hasMore}}`);
  const answer = Buffer.allocUnsafe(opening.length + entries.size + tail.length);
  opening.copy(answer, 0);
  entries.writeAt(answer, opening.length);
  tail.copy(answer, opening.length + entries.size);
  return answer;
}
