// PGlite has no autovacuum: server/db/analyze.ts gives its planner statistics, so a push reads its stored
// rows by primary key instead of scanning the plan's rows (issue 13).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeIfStale } from '../../server/db/analyze';
import { openDatabase, rowsOf, type Database } from '../../server/db/connect';
import { progress } from '../../server/db/schema';
import { savePlan } from '../../server/services/plans';
import { samplePlan } from '../helpers/plan';

describe('PGlite statistics (analyzeIfStale)', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ autoAnalyze: false }); // this test calls analyzeIfStale itself
    await savePlan(database.db, samplePlan({ id: 'an', tasks: 1000 }), 'test');
    const rows = [];
    for (let i = 1; i <= 1000; i++)
      for (const period of ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06'])
        rows.push({ planId: 'an', key: `t${i}@${period}`, itemId: `t${i}`, period, version: 1, updatedBy: 'test' });
    for (let i = 0; i < rows.length; i += 2000) await database.db.insert(progress).values(rows.slice(i, i + 2000));
  });
  afterAll(() => database.close());

  /** The planner's estimate of the plan's progress rows: ~6,000 with statistics, a guess without. */
  const estimate = async () => {
    const [row] = await rowsOf<{ 'QUERY PLAN': string }>(database.db, sql`explain select * from progress where plan_id = 'an'`);
    return Number(/rows=(\d+)/.exec(row['QUERY PLAN'])![1]);
  };

  it('analyzes the tables whose rows changed by more than 50 + 10 %, then none until they change again', async () => {
    const first = await analyzeIfStale(database.db);
    expect(first).toEqual(expect.arrayContaining(['progress', 'nodes']));
    expect(await estimate()).toBeGreaterThan(5_000);
    expect(await analyzeIfStale(database.db)).toEqual([]);
    const [stats] = await rowsOf<{ n: number }>(database.db, sql`select n_mod_since_analyze::int as n from pg_stat_user_tables where relname = 'progress'`);
    expect(stats.n).toBe(0);
  });

  it('the database opened for the service analyzes on its own (timer), and close waits for it', async () => {
    const other = await openDatabase({});
    try {
      await savePlan(other.db, samplePlan({ id: 'x', tasks: 10 }), 'test');
      await other.db
        .insert(progress)
        .values(
          Array.from({ length: 500 }, (_, i) => ({ planId: 'x', key: `k${i}@2024-01`, itemId: `k${i}`, period: '2024-01', version: 1, updatedBy: 'test' })),
        );
      const deadline = Date.now() + 8_000; // the timer ticks every 2 s
      let n = -1;
      while (Date.now() < deadline) {
        [{ n }] = await rowsOf<{ n: number }>(other.db, sql`select n_mod_since_analyze::int as n from pg_stat_user_tables where relname = 'progress'`);
        if (n === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(n).toBe(0);
    } finally {
      await other.close();
    }
  });
});
