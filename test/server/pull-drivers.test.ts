// The pull's JSON is built by the database on PGlite and in JS on PostgreSQL (server/services/pull.ts):
// the same stored rows must give the client the same bytes on both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { pullChangesJson } from '../../server/services/pull';
import { savePlan } from '../../server/services/plans';
import { databases, type TestDatabase } from '../helpers/db';
import { samplePlan } from '../helpers/plan';

type Values = [number | null, number | null, string | null, string | null, string | null, string | null];
const ROWS: [string, Values][] = [
  ['t1-m1@2024-03', [1, 2, '推进中', '第1项按计划推进，完成阶段目标', '征地拆迁进度偏慢', '加快推进征地拆迁']],
  ['t2@2024-03', [0.1, 12345.678, '滞后', '含"引号"、\\反斜杠\n换行\t制表 and </script>', null, '下一步']],
  ['t3-m1@2024-03', [-2.5, 99999999999999.9, null, 'control \u0001\u001f\u007f, line sep \u2028, emoji 🚧', '', null]],
  ['t4-m2@2024-03', [null, null, null, null, null, null]],
  ['t5-m1@2024-03', [0.0001, 100000000000000, '已完成', '1e5', 'null', '"quoted"']],
];

async function seed(database: TestDatabase, rows: [string, Values][]): Promise<string> {
  const planId = await savePlan(database.db, samplePlan({ tasks: 10 }), 'test');
  // One statement: every row has the same txid on both databases, so both order them by key alone.
  const values = sql.join(
    rows.map(
      ([key, v]) =>
        sql`(${planId}, ${key}, ${key.slice(0, key.indexOf('@'))}, '2024-03', ${v[0]}::float8, ${v[1]}::float8, ${v[2]}, ${v[3]}, ${v[4]}, ${v[5]},
             3, 'admin#1', '2024-03-05 08:09:10.123456+08')`,
    ),
    sql`, `,
  );
  await database.db.execute(
    sql`insert into progress (plan_id, key, item_id, period, month_done, cumulative, status, progress, problems, next_steps, version, updated_by, updated_at)
        values ${values}`,
  );
  return planId;
}

/** The entries of every page, as the text the client receives (the cursors hold each database's txids). */
async function pages(database: TestDatabase, planId: string, limit: number): Promise<string[]> {
  const out: string[] = [];
  let since: string | undefined;
  for (;;) {
    const text = await pullChangesJson(database.db, planId, since, limit);
    out.push(text.slice(0, text.indexOf(',"cursor":')));
    const body = JSON.parse(text) as { cursor: string; hasMore: boolean };
    since = body.cursor;
    if (!body.hasMore) return out;
  }
}

const [lite, pgTarget] = databases();

describe.skipIf(pgTarget.skip)('pull · the same JSON from PGlite and PostgreSQL', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  beforeAll(async () => {
    [a, b] = await Promise.all([lite.open(), pgTarget.open()]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('the same rows give the same bytes, whole and in pages, and they are what JSON.stringify prints', async () => {
    const [pa, pb] = [await seed(a, ROWS), await seed(b, ROWS)];
    const [whole, wholePg] = [await pages(a, pa, 1000), await pages(b, pb, 1000)];
    expect(whole).toEqual(wholePg);
    const [paged, pagedPg] = [await pages(a, pa, 2), await pages(b, pb, 2)];
    expect(paged).toHaveLength(3);
    expect(paged).toEqual(pagedPg);
    // Compact, in ChangedEntry's field order, strings escaped and numbers printed as JSON.stringify does.
    const entries = JSON.parse(`${whole[0]}}`).entries as { key: string; values: object; updatedAt: string }[];
    expect(whole[0]).toBe(`{"entries":${JSON.stringify(entries)}`);
    expect(entries.map((e) => e.key)).toEqual(ROWS.map(([k]) => k).sort());
    const [, v] = ROWS[2];
    expect(entries.find((e) => e.key === ROWS[2][0])!.values).toEqual({
      monthDone: v[0],
      cumulative: v[1],
      status: v[2],
      progress: v[3],
      problems: v[4],
      nextSteps: v[5],
    });
    expect(entries[0].updatedAt).toBe('2024-03-05T00:09:10.123Z');
  });

  it('numbers PostgreSQL prints with an exponent (below 1e-4, from 1e15) read back as the same numbers on both', async () => {
    const rows: [string, Values][] = [['t6@2024-03', [0.00001, 1e15, null, null, null, null]]];
    const [pa, pb] = [await seed(a, rows), await seed(b, rows)];
    const read = async (d: TestDatabase, planId: string) => JSON.parse(await pullChangesJson(d.db, planId, undefined)).entries[0].values;
    expect(await read(a, pa)).toEqual({ monthDone: 0.00001, cumulative: 1e15, status: null, progress: null, problems: null, nextSteps: null });
    expect(await read(b, pb)).toEqual(await read(a, pa));
  });

  it('a missing or deleted plan is a NotFound on both', async () => {
    for (const d of [a, b]) {
      await expect(pullChangesJson(d.db, 'no-such-plan', undefined)).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
      const planId = await seed(d, ROWS.slice(0, 1));
      await d.db.execute(sql`update plans set deleted_at = now() where id = ${planId}`);
      await expect(pullChangesJson(d.db, planId, undefined)).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    }
  });
});
