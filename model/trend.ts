// The trend chart's 平均完成率 over a stable population (issue 11). A month's plain avgRate averages only
// the targets reported that month, so it jumps when a unit reports late or a big target is reported
// for the first time. Here every month averages the same targets:
//   population = the targets that accumulate over the year (amount and count targets with a 完成率,
//                the ones compared with 序时进度) in the latest month of the series;
//   each month  = each target's 累计 reported that month, else its latest earlier 累计 (a cumulative
//                figure carries forward), else 0 — against the target in force that month, capped at
//                100 like avgRate.
import type { PeriodId } from './progress';
import { completionRate, hasCompletionRate } from './rules';
import type { ItemRow, SheetRow } from './sheet';

export const STABLE_POPULATION =
  '各月均按最近月份的全部累计类量化指标（数量、金额）计算：当月未报送的沿用此前最近一次累计数，从未报送的按0计；单项超过100%的按100%计';

const accumulates = (r: SheetRow): r is ItemRow =>
  r.kind === 'item' && hasCompletionRate(r.target) && (r.target!.kind === 'amount' || r.target!.kind === 'count');

export interface StablePoint {
  period: PeriodId;
  avgRate: number | null;
  population: number;
}

export function stableAverages(months: readonly { period: PeriodId; rows: readonly SheetRow[] }[]): StablePoint[] {
  const ordered = [...months].sort((a, b) => a.period.localeCompare(b.period));
  const last = ordered.at(-1);
  if (!last) return [];
  const population = new Set(last.rows.filter(accumulates).map((r) => r.itemId));
  const carried = new Map<string, number>();
  return ordered.map(({ period, rows }) => {
    const byId = new Map(rows.filter((r): r is ItemRow => r.kind === 'item').map((r) => [r.itemId, r]));
    let sum = 0;
    let n = 0;
    for (const id of population) {
      const row = byId.get(id);
      if (row?.values.cumulative != null) carried.set(id, row.values.cumulative);
      // a target the month's plan did not have yet (added later) is left out of that month
      if (!row || !hasCompletionRate(row.target)) continue;
      sum += Math.min(completionRate(carried.get(id) ?? 0, row.target) ?? 0, 100);
      n++;
    }
    return { period, avgRate: n ? Math.round((sum / n) * 10) / 10 : null, population: n };
  });
}
