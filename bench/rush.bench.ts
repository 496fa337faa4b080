// Month-end rush (issue 13): 50 units with reporter tokens, 100–200 entries each, all pushing at once over
// HTTP, against a raw drizzle upsert of the same rows (50 concurrent transactions, the same pool) in the
// server's process and database. Goals: ≥ 0.7× the raw upsert's rows/s, p99 < 3 s per push, 0 failed
// requests, every row present exactly once afterwards.
//
// How it is measured, and why:
// - The reporters run in a process of their own (bench/rush-client.ts), as the add-ins run on other machines.
// - One warm-up round of each side first, not counted: the service's first push pays once for what a
//   running service has long done (compiling the push path, reading the plan's structure, preparing the
//   claim statement on PGlite), and the raw side has nothing like it.
// - Then 5 rounds, subject and baseline interleaved (which goes first alternates); medians.
// - The pushes report consecutive months (2024-01 warm-up, then 02…06), so each push finds its units' rows
//   of the month before, as at a real month-end (the 累计 rule reads them). The raw side writes the months
//   of another year (2023): rows in a month after the pushes' would make every push read its items' later
//   months, which no month-end push has (before this, the raw rows in 2024-09…11 did exactly that).
import { fork } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rowsOf, type Db } from '../server/db/connect';
import { assignments, progress, units } from '../server/db/schema';
import { pgReachable } from '../test/helpers/db';
import { samplePlan } from '../test/helpers/plan';
import { startTestServer } from '../test/helpers/server';
import { median } from './measure';
import { fieldsOf, itemOf, TASKS, tasksOf, TOTAL_ROWS, UNITS, type RushRound, type RushRoundResult } from './rush-shape';

const ROUNDS = 5;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const month = (year: number, r: number) => `${year}-${String(r + 1).padStart(2, '0')}`;

/** The reporters' process: one round at a time. */
function startClients() {
  const child = fork(fileURLToPath(new URL('./rush-client.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    round: (round: RushRound) =>
      new Promise<RushRoundResult>((resolve, reject) => {
        const exited = (code: number | null) => reject(new Error(`rush client exited (${code})`));
        child.once('exit', exited);
        child.once('message', (m) => {
          child.off('exit', exited);
          resolve(m as RushRoundResult);
        });
        child.send(round);
      }),
    close: () => child.kill(),
  };
}

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

  const out = { push: [] as number[], raw: [] as number[], latency: [] as number[], failed: 0, notOnce: 0 };
  const check = async (period: string) => {
    const [c] = await rowsOf<{ n: number; keys: number; v1: number }>(
      db,
      sql`select count(*)::int as n, count(distinct key)::int as keys, count(*) filter (where version = 1)::int as v1 from progress where plan_id = 'rush' and period = ${period}`,
    );
    if (c.n !== TOTAL_ROWS || c.keys !== TOTAL_ROWS || c.v1 !== TOTAL_ROWS) out.notOnce += Math.abs(TOTAL_ROWS - c.v1) || 1;
  };
  const doPush = async (period: string, round: number, timed: boolean) => {
    const r = await clients.round({ url: server.url, tokens, period, batchPrefix: `rush-${kind}-${round}` });
    for (const f of r.failures) console.error(f);
    out.failed += r.failures.length;
    if (timed) {
      out.push.push(r.wallMs);
      out.latency.push(...r.latencies);
    }
    await check(period);
  };
  const doRaw = async (period: string, timed: boolean) => {
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
    if (timed) out.raw.push(performance.now() - t0);
  };
  const clients = startClients();
  try {
    for (let r = 0; r <= ROUNDS; r++) {
      const timed = r > 0; // round 0 warms both sides up
      if (r % 2 === 0) {
        await doRaw(month(2023, r), timed);
        await doPush(month(2024, r), r, timed);
      } else {
        await doPush(month(2024, r), r, timed);
        await doRaw(month(2023, r), timed);
      }
    }
  } finally {
    clients.close();
    await server.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

const lines = [
  `${UNITS} reporter tokens (one unit each, leading ${TASKS / UNITS} tasks of a ${TASKS.toLocaleString('en')}-task plan) push 100–200 entries each (${TOTAL_ROWS.toLocaleString('en')} rows) all at once over HTTP from a process of their own, vs a raw drizzle upsert of the same rows in ${UNITS} concurrent transactions on the server's pool (PGlite with its files in a data folder, as npm start runs it). One warm-up round, then the median of ${ROUNDS} interleaved rounds (in brackets: the lowest and highest round); latency over the ${UNITS * ROUNDS} timed pushes, failures over all ${UNITS * (ROUNDS + 1)}. Goals (issue 13): ≥ 0.7×, p99 < 3 s, 0 failed, rows exactly once.`,
  '',
  '| database | raw upsert rows/s | rush rows/s | ratio (rounds) | push p50 | push p99 | failed requests | rows not exactly once | goals |',
  '|---|---:|---:|---:|---:|---:|---:|---:|:---:|',
];
// BENCH_DB=pg|pglite runs one of them (profiling).
for (const kind of (['pg', 'pglite'] as const).filter((k) => !process.env.BENCH_DB || process.env.BENCH_DB === k)) {
  if (kind === 'pg' && !pgReachable) {
    lines.push('| PostgreSQL | — | — | — | — | — | — | — | not run: PostgreSQL unreachable |');
    continue;
  }
  const r = await run(kind);
  const rawRate = TOTAL_ROWS / (median(r.raw) / 1000);
  const pushRate = TOTAL_ROWS / (median(r.push) / 1000);
  const ratio = pushRate / rawRate;
  const p99 = pct(r.latency, 99);
  const rounds = r.push.map((ms, i) => r.raw[i] / ms);
  const pass = ratio >= 0.7 && p99 < 3000 && r.failed === 0 && r.notOnce === 0;
  lines.push(
    `| ${kind === 'pg' ? 'PostgreSQL 15' : 'PGlite 0.5'} | ${rawRate.toFixed(0)} | ${pushRate.toFixed(0)} | ${ratio.toFixed(2)}× (${Math.min(...rounds).toFixed(2)}–${Math.max(...rounds).toFixed(2)}) | ${pct(r.latency, 50).toFixed(0)} ms | ${p99.toFixed(0)} ms | ${r.failed} of ${UNITS * (ROUNDS + 1)} | ${r.notOnce} | ${pass ? 'pass' : 'missed'} |`,
  );
  (globalThis as { gc?: () => void }).gc?.();
}
console.log(lines.join('\n'));
