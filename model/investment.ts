// 固定资产投资 (issue 11): the plan's investment targets (amounts in 亿元/万元) with plan, 本月, 累计,
// 完成率, 序时进度 and, where last year's figures are known, 同比. Shared by the workbook's sheet and
// the 通报's section so both print the same figures.
import type { ItemRow, SheetRow } from './sheet';

export const INVESTMENT_UNITS: ReadonlySet<string> = new Set(['亿元', '万元']);

export function isInvestment(row: SheetRow): row is ItemRow {
  return row.kind === 'item' && !!row.target && row.target.kind === 'amount' && INVESTMENT_UNITS.has(row.unit);
}

export interface InvestmentLine {
  itemId: string;
  number: string;
  name: string; // 任务：指标
  unit: string;
  plan: number;
  month: number | null;
  cumulative: number | null;
  rate: number | null;
  timeProgress: number;
  /** Last year's 累计 at the same month, when known; 同比 = growth in %. */
  lastYear: number | null;
  yoy: number | null;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** 同比 growth in % of `now` over `before` (null without a positive base). */
export function yoyGrowth(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before <= 0) return null;
  return round1(((now - before) / before) * 100);
}

/**
 * One line per investment target of the month's rows; `tp` is the month's 序时进度 (model/stats.ts timeProgress). `lastYear` maps an item id to last year's 累计
 * at the same month (absent when there are no previous-year figures).
 */
export function investmentLines(rows: readonly SheetRow[], tp: number, lastYear?: ReadonlyMap<string, number | null>): InvestmentLine[] {
  return rows.filter(isInvestment).map((r) => investmentLine(r, tp, lastYear?.get(r.itemId) ?? null));
}

/** The line of one investment row (a paged export keeps the lines, not the rows). */
export function investmentLine(r: ItemRow, tp: number, before: number | null): InvestmentLine {
  return {
    itemId: r.itemId,
    number: r.number,
    name: r.metric ? `${r.task}：${r.metric}` : r.task,
    unit: r.unit,
    plan: r.target!.value,
    month: r.values.monthDone,
    cumulative: r.values.cumulative,
    rate: r.rate,
    timeProgress: tp,
    lastYear: before,
    yoy: yoyGrowth(r.values.cumulative, before),
  };
}

/** Totals in 亿元 (万元 ÷ 10000): plan, 累计 and the overall 完成率. */
export function investmentTotals(lines: readonly InvestmentLine[]): { plan: number; cumulative: number; rate: number | null } {
  const yi = (x: number, unit: string) => (unit === '万元' ? x / 10000 : x);
  const plan = lines.reduce((s, l) => s + yi(l.plan, l.unit), 0);
  const cumulative = lines.reduce((s, l) => s + yi(l.cumulative ?? 0, l.unit), 0);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return { plan: r2(plan), cumulative: r2(cumulative), rate: plan > 0 ? round1((cumulative / plan) * 100) : null };
}
