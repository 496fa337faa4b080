// Workbook export and upload of a 5,000-task plan (issue 5).
//   Export: writeWorkbook (styles, merges, validation, conditional formats, row heights, 汇总 and
//   固定资产投资 sheets) vs exceljs's streaming writer writing the same cells of the main sheet with no
//   styles or logic (same writer options), in the same process, alternating, median of 5.
//   Peak RSS: each variant once in a fresh child process (process.resourceUsage().maxRSS).
//   Upload: parseUpload of the exported file (zip checks, load, header, match, diff), unchanged and
//   with 500 edited rows.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildSync } from 'esbuild';
import { Writable } from 'node:stream';
import type { ProgressValues } from '../model/progress';
import { buildRows, rowCells, type SheetRow } from '../model/sheet';
import { workbookBuffer, writeWorkbook, FIRST_DATA_ROW, MAIN_SHEET } from '../server/workbook/export';
import { parseUpload } from '../server/workbook/upload';
import { createStreamingWorkbook, loadWorkbook, workbookToBuffer } from '../server/workbook/xlsx';
import { samplePlan } from '../test/helpers/plan';
import { median, timed } from './measure';

const TASKS = 5000;
const PERIOD = '2024-05';
const RATIO_FIGURE = 1.3;
const RSS_FIGURE_MB = 150;

function fixture() {
  const plan = samplePlan({ tasks: TASKS, sections: 50, id: 'bench' });
  const entries = new Map<string, { version: number; values: ProgressValues }>();
  buildRows(plan, { period: PERIOD }).forEach((r, i) => {
    if (r.kind !== 'item' || i % 2) return;
    entries.set(r.key, {
      version: 1,
      values: {
        monthDone: r.target ? 3.5 : null,
        cumulative: r.target ? 20 + (i % 50) : null,
        status: i % 10 === 0 ? '滞后' : '推进中',
        progress: `已完成第${i}项工作的主体部分，正在组织验收，预计按期完成年度目标`,
        problems: i % 10 === 0 ? '征地拆迁进度滞后' : null,
        nextSteps: i % 10 === 0 ? '加强调度，倒排工期' : null,
      },
    });
  });
  return { plan, rows: buildRows(plan, { period: PERIOD, entries }) };
}

/** A stream that only counts bytes: both variants pay the same (zero) I/O. */
function sink(): Writable & { bytes: number } {
  const w = new Writable({
    write(chunk, _enc, cb) {
      (w as Writable & { bytes: number }).bytes += chunk.length;
      cb();
    },
  }) as Writable & { bytes: number };
  w.bytes = 0;
  return w;
}

async function ours(rows: SheetRow[], plan: ReturnType<typeof fixture>['plan']): Promise<number> {
  const out = sink();
  await writeWorkbook(out, { plan, period: PERIOD, rows });
  return out.bytes;
}

/** The baseline: the same cell values, one plain sheet, no styles, merges, rules or extra sheets. */
async function baseline(rows: SheetRow[]): Promise<number> {
  const out = sink();
  const wb = createStreamingWorkbook(out);
  const ws = wb.addWorksheet(MAIN_SHEET);
  for (const row of rows) ws.addRow(row.kind === 'section' ? [row.label] : rowCells(row)).commit();
  ws.commit();
  await wb.commit();
  return out.bytes;
}

async function child(which: string): Promise<void> {
  const { plan, rows } = fixture();
  if (which === 'fixture') globalThis.gc?.();
  else if (which === 'ours') await ours(rows, plan);
  else if (which === 'baseline') await baseline(rows);
  else if (which === 'upload') {
    const buffer = await workbookBuffer({ plan, period: PERIOD, rows });
    globalThis.gc?.();
    await parseUpload({ buffer, planId: plan.id, period: PERIOD, rows });
  }
  process.stdout.write(String(process.resourceUsage().maxRSS / 1024));
}

/**
 * Peak RSS of one variant alone in a fresh process, in MB. Run twice: as plain JavaScript (this file
 * bundled by esbuild, packages external, so the tsx loader's own thread and heap are not counted) and
 * under tsx as `npm start` runs the server.
 */
