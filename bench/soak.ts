// `npm run soak`: the long hostile runs, figures into bench/RESULTS.md (section "soak"):
//   1. kill -9 during 5,000-row pushes, 10 times on each database (bench/soak-kill.ts);
//   2. the property test of every JSON endpoint with 5,000 hostile requests per database (test/trust/fuzz.ts).
// Loopback only; every loop is bounded. PostgreSQL parts are skipped (and said so) when it is unreachable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../server/db/connect';
import { openPgDatabase, pgReachable, type TestDatabase } from '../test/helpers/db';
import { fuzzEndpoints, type FuzzReport } from '../test/trust/fuzz';
import { writeSection } from './results';
import { killSoak, type KillRound } from './soak-kill';

const ROUNDS = Number(process.env.QINGDAN_SOAK_ROUNDS ?? 10);
const FUZZ = Number(process.env.QINGDAN_FUZZ_RUNS ?? 5000);

const lines: string[] = [];
let failed = false;

const killRows: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'qd-soak-'));
try {
  const targets: ['pglite' | 'pg', string][] = [['pglite', 'PGlite 0.5']];
  if (pgReachable) targets.push(['pg', 'PostgreSQL 15']);
  for (const [kind, label] of targets) {
    // PostgreSQL: a fresh database (dropped afterwards); PGlite: a fresh data directory.
    const pgDb = kind === 'pg' ? await openPgDatabase() : undefined;
    const target = pgDb ? { databaseUrl: pgDb.url! } : { dataDir: join(dir, 'pglite') };
    try {
      const r = await killSoak(kind, target, ROUNDS);
      const count = (f: (x: KillRound) => boolean) => r.rounds.filter(f).length;
      const bad = count((x) => !x.ok);
      if (bad) failed = true;
      killRows.push(
        `| ${label} | ${r.rounds.length} | ${Math.round(r.pushMs)} ms | ${r.rounds.map((x) => x.delayMs).join(', ')} | ${count((x) => x.beforeRetry === 'present')} | ${count((x) => x.beforeRetry === 'absent')} | ${count((x) => x.beforeRetry === 'partial')} | ${count((x) => x.retry === 'replayed')} / ${count((x) => x.retry === 'applied')} | ${bad} | ${Math.round(r.restartMs)} ms |`,
      );
    } finally {
      await pgDb?.close();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
lines.push(
  `### kill -9 during 5,000-row pushes`,
  '',
  `A server process (server/main.ts) with a 5,000-task plan (5,000 items a month); each round pushes 5,000 new entries and is killed with SIGKILL after a delay spread over one push's duration (5 % … 104 % of the latest full push on that database), restarted on the same data (the PGlite lock left behind is stale), then the same batch is re-sent. Expected: the rows wholly present or absent, the retry replayed when present and applied when absent, all 5,000 rows at version 1 afterwards and exactly one audit row, with the batch id, for each of 50 keys sampled across the batch.`,
  '',
  '| database | kills | one push | kill after (ms) | present before retry | absent | partial | retry replayed / applied | violations | restart (median) |',
  '|---|---:|---:|---|---:|---:|---:|---:|---:|---:|',
  ...killRows,
  '',
);

const fuzzRows: string[] = [];
for (const [kind, label] of [['pglite', 'PGlite 0.5'], ...(pgReachable ? [['pg', 'PostgreSQL 15']] : [])] as const) {
  const database: TestDatabase = kind === 'pg' ? await openPgDatabase() : await openDatabase({});
  try {
    const t = performance.now();
    const r: FuzzReport = await fuzzEndpoints(database, FUZZ, 9001);
    const s = (performance.now() - t) / 1000;
    const fives = Object.entries(r.byStatus)
      .filter(([k]) => Number(k) >= 500)
      .reduce((n, [, v]) => n + v, 0);
    if (r.failures.length) {
      failed = true;
      console.error(r.failures.slice(0, 10).join('\n'));
    }
    const statuses = Object.entries(r.byStatus)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    fuzzRows.push(`| ${label} | ${r.cases} | ${statuses} | ${fives} | ${r.failures.length} | ${s.toFixed(0)} s |`);
  } finally {
    await database.close();
  }
}
lines.push(
  '### hostile requests to every JSON endpoint',
  '',
  `test/trust/fuzz.ts with ${FUZZ.toLocaleString('en')} requests per database (npm test runs 1,200): wrong types, huge and deep bodies, NUL, lone surrogates, 1e309, -0, formula strings, in bodies, query strings and path parameters. Expected: no 5xx, no table's row count changed by a refused request, no unstorable text echoed.`,
  '',
  '| database | requests | answers | 5xx | failures | time |',
  '|---|---:|---|---:|---:|---:|',
  ...fuzzRows,
);
if (!pgReachable) lines.push('', 'PostgreSQL: SKIPPED (unreachable).');

const body = lines.join('\n');
console.log(body);
writeSection('soak', body);
process.exit(failed ? 1 : 0);
