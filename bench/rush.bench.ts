// Month-end rush (issue 13): 50 units with reporter tokens, 100–200 entries each, all pushing at once over
// HTTP, against a raw drizzle upsert of the same rows (50 concurrent transactions, the same pool) in the
// same process and database. Rounds interleave subject and baseline. Goals: ≥ 0.7× the raw upsert's
// rows/s, p99 < 3 s per push, 0 failed requests, every row present exactly once afterwards.
import { sql } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rowsOf, type Db } from '../server/db/connect';
import { assignments, progress, units } from '../server/db/schema';
import { pgReachable } from '../test/helpers/db';
import { samplePlan } from '../test/helpers/plan';
import { startTestServer } from '../test/helpers/server';
import { median } from './measure';

const UNITS = 50;
const TASKS = 10_000;
const ROUNDS = 3;
const itemOf = (i: number) => (i % 2 === 1 ? `t${i}-m1` : i % 4 === 0 ? `t${i}-m2` : `t${i}`);
/** Unit u leads tasks i ≡ u (mod 50); it reports on the first 100–200 of them. */
const countOf = (u: number) => 100 + ((u * 37) % 101);
const tasksOf = (u: number) => Array.from({ length: countOf(u) }, (_, k) => k * UNITS + u + 1);
// Every row carries 存在问题/下步计划: a row behind 序时进度 needs them (issue 10), as real month-end rows do.
const fieldsOf = (i: number) => ({
  monthDone: i % 7,
  cumulative: (i % 7) + 10,
  status: '推进中',
  progress: `第${i}项按计划推进`,
  problems: '征地拆迁进度偏慢',
  nextSteps: '加快推进征地拆迁',
});
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

