// A CPU profile of the server process for one workbook export and upload (not a benchmark: run.ts runs
// only *.bench.ts). `tsx bench/profile-server.ts [items]` → the server's .cpuprofile in /tmp/qingdan-prof,
// its top self-time functions printed.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
let t = performance.now();
const file = Buffer.from(await (await fetch(`${url}/api/v1/plans/${plan.id}/periods/2024-05/workbook.xlsx`, { headers })).arrayBuffer());
console.log(`export ${(performance.now() - t).toFixed(0)} ms, ${file.length} B`);
if (mode !== 'export') {
  t = performance.now();
  const res = await fetch(`${url}/api/v1/plans/${plan.id}/periods/2024-05/workbook`, { method: 'POST', headers, body: new Uint8Array(file) });
  console.log(`upload ${(performance.now() - t).toFixed(0)} ms, ${res.status}`);
  await res.arrayBuffer();
}
console.log(`VmHWM ${/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]} kB`);
child.kill('SIGINT');
await new Promise((r) => child.once('exit', r));
await database.close();
const newest = readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${child.pid}.`))
  .sort((a, b) => statSync(`${dir}/${b}`).size - statSync(`${dir}/${a}`).size)[0];
const prof = JSON.parse(readFileSync(`${dir}/${newest}`, 'utf8')) as {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
};
const self = new Map<number, number>();
prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const byFn = new Map<string, number>();
for (const n of prof.nodes) {
  const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*node_modules\//, '').replace(ROOT, '')}:${n.callFrame.lineNumber}`;
  byFn.set(k, (byFn.get(k) ?? 0) + (self.get(n.id) ?? 0));
}
for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`);
console.log(`${dir}/${newest}`);
process.exit(0);
