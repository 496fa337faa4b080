// Pull of a 5,000-task plan: every entry of one month through GET /changes (HTTP, auth, paging) against
// a raw drizzle select of the same rows in the same process. Also the plan itself (GET /plans/:id) and
// the month's rows (GET …/rows, buildRows). The issue sets no figure for pull: times and ratios only.
import { eq } from 'drizzle-orm';
import { progress } from '../server/db/schema';
import { pgReachable } from '../test/helpers/db';
import { samplePlan } from '../test/helpers/plan';
import { startTestServer } from '../test/helpers/server';
import { median, timed } from './measure';

const TASKS = 5_000;
const ROUNDS = 5;

async function run(kind: 'pglite' | 'pg') {
  const server = await startTestServer({ db: kind, plans: [samplePlan({ id: 'bench', tasks: TASKS, sections: 20 })] });
  const auth = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
  try {
    const entries = Array.from({ length: TASKS }, (_, k) => {
      const i = k + 1;
      const item = i % 2 === 1 ? `t${i}-m1` : i % 4 === 0 ? `t${i}-m2` : `t${i}`;
      return { key: `${item}@2024-03`, baseVersion: 0, fields: { monthDone: 1, cumulative: 2, status: '推进中', progress: `第${i}项按计划推进，完成阶段目标` } };
    });
    const res = await fetch(`${server.url}/api/v1/plans/bench/progress/batches`, { method: 'POST', headers: auth, body: JSON.stringify({ batchId: `pull-bench-${kind}`, entries }) });
    if (!res.ok) throw new Error(`seed push failed: ${res.status}`);
    const raw: number[] = [], pull1: number[] = [], pullPaged: number[] = [], plan: number[] = [], rows: number[] = [];
    let count = 0;
    for (let r = 0; r < ROUNDS; r++) {
      raw.push(await timed(() => server.database.db.select().from(progress).where(eq(progress.planId, 'bench'))));
      pull1.push(await timed(async () => {
        const body = (await (await fetch(`${server.url}/api/v1/plans/bench/changes?limit=10000`, { headers: auth })).json()) as { entries: unknown[] };
        count = body.entries.length;
      }));
      pullPaged.push(await timed(async () => {
        let cursor = '';
        let n = 0;
        for (;;) {
          const body = (await (await fetch(`${server.url}/api/v1/plans/bench/changes?limit=1000${cursor ? `&since=${cursor}` : ''}`, { headers: auth })).json()) as { entries: unknown[]; cursor: string; hasMore: boolean };
          n += body.entries.length;
          cursor = body.cursor;
          if (!body.hasMore) break;
        }
        if (n !== TASKS) throw new Error(`paged pull returned ${n}`);
      }));
      plan.push(await timed(() => fetch(`${server.url}/api/v1/plans/bench`, { headers: auth }).then((x) => x.json())));
      rows.push(await timed(() => fetch(`${server.url}/api/v1/plans/bench/periods/2024-03/rows`, { headers: auth }).then((x) => x.json())));
    }
    if (count !== TASKS) throw new Error(`pull returned ${count} of ${TASKS}`);
    return { raw: median(raw), pull1: median(pull1), pullPaged: median(pullPaged), plan: median(plan), rows: median(rows) };
  } finally {
    await server.close();
  }
}

const lines = [
  `A plan of ${TASKS.toLocaleString('en')} tasks (one item each) with ${TASKS.toLocaleString('en')} entries in one month. Median of ${ROUNDS} rounds; HTTP through node-server on port 0. Baseline: a raw drizzle select of the same progress rows in the same process. No figure in issue 3 (informational).`,
  '',
  '| database | raw drizzle select | GET /changes (1 page) | ratio | GET /changes (5 pages of 1,000) | ratio | GET /plans/:id | GET …/rows (buildRows) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
];
for (const kind of ['pglite', 'pg'] as const) {
  if (kind === 'pg' && !pgReachable) {
    lines.push('| PostgreSQL | not run: PostgreSQL unreachable | | | | | | |');
    continue;
  }
  const r = await run(kind);
  lines.push(`| ${kind === 'pg' ? 'PostgreSQL 15' : 'PGlite 0.5'} | ${r.raw.toFixed(0)} ms | ${r.pull1.toFixed(0)} ms | ${(r.pull1 / r.raw).toFixed(2)}× | ${r.pullPaged.toFixed(0)} ms | ${(r.pullPaged / r.raw).toFixed(2)}× | ${r.plan.toFixed(0)} ms | ${r.rows.toFixed(0)} ms |`);
  (globalThis as { gc?: () => void }).gc?.();
}
console.log(lines.join('\n'));
