// Fresh databases for tests: every integration suite runs on PGlite (in memory) and on PostgreSQL.
//
//   import { databases } from '../helpers/db';
//   for (const target of databases()) {
//     describe.skipIf(target.skip)(`push · ${target.label}`, () => {
//       let database: Database;
//       beforeAll(async () => { database = await target.open(); });
//       afterAll(() => database.close());   // PG: also drops the qd_<random> database
//       …
//     });
//   }
//
// PostgreSQL comes from QINGDAN_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test). When it is
// unreachable the PG variant is skipped with the reason in its title — unless CI=true or
// QINGDAN_REQUIRE_PG=1, where importing this module fails loudly.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../server/db/connect';

export const PG_ADMIN_URL = process.env.QINGDAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probe(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

const pgError = await probe();
const pgRequired = process.env.CI === 'true' || process.env.QINGDAN_REQUIRE_PG === '1';
if (pgError && pgRequired) throw new Error(`PostgreSQL is required (CI / QINGDAN_REQUIRE_PG) but unreachable at ${PG_ADMIN_URL}: ${pgError}`);

export const pgReachable = !pgError;

export interface TestDatabase extends Database {
  /** postgres://… of the fresh database (PG only), for a second connection or a child process. */
  url?: string;
}

export interface DatabaseTarget {
  kind: 'pglite' | 'pg';
  label: string;
  /** false, or the reason the variant is skipped (use with describe.skipIf). */
  skip: false | string;
  /** `autoAnalyze: false`: PGlite without its statistics timer (as before it first runs). */
  open(opts?: { poolSize?: number; autoAnalyze?: boolean }): Promise<TestDatabase>;
}

/** A fresh PostgreSQL database qd_<random>, migrated; close() drops it. */
export async function openPgDatabase(opts: { poolSize?: number } = {}): Promise<TestDatabase> {
  const name = `qd_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), poolSize: opts.poolSize });
  return {
    ...database,
    url: url.toString(),
    close: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export function databases(): DatabaseTarget[] {
  return [
    { kind: 'pglite', label: 'PGlite', skip: false, open: (o) => openDatabase({ autoAnalyze: o?.autoAnalyze }) },
    {
      kind: 'pg',
      label: pgError ? `PostgreSQL (SKIPPED: unreachable at ${PG_ADMIN_URL}: ${pgError})` : 'PostgreSQL',
      skip: pgError ? `PostgreSQL unreachable: ${pgError}` : false,
      open: openPgDatabase,
    },
  ];
}
