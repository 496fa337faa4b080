// A CPU profile of the server process for one workbook export and upload (not a benchmark: run.ts runs
// only *.bench.ts). `tsx bench/profile-server.ts [items]` → the server's .cpuprofile in /tmp/qingdan-prof,
// its top self-time functions printed.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printTimes, readProfile, selfTimes } from './cpu-profile';
import { createToken } from '../server/auth/tokens';
import { savePlan } from '../server/services/plans';
import { openPgDatabase } from '../test/helpers/db';
import { samplePlan } from '../test/helpers/plan';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ADMIN = 'qd_bench_profile_admin_0123456789abcdef';
const items = Number(process.argv[2] ?? 10000);
const dir = '/tmp/qingdan-prof';
mkdirSync(dir, { recursive: true });
const plan = samplePlan({ tasks: items, sections: 50, id: `prof${items}` });
const database = await openPgDatabase();
await savePlan(database.db, plan, 'bench');
await createToken(database.db, { role: 'admin', secret: ADMIN });
const clean = { ...process.env };
delete clean.DATA_DIR;
const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', 'server/main.ts'], {
  cwd: ROOT,
  env: { ...clean, DATABASE_URL: database.url!, PORT: '0', QINGDAN_HOST: '127.0.0.1', QINGDAN_REMINDERS: 'off' },
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
const headers = { authorization: `Bearer ${ADMIN}` };
const mode = process.env.PROF ?? 'both';
// PROF_EXPORTS=n exports n times (the first one compiles the export's code; later ones show it warm).
let t = 0;
let file = Buffer.alloc(0);
for (let i = 0; i < Number(process.env.PROF_EXPORTS ?? 1); i++) {
  t = performance.now();
  file = Buffer.from(await (await fetch(`${url}/api/v1/plans/${plan.id}/periods/2024-05/workbook.xlsx`, { headers })).arrayBuffer());
  console.log(`export ${(performance.now() - t).toFixed(0)} ms, ${file.length} B`);
}
// PROF_UPLOADS=n uploads the exported file n times (as PROF_EXPORTS: later ones warm).
for (let i = 0; mode !== 'export' && i < Number(process.env.PROF_UPLOADS ?? 1); i++) {
  t = performance.now();
  const res = await fetch(`${url}/api/v1/plans/${plan.id}/periods/2024-05/workbook`, { method: 'POST', headers, body: new Uint8Array(file) });
  await res.arrayBuffer();
  console.log(`upload ${(performance.now() - t).toFixed(0)} ms, ${res.status}`);
}
console.log(`VmHWM ${/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]} kB`);
child.kill('SIGINT');
await new Promise((r) => child.once('exit', r));
await database.close();
const { path, profile } = readProfile(dir, child.pid!);
printTimes(selfTimes(profile).byFn, 25);
console.log(path);
process.exit(0);
