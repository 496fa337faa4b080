// The export's second and third sheets: completion by section and by unit (汇总, the same figures as
// the dashboard: model/stats.ts), and the 固定资产投资 figures (亿元/万元 targets). Values, not formulas
// over the first sheet, so they read the same in Excel, WPS and LibreOffice and after any re-sort.
import type { PeriodId } from '../../model/progress';
import type { SheetRow } from '../../model/sheet';
import { investmentLines, investmentTotals, type InvestmentLine } from '../../model/investment';
import { computeStats, timeProgress, type PeriodStats, type Tally } from '../../model/stats';
import { DirectRows, type Borders, type StreamingWorkbook, type Style } from './xlsx';

const thin = { style: 'thin' as const, color: { argb: 'FF000000' } };
const BORDER: Borders = { top: thin, left: thin, bottom: thin, right: thin };
const HEAD: Style = {
  font: { name: '黑体', size: 11, bold: true },
  alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
  border: BORDER,
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } },
};
const BODY: Style = { font: { name: '仿宋', size: 11 }, border: BORDER, alignment: { vertical: 'middle', wrapText: true } };

/**
 * A row of cells of one style, straight into the sheet's XML (DirectRows: what exceljs's Row and Cell
 * would write, byte for byte). These sheets' few dozen rows through exceljs's objects were a few ms of
 * every export, as exceljs's row code runs nowhere else in the server and so never gets fast (issue 13).
 */
function put(out: DirectRows, r: number, values: readonly (string | number | null | undefined)[], style: Style): void {
  out.begin(r);
  values.forEach((v, i) => out.cell(i + 1, v ?? null, style)); // exceljs writes undefined as no value
  out.end();
}

const TALLY_HEAD = ['任务数', '填报事项', '已填报', '已完成', '推进中', '滞后', '逾期', '平均完成率(%)'];
function tallyCells(name: string, t: Tally): (string | number | null)[] {
  return [name, t.tasks, t.items, t.reported, t.byStatus['已完成'], t.byStatus['推进中'], t.byStatus['滞后'], t.overdue, t.avgRate];
}

/** From the month's rows, or from `stats` counted as a paged export wrote them (model/stats.ts statsAccumulator). */
export function writeSummarySheet(wb: StreamingWorkbook, rows: SheetRow[] | PeriodStats, period: PeriodId, year: number | null): void {
  const stats = Array.isArray(rows) ? computeStats(rows, { period, year }) : rows;
  const ws = wb.addWorksheet('汇总', { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  ws.columns = [{ width: 40 }, ...TALLY_HEAD.map(() => ({ width: 11 }))];
  const out = new DirectRows(ws);
  let r = 1;
  put(out, r++, ['按任务分类汇总', ...TALLY_HEAD], HEAD);
  for (const t of stats.bySection) put(out, r++, tallyCells(t.label, t), BODY);
  put(out, r++, tallyCells('合计', stats.totals), { ...BODY, font: { name: '黑体', size: 11, bold: true } });
  r++;
  put(out, r++, ['按牵头单位汇总', ...TALLY_HEAD], HEAD);
  for (const t of stats.byUnit) put(out, r++, tallyCells(t.unit, t), BODY);
  r++;
  put(out, r++, [`序时进度：${stats.timeProgress}%`], { font: { name: '仿宋', size: 11 } });
  out.flush();
  ws.commit();
}

export interface InvestmentSheetInput {
  planTitle: string;
  period: PeriodId;
  year: number | null;
  /** Last year's 累计 at the same month by item id: adds 上年同期 and 同比 columns when any is known. */
  lastYear?: ReadonlyMap<string, number | null>;
  /** The lines already made as a paged export wrote the rows (then `rows` and `lastYear` are not read). */
  lines?: InvestmentLine[];
}

/**
 * The 固定资产投资 sheet (issue 11), only when the plan has amount targets in 亿元/万元: a title, one
 * row per investment target with 年度计划, 本月完成, 累计完成, 完成率, 序时进度 (and 同比 where last
 * year's figures exist), and a 合计 row in 亿元. The same lines as the 通报's section (model/investment.ts).
 */
export function writeInvestmentSheet(wb: StreamingWorkbook, rows: SheetRow[], input: InvestmentSheetInput): void {
  const tp = timeProgress(input.period, input.year);
  const lines = input.lines ?? investmentLines(rows, tp, input.lastYear);
  if (lines.length === 0) return;
  const withYoy = lines.some((l) => l.lastYear !== null);
  const heads = ['序号', '项目/指标', '单位', '年度计划', '本月完成', '累计完成', '完成率(%)', '序时进度(%)', ...(withYoy ? ['上年同期累计', '同比(%)'] : [])];
  const ws = wb.addWorksheet('固定资产投资', {
    views: [{ state: 'frozen', ySplit: INVESTMENT_HEADER_ROW }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${INVESTMENT_HEADER_ROW}:${INVESTMENT_HEADER_ROW}`,
    },
  });
  ws.columns = [8, 40, 8, 12, 12, 12, 11, 11, ...(withYoy ? [13, 10] : [])].map((width) => ({ width }));
  const [y, m] = input.period.split('-').map(Number);
  const out = new DirectRows(ws);
  // The title and the note across the table: merged cells take their master's style, as exceljs's merge gives them.
  const across = (r: number, height: number | undefined, value: string, style: Style) => {
    out.begin(r, height);
    out.cell(1, value, style);
    for (let c = 2; c <= heads.length; c++) out.merged(c, style);
    out.end();
    out.merge(r, 1, r, heads.length);
  };
  across(1, 30, `${input.planTitle}固定资产投资完成情况（${y}年${m}月）`, {
    font: { name: '方正小标宋简体', size: 16, bold: true },
    alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
  });
  across(2, undefined, `截至${m}月底；序时进度${tp}%；合计按亿元计（万元÷10000）`, { font: { name: '仿宋', size: 11 }, alignment: { vertical: 'middle' } });
  put(out, INVESTMENT_HEADER_ROW, heads, HEAD);
  let r = INVESTMENT_HEADER_ROW + 1;
  // One line per investment target, so as many rows as the main sheet's in a plan of investments.
  for (const l of lines) {
    put(out, r++, [l.number, l.name, l.unit, l.plan, l.month, l.cumulative, l.rate, l.timeProgress, ...(withYoy ? [l.lastYear, l.yoy] : [])], BODY);
    if (r % 100 === 0) out.flush();
  }
  const tot = investmentTotals(lines);
  put(out, r, ['合计', `${lines.length}项`, '亿元', tot.plan, null, tot.cumulative, tot.rate, tp, ...(withYoy ? [null, null] : [])], {
    ...BODY,
    font: { name: '黑体', size: 11, bold: true },
  });
  out.flush();
  ws.commit();
}

/** Rows 1–2: title and note; row 3: the header; one row per target from row 4, then 合计. */
export const INVESTMENT_HEADER_ROW = 3;