function rssOf(which: string, mode: 'node' | 'tsx'): number {
  const args = mode === 'tsx' ? ['--import', 'tsx', '--expose-gc', new URL(import.meta.url).pathname] : ['--expose-gc', bundled()];
  return Number(execFileSync(process.execPath, [...args, '--child', which], { encoding: 'utf8' }).trim());
}
let bundle: string | undefined;
function bundled(): string {
  if (bundle) return bundle;
  // Inside node_modules/ so the bundle's bare imports (exceljs, zod) resolve from the project.
  bundle = new URL('../node_modules/.cache/qingdan-bench/workbook-child.mjs', import.meta.url).pathname;
  mkdirSync(dirname(bundle), { recursive: true });
  buildSync({
    entryPoints: [new URL(import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: bundle,
    logLevel: 'warning',
  });
  return bundle;
}

async function main(): Promise<void> {
  const { plan, rows } = fixture();
  const items = rows.filter((r) => r.kind === 'item').length;
  // Warm up both paths (JIT, exceljs's lazy requires).
  await ours(rows, plan);
  await baseline(rows);
  const t: { ours: number[]; base: number[] } = { ours: [], base: [] };
  const bytes = { ours: 0, base: 0 };
  for (let i = 0; i < 5; i++) {
    globalThis.gc?.();
    const a = i % 2 === 0;
    if (a) t.base.push(await timed(async () => (bytes.base = await baseline(rows))));
    t.ours.push(await timed(async () => (bytes.ours = await ours(rows, plan))));
    if (!a) t.base.push(await timed(async () => (bytes.base = await baseline(rows))));
  }
  const ratio = median(t.ours) / median(t.base);

  const buffer = await workbookBuffer({ plan, period: PERIOD, rows });
  const wb = await loadWorkbook(buffer);
  const ws = wb.getWorksheet(MAIN_SHEET)!;
  for (let r = FIRST_DATA_ROW, n = 0; r <= ws.rowCount && n < 500; r++) {
    if (ws.getCell(r, 15).value) {
      ws.getCell(r, 12).value = `修改后的进展${r}`;
      n++;
    }
  }
  const edited = await workbookToBuffer(wb);
  const up: { same: number[]; edited: number[] } = { same: [], edited: [] };
  let changes = 0;
  for (let i = 0; i < 3; i++) {
    up.same.push(await timed(() => parseUpload({ buffer, planId: plan.id, period: PERIOD, rows })));
    up.edited.push(await timed(async () => (changes = (await parseUpload({ buffer: edited, planId: plan.id, period: PERIOD, rows })).changes.length)));
  }

  const rss = {
    fixture: rssOf('fixture', 'node'),
    ours: rssOf('ours', 'node'),
    base: rssOf('baseline', 'node'),
    upload: rssOf('upload', 'node'),
    oursTsx: rssOf('ours', 'tsx'),
    baseTsx: rssOf('baseline', 'tsx'),
  };
  const pass = (ok: boolean) => (ok ? 'pass' : '**FAIL**');
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  console.log(`A plan of ${TASKS.toLocaleString('en')} tasks (${items.toLocaleString('en')} item rows + ${rows.length - items} section rows, half of them reported). Export to a byte-counting stream; median of 5 rounds, alternating order, after a warm-up. Baseline: exceljs's streaming WorkbookWriter (same options, via server/workbook/xlsx.ts) writing the same cell values of the main sheet with no styles, merges, validation, conditional formats or extra sheets. Peak RSS: each variant alone in a fresh Node process (\`maxRSS\`): as plain JavaScript (bundled by esbuild) — the process with just the plan and its rows built peaks at ${rss.fixture.toFixed(0)} MB — and, for reference, under the tsx loader as \`npm start\` runs it. Figures from issue 5: export ≤ ${RATIO_FIGURE}× the baseline, peak RSS ≤ ${RSS_FIGURE_MB} MB.

| | time (median) | ratio | ≤ ${RATIO_FIGURE}× | file size | peak RSS (node) | ≤ ${RSS_FIGURE_MB} MB | peak RSS (under tsx) |
|---|---:|---:|:---:|---:|---:|:---:|---:|
| baseline: exceljs streaming writer, same cells | ${median(t.base).toFixed(0)} ms | 1.00× | | ${mb(bytes.base)} | ${rss.base.toFixed(0)} MB | | ${rss.baseTsx.toFixed(0)} MB |
| writeWorkbook (qingdan export) | ${median(t.ours).toFixed(0)} ms | ${ratio.toFixed(2)}× | ${pass(ratio <= RATIO_FIGURE)} | ${mb(bytes.ours)} | ${rss.ours.toFixed(0)} MB | ${pass(rss.ours <= RSS_FIGURE_MB)} | ${rss.oursTsx.toFixed(0)} MB |

Upload of the same file (parseUpload: zip checks, exceljs load, header search, id match, diff against the stored rows; no database), median of 3:

| upload | time (median) | rows sent | peak RSS (node) |
|---|---:|---:|---:|
| the export unchanged | ${median(up.same).toFixed(0)} ms | 0 | ${rss.upload.toFixed(0)} MB |
| with 500 rows' 进展情况 edited | ${median(up.edited).toFixed(0)} ms | ${changes} | |`);
}

const at = process.argv.indexOf('--child');
if (at > 0) await child(process.argv[at + 1]);
else await main();
