// The export's second and third sheets: completion by section and by unit (汇总, the same figures as
// the dashboard: model/stats.ts), and the 固定资产投资 figures (亿元/万元 targets). Values, not formulas
// over the first sheet, so they read the same in Excel, WPS and LibreOffice and after any re-sort.
import type { PeriodId } from '../../model/progress';
import type { ItemRow, SheetRow } from '../../model/sheet';
import { computeStats, type Tally } from '../../model/stats';
import type { Borders, StreamingWorkbook, Style, Worksheet } from './xlsx';

const thin = { style: 'thin' as const, color: { argb: 'FF000000' } };
const BORDER: Borders = { top: thin, left: thin, bottom: thin, right: thin };
const HEAD: Style = {
  font: { name: '黑体', size: 11, bold: true },
  alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
  border: BORDER,
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } },
};
const BODY: Style = { font: { name: '仿宋', size: 11 }, border: BORDER, alignment: { vertical: 'middle', wrapText: true } };

function put(ws: Worksheet, r: number, values: (string | number | null)[], style: Style): void {
  const row = ws.getRow(r);
  values.forEach((v, i) => {
    const cell = row.getCell(i + 1);
    cell.value = v;
    cell.style = style;
  });
  row.commit();
}

const TALLY_HEAD = ['任务数', '填报事项', '已填报', '已完成', '推进中', '滞后', '逾期', '平均完成率(%)'];
function tallyCells(name: string, t: Tally): (string | number | null)[] {
  return [name, t.tasks, t.items, t.reported, t.byStatus['已完成'], t.byStatus['推进中'], t.byStatus['滞后'], t.overdue, t.avgRate];
}

export function writeSummarySheet(wb: StreamingWorkbook, rows: SheetRow[], period: PeriodId, year: number | null): void {
  const stats = computeStats(rows, { period, year });
  const ws = wb.addWorksheet('汇总', { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  ws.columns = [{ width: 40 }, ...TALLY_HEAD.map(() => ({ width: 11 }))];
  let r = 1;
  put(ws, r++, ['按任务分类汇总', ...TALLY_HEAD], HEAD);
  for (const t of stats.bySection) put(ws, r++, tallyCells(t.label, t), BODY);
  put(ws, r++, tallyCells('合计', stats.totals), { ...BODY, font: { name: '黑体', size: 11, bold: true } });
  r++;
  put(ws, r++, ['按牵头单位汇总', ...TALLY_HEAD], HEAD);
  for (const t of stats.byUnit) put(ws, r++, tallyCells(t.unit, t), BODY);
  r++;
  put(ws, r++, [`序时进度：${stats.timeProgress}%`], { font: { name: '仿宋', size: 11 } });
  ws.commit();
}

const INVESTMENT_UNITS = new Set(['亿元', '万元']);

/** The 固定资产投资 sheet, only when the plan has amount targets in 亿元/万元. */
export function writeInvestmentSheet(wb: StreamingWorkbook, rows: SheetRow[]): void {
  const items = rows.filter((r): r is ItemRow => r.kind === 'item' && !!r.target && INVESTMENT_UNITS.has(r.unit) && r.target.kind === 'amount');
  if (items.length === 0) return;
  const ws = wb.addWorksheet('固定资产投资', { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  ws.columns = [{ width: 8 }, { width: 36 }, { width: 8 }, { width: 14 }, { width: 14 }, { width: 14 }, { width: 12 }];
  put(ws, 1, ['序号', '项目/指标', '单位', '年度计划', '本月完成', '累计完成', '完成率(%)'], HEAD);
  items.forEach((row, i) => {
    put(ws, i + 2, [row.number, `${row.task}：${row.metric}`, row.unit, row.target!.value, row.values.monthDone, row.values.cumulative, row.rate], BODY);
  });
  ws.commit();
}
