// Opening the database: embedded PGlite under DATA_DIR (with a lock file so a second process gets a
// clear error instead of corrupting it), or PostgreSQL through a pg Pool when DATABASE_URL is set.
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as schema from './schema';
import { startAutoAnalyze } from './analyze';
import { acquireLock, type Lock } from './lock';
import { ROOT } from '../root';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'pg';
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = join(ROOT, 'drizzle');

/** pg_advisory_lock key of migrations ("qdmigr"). */
const MIGRATE_LOCK = '124814218848626';

export interface OpenOptions {
  /** postgres://… → PostgreSQL; otherwise PGlite. */
  databaseUrl?: string;
  /** PGlite data directory's parent (the data lives in DATA_DIR/pglite); omitted → in memory. */
  dataDir?: string;
  poolSize?: number;
  /** PGlite: analyze stale tables on a timer (server/db/analyze.ts); default true. */
  autoAnalyze?: boolean;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    // 20: in a month-end rush each push holds a connection for its transaction; 10 made pushes queue for one
    // (issue 13, bench/rush.bench.ts), and 20 stays well inside PostgreSQL's default 100 connections.
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 20 });
    // An idle client dropped by the server (restart, pg_terminate_backend) must not crash the process:
    // the pool discards it and the next query opens a new connection.
    pool.on('error', (err) => console.error(`PostgreSQL 连接中断（已丢弃该连接）：${err.message}`));
    // Fail early with the connection error rather than on the first request.
    const client = await pool.connect();
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    // Two processes started at once on an empty database would both create the tables (one fails):
    // the migration runs under a session advisory lock held on this connection.
    try {
      await client.query('select pg_advisory_lock($1::bigint)', [MIGRATE_LOCK]);
      await migratePg(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query('select pg_advisory_unlock($1::bigint)', [MIGRATE_LOCK]).catch(() => {});
      client.release();
    }
    return { db, kind: 'pg', close: () => pool.end() };
  }
  let lock: Lock | undefined;
  let client: PGlite;
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    lock = acquireLock(join(opts.dataDir, 'qingdan.lock'));
    try {
      client = await PGlite.create(join(opts.dataDir, 'pglite'));
    } catch (err) {
      lock.release();
      throw err;
    }
  } else {
    client = await PGlite.create();
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  // No autovacuum in PGlite: without statistics its planner reads a push's rows plan-wide (server/db/analyze.ts).
  const analyze = opts.autoAnalyze === false ? null : startAutoAnalyze(db);
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await analyze?.stop();
      await client.close();
      lock?.release();
    },
  };
}

/** Rows of a raw query on either driver (PGlite and node-postgres both answer {rows}). */
export async function rowsOf<T>(db: Pick<Db, 'execute'>, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** The PostgreSQL pool behind `db`, or null on PGlite or when `db` is a transaction (it holds one connection). */
export function poolOf(db: Db): pg.Pool | null {
  const client = (db as unknown as { $client?: unknown }).$client;
  return client instanceof pg.Pool ? client : null;
}

/** The PGlite instance behind `db` (it runs in this process), or null on PostgreSQL. */
export function pgliteOf(db: Db): PGlite | null {
  const client = (db as unknown as { $client?: unknown }).$client;
  return client instanceof PGlite ? client : null;
}
