// A push reads what its batch names, not the plan (issue 13: the same 150 entries cost 15× more in a
// 50,000-task plan when a statement scanned the plan's nodes, assignments or progress rows). The
// claim-and-read statement is run under EXPLAIN ANALYZE in a plan of 6,000 tasks, every task assigned and
// reported, and the rows its scans of plan tables touch are counted: a batch of 100 entries may touch a few
// hundred (a handful of primary-key probes per entry), a plan-wide scan touches thousands. Counted before
// the tables have statistics (PGlite until its analyzer runs) and after ANALYZE, on both databases.
// Then the structure a push keeps (server/services/push-structure.ts): a second push of the same tasks reads
// none of it again, and any write to nodes, targets, revisions, assignments or units makes it read again.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit } from '../../server/auth/units';
import { PgDialect } from 'drizzle-orm/pg-core';
import { rowsOf, type Db } from '../../server/db/connect';
import { preparedRows, sqlLiteral } from '../../server/db/prepared';
import { assignments, progress, units } from '../../server/db/schema';
import { claimAndLoadStatement, pushBatch } from '../../server/services/push';
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

/** Unit u's first 100 tasks (it leads tasks i ≡ u mod 60), in `period`. */
const batchOf = (unit: string, period: string) => {
  const u = Number(unit.replace('单位', ''));
  return Array.from({ length: 100 }, (_, k) => ({ key: `${itemOf((k + 1) * UNITS - UNITS + u)}@${period}` }));
};

async function explainClaim(db: Db, unit: string, period: string): Promise<Map<string, number>> {
  const entries = batchOf(unit, period);
  const { statement } = claimAndLoadStatement(db, 'scope', `scope-${unit}-${period}-0001`, 'bench', entries);
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

/**
 * PGlite runs the claim as a prepared statement (server/db/prepared.ts): run six times (PostgreSQL's five
 * custom plans, then its generic plan), then explained as the push runs it.
 */
async function explainPreparedClaim(db: Db, unit: string, period: string): Promise<{ touched: Map<string, number>; genericPlans: number }> {
  const entries = batchOf(unit, period);
  const { statement } = claimAndLoadStatement(db, 'scope', `scope-${unit}-${period}-0002`, 'bench', entries);
  let plan: PlanNode | undefined;
  let genericPlans = 0;
  await db
    .transaction(async (tx) => {
      for (let k = 0; k < 6; k++) await preparedRows(db, tx as unknown as Db, statement);
      const [prepared] = await rowsOf<{ name: string; generic_plans: number }>(
        tx as unknown as Db,
        sql`select name, generic_plans::int from pg_prepared_statements where statement like '%with claim as%'`,
      );
      genericPlans = prepared.generic_plans;
      const args = new PgDialect().sqlToQuery(statement).params.map(sqlLiteral).join(', ');
      const [row] = await rowsOf<{ 'QUERY PLAN': [{ Plan: PlanNode }] | string }>(
        tx as unknown as Db,
        sql.raw(`explain (analyze, format json) execute ${prepared.name}(${args})`),
      );
      const json = row['QUERY PLAN'];
      plan = (typeof json === 'string' ? JSON.parse(json) : json)[0].Plan;
      throw new Error('rollback');
    })
    .catch((err: Error) => {
      if (err.message !== 'rollback') throw err;
    });
  return { touched: rowsTouched(plan!), genericPlans };
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

    // Only PGlite prepares it (PostgreSQL runs the statement as it is).
    if (target.kind === 'pglite')
      it('run as the prepared statement PGlite runs, its generic plan touches as few', async () => {
        const { touched, genericPlans } = await explainPreparedClaim(database.db, '单位11', '2024-04');
        expect(genericPlans).toBeGreaterThan(0);
        check(touched);
      });

    it('a second push of the same tasks reads none of their structure; any change to it reads it again', async () => {
      const { db } = database;
      const [unit] = await db.select().from(units).where(eq(units.name, '单位9'));
      const actor = { tokenId: 0, role: 'reporter' as const, unit: { id: unit.id, name: unit.name }, name: `${unit.name}#0` };
      const entries = batchOf('单位9', '2024-06').map((e) => ({ ...e, baseVersion: 0, fields: { status: '推进中' as const, progress: '推进' } }));
      const first = await pushBatch(db, actor, 'scope', { batchId: 'scope-structure-0001', entries });
      expect(first.results.filter((r) => r.outcome === 'applied')).toHaveLength(100);
      const structure = (t: Map<string, number>) => (t.get('nodes') ?? 0) + (t.get('targets') ?? 0) + (t.get('assignments') ?? 0);
      expect(structure(await explainClaim(db, '单位9', '2024-07'))).toBe(0);
      // Each table that holds structure, written by a statement that changes nothing a push would see.
      const writes = [
        sql`update nodes set kind = kind where plan_id = 'scope' and id = 't1'`,
        sql`update targets set unit = unit where plan_id = 'scope' and id = 't1-m1'`,
        sql`delete from target_revisions where plan_id = 'scope' and target_id = 'no-such-target'`,
        sql`update assignments set ord = ord where plan_id = 'scope' and task_id = 't1'`,
        sql`update units set name = name where id = ${unit.id}`,
      ];
      for (const write of writes) {
        await db.execute(write);
        expect(structure(await explainClaim(db, '单位9', '2024-07')), String(write.queryChunks[0])).toBeGreaterThanOrEqual(200);
        await pushBatch(db, actor, 'scope', { batchId: `scope-structure-${writes.indexOf(write)}-again`, entries: [] }); // keeps it again
        const refill = await pushBatch(db, actor, 'scope', {
          batchId: `scope-structure-${writes.indexOf(write)}-fill`,
          entries: entries.map((e) => ({ ...e, key: e.key.replace('2024-06', '2024-08'), baseVersion: writes.indexOf(write) })),
        });
        expect(refill.results.every((r) => r.outcome === 'applied')).toBe(true);
        expect(structure(await explainClaim(db, '单位9', '2024-07'))).toBe(0);
      }
      // Progress, audit and batches are no structure: the pushes above wrote them and kept what they read.
    });

    it('the reassigned task is refused at once to the unit that no longer leads it', async () => {
      const { db } = database;
      const [unit] = await db.select().from(units).where(eq(units.name, '单位10'));
      const actor = { tokenId: 0, role: 'reporter' as const, unit: { id: unit.id, name: unit.name }, name: `${unit.name}#0` };
      const [entry] = batchOf('单位10', '2024-09').map((e) => ({ ...e, baseVersion: 0, fields: { progress: '推进' } }));
      expect((await pushBatch(db, actor, 'scope', { batchId: 'scope-reassign-0001', entries: [entry] })).results[0].outcome).toBe('applied');
      const task = entry.key.replace(/-m\d@.*|@.*/, '');
      await db
        .update(assignments)
        .set({ unitId: unit.id + 1 })
        .where(sql`plan_id = 'scope' and task_id = ${task}`);
      const again = await pushBatch(db, actor, 'scope', { batchId: 'scope-reassign-0002', entries: [{ ...entry, baseVersion: 1 }] });
      expect(again.results[0]).toMatchObject({ outcome: 'rejected', errors: [{ code: 'FORBIDDEN_TASK' }] });
    });
  });
}
