// A transaction whose first statement goes with its BEGIN (issue 13).
//
// drizzle's transaction sends BEGIN as a round trip of its own. In the month-end rush every round trip
// to PostgreSQL is a socket write that wakes a backend, and a push's statements are few (BEGIN, the
// claim-and-read, the upsert, COMMIT), so BEGIN alone was a fifth of them. Here the first statement
// travels with it as one simple query ("begin; …"); a simple query takes no bind parameters, so its values
// go in as literals (inlineSql). PGlite runs in this process, where a round trip costs nothing: there,
// and inside another transaction, it is drizzle's transaction, the first statement prepared once on
// PGlite (preparedRows).
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { poolOf, type Db } from './connect';
import { inlineSql, preparedRows } from './prepared';
import * as schema from './schema';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** One drizzle handle per pooled connection (the pool keeps its connections; a handle costs a schema walk). */
const handles = new WeakMap<pg.PoolClient, Db>();

function handleOf(client: pg.PoolClient): Db {
  let h = handles.get(client);
  if (!h) handles.set(client, (h = drizzle(client, { schema }) as unknown as Db));
  return h;
}

/**
 * Runs `work` in one transaction opened by `first`: work gets the transaction and the first statement's
 * rows. Committed when work returns, rolled back when it throws (or when `first` fails).
 */
export async function openedTransaction<T, Row>(db: Db, first: SQL, work: (tx: Tx, rows: Row[]) => Promise<T>): Promise<T> {
  const pool = poolOf(db);
  // PGlite, or `db` already a transaction (a workbook confirm runs a target batch inside its own): drizzle's
  // transaction (a savepoint inside another one), the first statement as its first query.
  if (!pool) return db.transaction(async (tx) => work(tx, await preparedRows<Row>(db, tx, first)));
  const text = `begin; ${inlineSql(first)}`;
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const results = (await client.query(text)) as unknown as pg.QueryResult[];
    const result = await work(handleOf(client) as unknown as Tx, results[1].rows as Row[]);
    await client.query('commit');
    return result;
  } catch (err) {
    // A connection that cannot even roll back is not handed to the next query.
    await client.query('rollback').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    client.release(broken);
  }
}
