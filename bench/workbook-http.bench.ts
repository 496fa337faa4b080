// The workbook curve through HTTP (issue 13): a real server process (server/main.ts on PostgreSQL, as
// deployed for large offices; the bundle `npm start` runs, or through tsx with BENCH_SERVER=tsx) exports and takes back the 清单 of plans of 1,000, 10,000 and 50,000 item rows.
//   Export: GET …/workbook.xlsx, median of 9 / 5 / 3 rounds (1k / 10k / 50k) after one untimed (first, cold) export, vs exceljs's bare streaming WorkbookWriter writing the same
//   cell values (no styles, merges, rules, extra sheets) in this process, each round one of each.
//   Upload: POST the exported file unchanged, as many rounds after one untimed upload, vs exceljs's bare streaming WorkbookReader
//   reading every cell of the same file in this process.
//   Server RSS: the server process's peak (VmHWM from /proc): idle, after the exports, and after the
//   uploads in a fresh server process (so the upload's peak is its own, not the export's).
// Uploads above the cell limit (server/workbook/zipcheck.ts LIMITS.cells) are refused with 413: the
// table says so rather than hiding the row.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { buildRows, rowCells } from '../model/sheet';
import { walkNodes } from '../model/plan';
import { createToken } from '../server/auth/tokens';
import { INLINE_STRINGS_ABOVE } from '../server/routes/workbook';
import { savePlan } from '../server/services/plans';
import { LIMITS } from '../server/workbook/zipcheck';
import { openPgDatabase, pgReachable } from '../test/helpers/db';
import { samplePlan } from '../test/helpers/plan';
import { median, timed } from './measure';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ADMIN = 'qd_bench_workbook_admin_0123456789abcdef';
const PERIOD = '2024-05';
/** The server as `npm start` runs it (the bundle dist/server.mjs under plain node); BENCH_SERVER=tsx runs
 *  server/main.ts through tsx instead (as the tests do), whose loader adds ~70 MB to every RSS figure. */
const VIA_TSX = process.env.BENCH_SERVER === 'tsx';
if (!VIA_TSX) execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, stdio: 'ignore' });

function start(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const clean = { ...process.env };
  delete clean.DATA_DIR;
  const child = spawn(process.execPath, VIA_TSX ? ['--import', 'tsx', 'server/main.ts'] : ['dist/server.mjs'], {
    cwd: ROOT,
    env: { ...clean, ...env, PORT: '0', QINGDAN_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /http:\/\/localhost:(\d+)/.exec(out);
      if (m) resolve({ child, url: `http://127.0.0.1:${m[1]}` });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
  });
}
const peakMb = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

/** The baseline writes strings the way the export does for a plan of this size (shared, or inline for big plans). */
async function bareWrite(rows: ReturnType<typeof buildRows>, useSharedStrings: boolean): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink(), useStyles: true, useSharedStrings });
  const ws = wb.addWorksheet('重点任务清单');
  for (const row of rows) ws.addRow(row.kind === 'section' ? [row.label] : rowCells(row)).commit();
  ws.commit();
  await wb.commit();
}
async function bareRead(file: Buffer): Promise<number> {
  let cells = 0;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([file]), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache' } as never);
  for await (const ws of reader as unknown as AsyncIterable<AsyncIterable<ExcelJS.Row>>) for await (const row of ws) row.eachCell(() => cells++);
  return cells;
}

