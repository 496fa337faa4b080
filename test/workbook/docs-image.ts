// Renders docs/img/export.png for the README: the seed plan's May 清单 with plausible progress, exported
// by writeWorkbook, printed to PDF by LibreOffice and rasterised by pdftoppm (fonts-wqy-zenhei).
//   npx tsx test/workbook/docs-image.ts
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProgressValues } from '../../model/progress';
import { completionRate } from '../../model/rules';
import { buildRows } from '../../model/sheet';
import { workbookBuffer } from '../../server/workbook/export';
import { seedPlan } from '../helpers/plan';

const plan = seedPlan();
const period = '2023-05';
const PROGRESS = [
  '已完成年度计划的四成，主体工程全面开工',
  '正在开展招标准备工作，方案已报审',
  '按月调度推进，完成路基工程',
  '已印发实施方案，各地正在组织落实',
  '完成初步设计批复，启动征地拆迁',
  '项目已进场施工，进度符合预期',
];
const entries = new Map<string, { version: number; values: ProgressValues }>();
buildRows(plan, { period }).forEach((r, i) => {
  if (r.kind !== 'item' || i % 5 === 4) return; // some rows not yet reported
  const lag = i % 11 === 3;
  const done = i % 13 === 7;
  const counts = r.target && (r.target.kind === 'amount' || r.target.kind === 'count');
  const cumulative = counts ? Math.round(r.target!.value * (done ? 1 : 0.3 + (i % 4) * 0.05) * 10) / 10 : null;
  entries.set(r.key, {
    version: 1,
    values: {
      monthDone: counts ? Math.round(r.target!.value * 0.06 * 10) / 10 : null,
      cumulative,
      status: lag ? '滞后' : done ? '已完成' : '推进中',
      progress: PROGRESS[i % PROGRESS.length],
      problems: lag ? '受征地拆迁影响，开工时间推迟' : null,
      nextSteps: lag ? '加强省市县联动，6月底前完成征拆' : null,
    },
  });
});
const rows = buildRows(plan, { period, entries });
for (const r of rows) if (r.kind === 'item') r.rate = completionRate(r.values.cumulative, r.target);

const dir = mkdtempSync(join(tmpdir(), 'qd-docs-'));
const xlsx = join(dir, 'export.xlsx');
writeFileSync(xlsx, await workbookBuffer({ plan, period, rows }));
execFileSync('soffice', [`-env:UserInstallation=file://${join(dir, 'lo')}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, xlsx], { stdio: 'ignore' });
// The top of page 1 (title, two-level header, the first sections) at a readable resolution.
execFileSync('pdftoppm', [
  '-r',
  '130',
  '-png',
  '-f',
  '1',
  '-l',
  '1',
  '-x',
  '40',
  '-y',
  '55',
  '-W',
  '1440',
  '-H',
  '780',
  join(dir, 'export.pdf'),
  join(dir, 'page'),
]);
const out = new URL('../../docs/img/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
copyFileSync(join(dir, 'page-1.png'), join(out, 'export.png'));
console.log(`docs/img/export.png (from ${dir})`);
