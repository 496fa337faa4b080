// A CPU profile of a server process (server/main.ts on PostgreSQL, `node --cpu-prof`) under the month-end
// rush of bench/rush.bench.ts: 50 reporter tokens push 100–200 entries each at once, ROUNDS times. Not a
// benchmark (run.ts runs only *.bench.ts). `tsx bench/profile-push.ts [rounds]` → the top self-time
// functions of the server and its .cpuprofile in /tmp/qingdan-prof; also the rush's wall time per round.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printTimes, readProfile, selfTimes } from './cpu-profile';
import { createToken } from '../server/auth/tokens';
import { createUnit } from '../server/auth/units';
import { assignments } from '../server/db/schema';
import { savePlan } from '../server/services/plans';
import { openPgDatabase } from '../test/helpers/db';
import { samplePlan } from '../test/helpers/plan';
import { pushRound, TASKS, TOTAL_ROWS, UNITS } from './rush-shape';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// QINGDAN_ROOT=/other/checkout profiles that checkout's server (before/after comparisons).
const SERVER_ROOT = process.env.QINGDAN_ROOT ?? ROOT;
const rounds = Number(process.argv[2] ?? 5);
const dir = '/tmp/qingdan-prof';
mkdirSync(dir, { recursive: true });

const database = await openPgDatabase();
const { db } = database;
await savePlan(db, samplePlan({ id: 'rush', tasks: TASKS, sections: 20 }), 'bench');
const tokens: string[] = [];
const rows = [];
for (let u = 0; u < UNITS; u++) {
  const unit = (await createUnit(db, `单位${u + 1}`, 'bench'))!;
  tokens.push((await createToken(db, { role: 'reporter', unitId: unit.id })).token);
  for (let k = 0; u + 1 + k * UNITS <= TASKS; k++) rows.push({ planId: 'rush', taskId: `t${k * UNITS + u + 1}`, unitId: unit.id, role: 'lead', ord: 0 });
}
for (let i = 0; i < rows.length; i += 2000) await db.insert(assignments).values(rows.slice(i, i + 2000));

const clean = { ...process.env };
delete clean.DATA_DIR;
const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', 'server/main.ts'], {
  cwd: SERVER_ROOT,
  env: {
    ...clean,
    DATABASE_URL: database.url!,
    PORT: '0',
    QINGDAN_HOST: '127.0.0.1',
    QINGDAN_REMINDERS: 'off',
    QINGDAN_ADMIN_TOKEN: 'qd_bench_profile_admin_0123456789abcdef',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url: string = await new Promise((res) => {
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
    const m = /http:\/\/localhost:(\d+)/.exec(out);
    if (m) res(`http://127.0.0.1:${m[1]}`);
  });
});
// The server's CPU time (user + system, /proc) per round: steadier than wall time on a shared machine.
const cpuMs = () => {
  const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks (100 Hz)
};
const cpu: number[] = [];
for (let r = 0; r < rounds; r++) {
  const c0 = cpuMs();
  const period = `2024-${String(r + 1).padStart(2, '0')}`;
  const { wallMs, failures } = await pushRound({ url, tokens, period, batchPrefix: `prof-${r}` });
  cpu.push(cpuMs() - c0);
  console.log(`round ${r + 1}: ${wallMs.toFixed(0)} ms, server CPU ${cpu[r].toFixed(0)} ms, ${failures.length} failed`);
}
const rest = cpu.slice(1).sort((a, b) => a - b);
console.log(
  `server CPU per round after the first: median ${rest[Math.floor(rest.length / 2)]?.toFixed(0)} ms (${((rest[Math.floor(rest.length / 2)] / TOTAL_ROWS) * 1000).toFixed(0)} µs per row)`,
);
child.kill('SIGINT');
await new Promise((r) => child.once('exit', r));
await database.close();

const { path, profile } = readProfile(dir, child.pid!);
const times = selfTimes(profile);
console.log(`\nserver self time ${times.total.toFixed(0)} ms; by package/file:`);
printTimes(times.byArea, 15);
console.log('\ntop functions (self time):');
printTimes(times.byFn, 30);
console.log(path);
process.exit(0);
