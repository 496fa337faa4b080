// Fill 10,000 tasks into the fake Excel: requests (context.sync calls), bytes, largest request, against
// the bound ceil(payload / 2 MB) + 2 and Excel's 5 MB request limit; baseline in the same
// process: the common "fixed 4,000 rows per request" chunking (values only). Then: the HTTP payload of a sync after
// one changed row in the 10,000-row sheet, against sending the whole sheet.
import { buildRows, rowCells, type ItemRow } from '../model/sheet';
import { fillSheet, sheetCells } from '../addin/excel/fill';
import { sheetNameFor, stateSheetNameFor, COL_COUNT, FIRST_DATA_ROW_INDEX } from '../addin/excel/layout';
import { ApiClient } from '../addin/sync/api';
import { SheetSync } from '../addin/sync/engine';
import { createFakeExcel, REQUEST_LIMIT } from '../test/fakes/excel-fake';
import { FakeApi } from '../test/fakes/fake-api';
import { heavyEntries, syntheticPlan } from '../test/helpers/plan';

const MB = 1024 * 1024;
const PERIOD = '2026-03';
const fmtMB = (b: number) => (b / MB).toFixed(2) + ' MB';

async function ours(tasks: number, heavy: boolean) {
  const excel = createFakeExcel();
  const plan = syntheticPlan(tasks);
  let rows = buildRows(plan, { period: PERIOD });
  if (heavy) rows = buildRows(plan, { period: PERIOD, entries: heavyEntries(rows.filter((r): r is ItemRow => r.kind === 'item').map((r) => r.key)) });
  const sheetName = sheetNameFor(plan.title, PERIOD, plan.id);
  const t0 = performance.now();
  await fillSheet(excel, {
    meta: { planId: plan.id, planTitle: plan.title, period: PERIOD, sheetName, admin: false, unit: null, cursor: null },
    stateSheetName: stateSheetNameFor(plan.id, PERIOD),
    rows,
    periodEnd: '2026-03-31',
  });
  const ms = performance.now() - t0;
  const s = excel.state;
  return {
    excel,
    plan,
    rows,
    sheetName,
    ms,
    syncs: s.stats.syncs,
    total: s.totalRequestBytes,
    max: s.maxRequestBytes,
    over5: s.stats.requestBytes.filter((b) => b > REQUEST_LIMIT).length,
  };
}

/** Baseline: values only, fixed 4,000 rows per request (no formats, no state) — how many requests, how big. */
async function baseline(rows: ReturnType<typeof buildRows>) {
  const excel = createFakeExcel();
  const cells = rows.map((r) => sheetCells(r));
  let over5 = 0;
  await excel.run(async (ctx) => {
    for (let i = 0; i < cells.length; i += 4000) {
      const block = cells.slice(i, i + 4000);
      ctx.workbook.worksheets.getItem('Sheet1').getRangeByIndexes(FIRST_DATA_ROW_INDEX + i, 0, block.length, COL_COUNT).values = block;
      await ctx.sync().catch(() => over5++);
    }
  });
  const s = excel.state;
  return { syncs: s.stats.syncs, total: s.totalRequestBytes, max: s.maxRequestBytes, over5 };
}

const lines: string[] = [];
lines.push('| case | strategy | requests | total request bytes | largest request | bound ceil(total/2 MB)+2 | requests > 5 MB | fill time | result |');
lines.push('|---|---|---:|---:|---:|---:|---:|---:|---|');
let failed = false;
for (const heavy of [false, true]) {
  const o = await ours(10_000, heavy);
  const bound = Math.ceil(o.total / (2 * MB)) + 2;
  const ok = o.syncs <= bound && o.over5 === 0;
  failed ||= !ok;
  const b = await baseline(o.rows);
  const label = heavy ? '10,000 tasks, filled-in CJK texts' : '10,000 tasks, empty month';
  lines.push(
    `| ${label} | byte-chunked (ours) | ${o.syncs} | ${fmtMB(o.total)} | ${fmtMB(o.max)} | ${bound} | ${o.over5} | ${o.ms.toFixed(0)} ms | ${ok ? 'pass' : 'FAIL'} |`,
  );
  lines.push(
    `| ${label} | baseline: 4,000 rows/request, values only | ${b.syncs} | ${fmtMB(b.total)} | ${fmtMB(b.max)} | ${Math.ceil(b.total / (2 * MB)) + 2} | ${b.over5} | – | largest request ${(b.max / o.max).toFixed(2)}× ours${b.over5 ? ', refused by Excel' : ''} |`,
  );
}

// One changed row in a 10,000-row sheet: what goes over HTTP.
const o = await ours(10_000, false);
const api = new FakeApi();
const sync = new SheetSync(o.excel, new ApiClient('https://bench.local', 'tok', api.fetch), o.sheetName, stateSheetNameFor(o.plan.id, PERIOD));
const item = o.rows.find((r): r is ItemRow => r.kind === 'item' && r.itemId === 't4999.1')!;
const sheet = o.excel.state.sheet(o.sheetName)!;
const r = sheet.rows.findIndex((row) => row?.[14]?.v === item.itemId);
o.excel.state.userEdit(o.sheetName, `I${r + 1}`, 42);
o.excel.state.resetStats();
const t0 = performance.now();
await sync.sync();
const ms = performance.now() - t0;
const push = api.pushes[0];
const whole = JSON.stringify({
  batchId: 'x'.repeat(36),
  entries: o.rows
    .filter((x): x is ItemRow => x.kind === 'item')
    .map((x) => ({
      key: x.key,
      baseVersion: 0,
      fields: Object.fromEntries(['monthDone', 'cumulative', 'status', 'progress', 'problems', 'nextSteps'].map((k, i) => [k, rowCells(x)[7 + i]])),
    })),
});
const wholeBytes = new TextEncoder().encode(whole).length;
const okOne = push?.entries === 1;
failed ||= !okOne;
lines.push('');
lines.push(
  '| 1 changed row in a 10,000-row sheet | entries sent | push body | whole sheet as one batch (baseline) | ratio | Excel requests | sync time | result |',
);
lines.push('|---|---:|---:|---:|---:|---:|---:|---|');
lines.push(
  `| 同步 | ${push?.entries} | ${push?.bytes} B | ${(wholeBytes / 1024).toFixed(0)} KB | 1/${Math.round(wholeBytes / push!.bytes)} | ${o.excel.state.stats.syncs} | ${ms.toFixed(0)} ms | ${okOne ? 'pass' : 'FAIL'} |`,
);
lines.push('');
lines.push(
  'Measured in the in-memory fake (test/fakes/excel-fake.ts): request bytes are the UTF-8 JSON of the queued operations. Excel on the web refuses requests over 5 MB; our budget is 2 MB per request.',
);
console.log(lines.join('\n'));
if (failed) process.exitCode = 1;