async function curve(items: number) {
  const plan = samplePlan({ tasks: items, sections: 50, id: `wbh${items}` });
  const database = await openPgDatabase();
  await savePlan(database.db, plan, 'bench');
  await createToken(database.db, { role: 'admin', secret: ADMIN });
  let { child, url } = await start({ DATABASE_URL: database.url! });
  const headers = { authorization: `Bearer ${ADMIN}` };
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((res) => child.once('exit', res));
  };
  try {
    await new Promise((res) => setTimeout(res, 500));
    const rssIdle = peakMb(child.pid!);
    let file = Buffer.alloc(0);
    const exportOnce = () =>
      timed(async () => (file = Buffer.from(await (await fetch(`${url}/api/v1/plans/${plan.id}/periods/${PERIOD}/workbook.xlsx`, { headers })).arrayBuffer())));
    // One export before the timed ones, as the baseline writes once before it is timed (a fresh process
    // compiles the export's code on its first call); that first export's time is its own column.
    const rows = buildRows(plan, { period: PERIOD });
    const shared = [...walkNodes(plan.nodes)].length <= INLINE_STRINGS_ABOVE;
    // Subject and baseline alternate, so a busy moment of this shared machine falls on both.
    const rounds = items <= 1_000 ? 9 : items <= 10_000 ? 5 : 3;
    const cold = await exportOnce();
    await bareWrite(rows, shared);
    const exp: number[] = [];
    const w: number[] = [];
    for (let i = 0; i < rounds; i++) {
      exp.push(await exportOnce());
      w.push(await timed(() => bareWrite(rows, shared)));
    }
    const rssExport = peakMb(child.pid!);
    await stop();
    ({ child, url } = await start({ DATABASE_URL: database.url! }));
    let status = 0;
    let code = '';
    const uploadOnce = () =>
      timed(async () => {
        const res = await fetch(`${url}/api/v1/plans/${plan.id}/periods/${PERIOD}/workbook`, { method: 'POST', headers, body: new Uint8Array(file) });
        status = res.status;
        code = ((await res.json()) as { code?: string }).code ?? '';
      });
    // As for the export: one upload before the timed ones (the fresh process compiles the upload's code on
    // its first call), its time in its own column; the bare reader also reads once before it is timed.
    const coldUpload = await uploadOnce();
    let cells = await bareRead(file);
    const up: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < rounds; i++) {
      up.push(await uploadOnce());
      r.push(await timed(async () => (cells = await bareRead(file))));
    }
    const rssUpload = peakMb(child.pid!);
    return {
      items,
      bytes: file.length,
      cold,
      exp: median(exp),
      coldUpload,
      up: median(up),
      status,
      code,
      rssIdle,
      rssExport,
      rssUpload,
      write: median(w),
      read: median(r),
      cells,
      rounds,
    };
  } finally {
    await stop();
    await database.close();
  }
}

if (!pgReachable) {
  console.log('SKIPPED: PostgreSQL unreachable (QINGDAN_TEST_PG_URL)');
} else {
  const results = [];
  for (const n of (process.env.BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number)) results.push(await curve(n));
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  console.log(`A server process (${VIA_TSX ? 'server/main.ts through tsx' : 'dist/server.mjs under node, as npm start runs it'}, PostgreSQL) and plans of 1,000, 10,000 and 50,000 tasks (the workbook curve), one item row each (samplePlan), nothing reported. Export: GET through HTTP, median of 9 / 5 / 3 rounds (1k / 10k / 50k), each an export and a run of the baseline, after one untimed export (its time is the first-export column: a fresh server compiles the code on its first call, as the baseline is also run once before it is timed); baseline: exceljs's bare streaming WorkbookWriter writing the same cell values (one sheet, no styles or rules; strings shared up to ${INLINE_STRINGS_ABOVE.toLocaleString('en')} plan nodes, inline above, as the export writes them) in the bench process. Upload: the exported file POSTed back unchanged, median of as many rounds of upload and baseline, after one untimed upload (the first-upload column, as for the export); baseline: exceljs's bare streaming WorkbookReader visiting every cell of that file in the bench process, also run once before it is timed. Server peak RSS is VmHWM of the server process: idle, after the exports, and after the uploads in a fresh server process. Upload limits: ${LIMITS.rows.toLocaleString('en')} rows per sheet, ${LIMITS.cells.toLocaleString('en')} cells per workbook.

| item rows | file | first export | export (HTTP) | bare writer | ratio | first upload | upload (HTTP) | answer | bare reader (cells) | ratio | server peak RSS idle / exports / uploads |
|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|
${results.map((x) => `| ${x.items.toLocaleString('en')} | ${mb(x.bytes)} | ${x.cold.toFixed(0)} ms | ${x.exp.toFixed(0)} ms | ${x.write.toFixed(0)} ms | ${(x.exp / x.write).toFixed(2)}× | ${x.coldUpload.toFixed(0)} ms | ${x.up.toFixed(0)} ms | ${x.status}${x.code ? ` ${x.code}` : ''} | ${x.read.toFixed(0)} ms (${x.cells.toLocaleString('en')}) | ${(x.up / x.read).toFixed(2)}× | ${x.rssIdle.toFixed(0)} / ${x.rssExport.toFixed(0)} / ${x.rssUpload.toFixed(0)} MB |`).join('\n')}`);
}
process.exit(0);