async function run(kind: 'pglite' | 'pg') {
  // PGlite keeps its files in a data folder, as `npm start` runs it: in memory its file system copies a
  // whole table file each time the file grows, a cost the deployed service does not have.
  const dataDir = kind === 'pglite' ? mkdtempSync(join(tmpdir(), 'qingdan-rush-')) : undefined;
  const server = await startTestServer({ db: kind, dataDir, plans: [samplePlan({ id: 'rush', tasks: TASKS, sections: 20 })] });
  const db: Db = server.database.db;
  const tokens: string[] = [];
  for (let u = 0; u < UNITS; u++) tokens.push(await server.reporterToken(`单位${u + 1}`));
  const unitRows = await db.select({ id: units.id, name: units.name }).from(units);
  const unitId = new Map(unitRows.map((r) => [r.name, r.id]));
  const rows = [];
  for (let u = 0; u < UNITS; u++)
    for (let k = 0; u + 1 + k * UNITS <= TASKS; k++)
      rows.push({ planId: 'rush', taskId: `t${k * UNITS + u + 1}`, unitId: unitId.get(`单位${u + 1}`)!, role: 'lead', ord: 0 });
  for (let i = 0; i < rows.length; i += 2000) await db.insert(assignments).values(rows.slice(i, i + 2000));
  const total = Array.from({ length: UNITS }, (_, u) => countOf(u)).reduce((a, b) => a + b, 0);

  const out = { push: [] as number[], raw: [] as number[], latency: [] as number[], failed: 0, notOnce: 0, total };
  const check = async (period: string) => {
    const [c] = await rowsOf<{ n: number; keys: number; v1: number }>(
      db,
      sql`select count(*)::int as n, count(distinct key)::int as keys, count(*) filter (where version = 1)::int as v1 from progress where plan_id = 'rush' and period = ${period}`,
    );
    if (c.n !== total || c.keys !== total || c.v1 !== total) out.notOnce += Math.abs(total - c.v1) || 1;
  };
  const doPush = async (period: string, round: number) => {
    const t0 = performance.now();
    await Promise.all(
      tokens.map(async (token, u) => {
        const body = JSON.stringify({
          batchId: `rush-${kind}-${round}-${u}`,
          entries: tasksOf(u).map((i) => ({ key: `${itemOf(i)}@${period}`, baseVersion: 0, fields: fieldsOf(i) })),
        });
        const t = performance.now();
        try {
          const res = await fetch(`${server.url}/api/v1/plans/rush/progress/batches`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body,
          });
          const json = (await res.json()) as { results?: { outcome: string }[] };
          if (res.status !== 200 || json.results?.some((r) => r.outcome !== 'applied')) {
            out.failed++;
            console.error(`push ${u}: ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
          }
        } catch (err) {
          out.failed++;
          console.error(`push ${u}: ${(err as Error).message}`);
        }
        out.latency.push(performance.now() - t);
      }),
    );
    out.push.push(performance.now() - t0);
    await check(period);
  };
  const doRaw = async (period: string) => {
    const now = new Date();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: UNITS }, (_, u) =>
        db.transaction(async (tx) => {
          const values = tasksOf(u).map((i) => ({
            planId: 'rush',
            key: `${itemOf(i)}@${period}`,
            itemId: itemOf(i),
            period,
            ...fieldsOf(i),
            version: 1,
            updatedBy: 'bench',
            updatedAt: now,
          }));
          await tx
            .insert(progress)
            .values(values)
            .onConflictDoUpdate({
              target: [progress.planId, progress.key],
              set: { cumulative: sql`excluded.cumulative`, version: sql`${progress.version} + 1` },
            });
        }),
      ),
    );
    out.raw.push(performance.now() - t0);
  };
  try {
    for (let r = 0; r < ROUNDS; r++) {
      // Fresh months each round for both sides (pushes 02/04/06, raw 09/10/11; the same figures, so no 累计 rule bites).
      const pushPeriod = `2024-${String(2 * r + 2).padStart(2, '0')}`;
      const rawPeriod = `2024-${String(9 + r).padStart(2, '0')}`;
      if (r % 2 === 0) {
        await doRaw(rawPeriod);
        await doPush(pushPeriod, r);
      } else {
        await doPush(pushPeriod, r);
        await doRaw(rawPeriod);
      }
    }
  } finally {
    await server.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

const lines = [
  `${UNITS} reporter tokens (one unit each, leading ${TASKS / UNITS} tasks of a ${TASKS.toLocaleString('en')}-task plan) push 100–200 entries each (${Array.from(
    { length: UNITS },
    (_, u) => countOf(u),
  )
    .reduce((a, b) => a + b, 0)
    .toLocaleString(
      'en',
    )} rows) all at once over HTTP, vs a raw drizzle upsert of the same rows in ${UNITS} concurrent transactions on the same pool (PGlite with its files in a data folder, as npm start runs it). Median of ${ROUNDS} interleaved rounds; latency over all ${UNITS * ROUNDS} pushes. Goals (issue 13): ≥ 0.7×, p99 < 3 s, 0 failed, rows exactly once.`,
  '',
  '| database | raw upsert rows/s | rush rows/s | ratio | push p50 | push p99 | failed requests | rows not exactly once | goals |',
  '|---|---:|---:|---:|---:|---:|---:|---:|:---:|',
];
// BENCH_DB=pg|pglite runs one of them (profiling).
for (const kind of (['pg', 'pglite'] as const).filter((k) => !process.env.BENCH_DB || process.env.BENCH_DB === k)) {
  if (kind === 'pg' && !pgReachable) {
    lines.push('| PostgreSQL | — | — | — | — | — | — | — | not run: PostgreSQL unreachable |');
    continue;
  }
  const r = await run(kind);
  const rawRate = r.total / (median(r.raw) / 1000);
  const pushRate = r.total / (median(r.push) / 1000);
  const ratio = pushRate / rawRate;
  const p99 = pct(r.latency, 99);
  const pass = ratio >= 0.7 && p99 < 3000 && r.failed === 0 && r.notOnce === 0;
  lines.push(
    `| ${kind === 'pg' ? 'PostgreSQL 15' : 'PGlite 0.5'} | ${rawRate.toFixed(0)} | ${pushRate.toFixed(0)} | ${ratio.toFixed(2)}× | ${pct(r.latency, 50).toFixed(0)} ms | ${p99.toFixed(0)} ms | ${r.failed} of ${UNITS * ROUNDS} | ${r.notOnce} | ${pass ? 'pass' : 'missed'} |`,
  );
  (globalThis as { gc?: () => void }).gc?.();
}
console.log(lines.join('\n'));
