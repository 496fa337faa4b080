// A push costs what its batch costs, not what the plan costs (issue 13): the same 150 entries pushed over
// HTTP into 1,000-, 10,000- and 50,000-task plans. Goal: at 50,000 within 1.5× of 1,000. The baseline in
// each plan is a raw drizzle upsert of the same 150 rows (same process and database).
import { sql } from 'drizzle-orm';
import type { Db } from '../server/db/connect';
import { progress } from '../server/db/schema';
import { pgReachable } from '../test/helpers/db';
import { samplePlan } from '../test/helpers/plan';
import { startTestServer } from '../test/helpers/server';
import { median } from './measure';

const SIZES = [1_000, 10_000, 50_000];
const ENTRIES = 150;
const ROUNDS = 7;
const itemOf = (i: number) => (i % 2 === 1 ? `t${i}-m1` : i % 4 === 0 ? `t${i}-m2` : `t${i}`);

async function run(kind: 'pglite' | 'pg', tasks: number) {
  const server = await startTestServer({ db: kind, plans: [samplePlan({ id: 'size', tasks, sections: 20 })] });
  const db: Db = server.database.db;
  const push: number[] = [];
  const raw: number[] = [];
  let ok = true;
  try {
    for (let r = 0; r < ROUNDS + 1; r++) {
      // Items spread over the plan; a fresh month per round for each side (months 01–08 push, raw in 2025).
      const period = `2024-${String(r + 1).padStart(2, '0')}`;
      const picks = Array.from({ length: ENTRIES }, (_, k) => 1 + ((Math.floor((k * tasks) / ENTRIES) + r) % tasks));
      const body = JSON.stringify({
        batchId: `size-${kind}-${tasks}-${r}`,
        entries: picks.map((i) => ({
          key: `${itemOf(i)}@${period}`,
          baseVersion: 0,
          fields: { monthDone: 1, cumulative: 10, progress: '按计划推进', problems: '征地拆迁进度偏慢', nextSteps: '加快推进征地拆迁' },
        })), // texts: a row behind 序时进度 needs them
      });
      let t = performance.now();
      const res = await fetch(`${server.url}/api/v1/plans/size/progress/batches`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
        body,
      });
      const json = (await res.json()) as { results: { outcome: string }[] };
      const ms = performance.now() - t;
      if (json.results?.filter((x) => x.outcome === 'applied').length !== ENTRIES) ok = false;
      const rawPeriod = `2025-${String(r + 1).padStart(2, '0')}`;
      t = performance.now();
      await db
        .insert(progress)
        .values(
          picks.map((i) => ({
            planId: 'size',
            key: `${itemOf(i)}@${rawPeriod}`,
            itemId: itemOf(i),
            period: rawPeriod,
            monthDone: 1,
            cumulative: 10,
            progress: '按计划推进',
            problems: '征地拆迁进度偏慢',
            nextSteps: '加快推进征地拆迁',
            version: 1,
            updatedBy: 'bench',
            updatedAt: new Date(),
          })),
        )
        .onConflictDoUpdate({ target: [progress.planId, progress.key], set: { version: sql`${progress.version} + 1` } });
      const rawMs = performance.now() - t;
      if (r > 0) {
        // round 0 warms up
        push.push(ms);
        raw.push(rawMs);
      }
    }
  } finally {
    await server.close();
  }
  return { push: median(push), raw: median(raw), ok };
}

const lines = [
  `The same ${ENTRIES} entries (spread over the plan, new rows) pushed over HTTP as admin into plans of ${SIZES.map((s) => s.toLocaleString('en')).join(' / ')} tasks; median of ${ROUNDS} rounds after one warm-up. Baseline: a raw drizzle upsert of ${ENTRIES} rows in the same plan. Goal (issue 13): at 50,000 within 1.5× of 1,000.`,
  '',
  `| database | ${SIZES.map((s) => `${s.toLocaleString('en')} tasks: push (raw)`).join(' | ')} | 50k ÷ 1k | goal |`,
  `|---|${SIZES.map(() => '---:').join('|')}|---:|:---:|`,
];
for (const kind of (['pg', 'pglite'] as const).filter((k) => !process.env.BENCH_DB || process.env.BENCH_DB === k)) {
  if (kind === 'pg' && !pgReachable) {
    lines.push(`| PostgreSQL | ${SIZES.map(() => '—').join(' | ')} | — | not run |`);
    continue;
  }
  const r = [];
  for (const size of SIZES) {
    r.push(await run(kind, size));
    (globalThis as { gc?: () => void }).gc?.();
  }
  const ratio = r[r.length - 1].push / r[0].push;
  lines.push(
    `| ${kind === 'pg' ? 'PostgreSQL 15' : 'PGlite 0.5'} | ${r.map((x) => `${x.push.toFixed(0)} ms (${x.raw.toFixed(0)} ms)${x.ok ? '' : ' NOT ALL APPLIED'}`).join(' | ')} | ${ratio.toFixed(2)}× | ${ratio <= 1.5 && r.every((x) => x.ok) ? 'pass' : 'missed'} |`,
  );
}
console.log(lines.join('\n'));
