// A push reads what its batch names, not the plan (issue 13: the same 150 entries cost 15× more in a
// 50,000-task plan when a statement scanned the plan's nodes, assignments or progress rows). The
// claim-and-read statement is run under EXPLAIN ANALYZE in a plan of 6,000 tasks, every task assigned and
// reported, and the rows its scans of plan tables touch are counted: a batch of 100 entries may touch a few
// hundred (a handful of primary-key probes per entry), a plan-wide scan touches thousands. Counted before
// the tables have statistics (PGlite until its analyzer runs) and after ANALYZE, on both databases.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit } from '../../server/auth/units';
import { rowsOf, type Db } from '../../server/db/connect';
import { assignments, progress } from '../../server/db/schema';
import { claimAndLoadStatement } from '../../server/services/push';
import { savePlan } from '../../server/services/plans';
import { databases, type TestDatabase } from '../helpers/db';
import { samplePlan } from '../helpers/plan';

const TASKS = 6_000;
const UNITS = 60; // unit u leads tasks i ≡ u (mod 60): 100 tasks each
const PLAN_TABLES = new Set(['nodes', 'targets', 'target_revisions', 'assignments', 'units', 'progress', 'periods']);
const itemOf = (i: number) => (i % 2 === 1 ? `t${i}-m1` : i % 4 === 0 ? `t${i}-m2` : `t${i}`);

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Rows the plan's scans of plan tables returned or threw away, per table. */
function rowsTouched(node: PlanNode, into = new Map<string, number>()): Map<string, number> {
  const table = node['Relation Name'];
  if (table && PLAN_TABLES.has(table) && node['Node Type'].includes('Scan')) {
    const perLoop = node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0);
    into.set(table, (into.get(table) ?? 0) + Math.round(perLoop * node['Actual Loops']));
  }
  for (const child of node.Plans ?? []) rowsTouched(child, into);
  return into;
}

async function explainClaim(db: Db, unit: string, period: string): Promise<Map<string, number>> {
  const u = Number(unit.replace('单位', ''));
  const entries = Array.from({ length: 100 }, (_, k) => ({ key: `${itemOf(k * UNITS + u + 1)}@${period}` }));
  const { statement } = claimAndLoadStatement('scope', `scope-${unit}-${period}-0001`, 'bench', entries, { role: 'reporter', unit });
  let plan: PlanNode | undefined;
  // The statement claims the batch id: explained in a transaction that is rolled back.
  await db
    .transaction(async (tx) => {
      const [row] = await rowsOf<{ 'QUERY PLAN': [{ Plan: PlanNode }] | string }>(tx as unknown as Db, sql`explain (analyze, format json) ${statement}`);
      const json = row['QUERY PLAN'];
      plan = (typeof json === 'string' ? JSON.parse(json) : json)[0].Plan;
      throw new Error('rollback');
    })
    .catch((err: Error) => {
      if (err.message !== 'rollback') throw err;
    });
  return rowsTouched(plan!);
}

for (const target of databases()) {
  describe.skipIf(target.skip)(`push scope · ${target.label}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await target.open({ autoAnalyze: false });
      const { db } = database;
      await savePlan(db, samplePlan({ id: 'scope', tasks: TASKS, sections: 30 }), 'test');
      const ids: number[] = [];
      for (let u = 0; u < UNITS; u++) ids.push((await createUnit(db, `单位${u + 1}`, 'test'))!.id);
      const rows = Array.from({ length: TASKS }, (_, k) => ({ planId: 'scope', taskId: `t${k + 1}`, unitId: ids[k % UNITS], role: 'lead', ord: 0 }));
      for (let i = 0; i < rows.length; i += 2000) await db.insert(assignments).values(rows.slice(i, i + 2000));
      // Every item reported in March and May: the stored rows of the plan outnumber any batch's.
      const reported = ['2024-03', '2024-05'].flatMap((period) =>
        Array.from({ length: TASKS }, (_, k) => ({
          planId: 'scope',
          key: `${itemOf(k + 1)}@${period}`,
          itemId: itemOf(k + 1),
          period,
          cumulative: 5,
          version: 1,
          updatedBy: 'test',
        })),
      );
      for (let i = 0; i < reported.length; i += 2000) await db.insert(progress).values(reported.slice(i, i + 2000));
    }, 120_000);
    afterAll(() => database?.close());

    const check = (touched: Map<string, number>) => {
      const total = [...touched.values()].reduce((a, b) => a + b, 0);
      for (const [table, n] of touched) expect(n, `${table}: ${n} rows touched for 100 entries`).toBeLessThan(1_000);
      expect(total, JSON.stringify(Object.fromEntries(touched))).toBeLessThan(2_500);
      // Some scan did happen: the statement did read the batch's tasks, assignments and stored rows.
      expect(touched.get('nodes')).toBeGreaterThanOrEqual(100);
      expect(touched.get('progress')).toBeGreaterThanOrEqual(100);
      expect(touched.get('assignments')).toBeGreaterThanOrEqual(100);
    };

    it('a 100-entry reporter batch touches a few hundred rows of a 6,000-task plan, without statistics', async () => {
      check(await explainClaim(database.db, '单位7', '2024-04'));
    });

    it('and with statistics (after ANALYZE)', async () => {
      await database.db.execute(sql`analyze`);
      check(await explainClaim(database.db, '单位8', '2024-04'));
    });
  });
}
