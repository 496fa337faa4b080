// ECharts options for the dashboard's four charts, built from the stats API's JSON. Pure (no DOM), so
// tests can check what each chart will show without a browser.
import type { MonthPoint, PeriodStats, StatStatus } from '../model/stats';

export const STATUS_COLORS: Record<StatStatus, string> = {
  已完成: '#2e9a5b',
  推进中: '#3b7be0',
  未开始: '#a0a7b4',
  滞后: '#d9363e',
  未填报: '#e8b73a',
};
/** The order statuses stack in: done first, unreported last. */
export const STATUS_ORDER: StatStatus[] = ['已完成', '推进中', '未开始', '滞后', '未填报'];

const FONT = '"PingFang SC", "Microsoft YaHei", "WenQuanYi Zen Hei", sans-serif';
const base = { textStyle: { fontFamily: FONT }, animation: false, tooltip: { trigger: 'axis' as const, axisPointer: { type: 'shadow' as const } } };
const pctShare = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : 0);

/** Completion by section: mean 完成率 and 报送率 per section, with 序时进度 as a reference line. */
export function sectionOption(s: PeriodStats) {
  const sections = [...s.bySection].reverse(); // horizontal bars draw bottom-up: keep the document's order top-down
  return {
    ...base,
    color: ['#1f5eb8', '#9cbbe8'],
    legend: { top: 0, data: ['平均完成率', '报送率'] },
    grid: { left: 8, right: 48, top: 48, bottom: 8, containLabel: true },
    xAxis: { type: 'value' as const, max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category' as const, data: sections.map((x) => x.label), axisLabel: { width: 150, overflow: 'truncate' as const } },
    series: [
      {
        name: '平均完成率',
        type: 'bar' as const,
        data: sections.map((x) => x.avgRate), // null: no quantitative target reported, no bar
        label: { show: true, position: 'right' as const, formatter: '{c}%' },
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { color: '#d9363e', type: 'dashed' as const },
          label: { formatter: `序时进度 ${s.timeProgress}%` },
          data: [{ xAxis: s.timeProgress }],
        },
      },
      { name: '报送率', type: 'bar' as const, data: sections.map((x) => pctShare(x.reported, x.items)) },
    ],
  };
}

/** Progress by lead unit: each unit's items stacked by status. */
export function unitOption(s: PeriodStats) {
  const units = [...s.byUnit].reverse();
  return {
    ...base,
    color: STATUS_ORDER.map((k) => STATUS_COLORS[k]),
    legend: { top: 0, data: STATUS_ORDER },
    grid: { left: 8, right: 24, top: 30, bottom: 8, containLabel: true },
    xAxis: { type: 'value' as const, minInterval: 1 },
    yAxis: { type: 'category' as const, data: units.map((u) => u.unit), axisLabel: { width: 120, overflow: 'truncate' as const } },
    series: STATUS_ORDER.map((status) => ({ name: status, type: 'bar' as const, stack: 'items', barMaxWidth: 22, data: units.map((u) => u.byStatus[status]) })),
  };
}

/** Status mix of all items (empty statuses left out). */
export function statusOption(s: PeriodStats) {
  const data = STATUS_ORDER.filter((k) => s.totals.byStatus[k] > 0).map((k) => ({
    name: k,
    value: s.totals.byStatus[k],
    itemStyle: { color: STATUS_COLORS[k] },
  }));
  return {
    ...base,
    tooltip: { trigger: 'item' as const, formatter: '{b}：{c}项（{d}%）' },
    legend: { bottom: 0, data: STATUS_ORDER },
    series: [
      {
        name: '事项状态',
        type: 'pie' as const,
        radius: ['42%', '70%'],
        center: ['50%', '46%'],
        label: { formatter: '{b}\n{c}项' },
        data,
      },
    ],
  };
}

/**
 * How far (in % points) a 平均完成率 label sits from the 序时进度 line: on the side away from it, pushed
 * further out when the two are close, so the number never lies on the dashed line. A month at 0 (nothing
 * reported yet) gets no label: below the line it would sit on the month axis.
 */
export function rateLabel(rate: number | null, time: number): { position: 'top' | 'bottom'; distance: number } {
  const above = rate === null || rate >= time;
  const gap = rate === null ? 100 : Math.abs(rate - time);
  return { position: above ? 'top' : 'bottom', distance: gap < 8 ? 12 : 6 };
}

/**
 * Month by month: 报送率, 平均完成率 and 序时进度. 平均完成率 is over a stable population (the same
 * targets every month: model/trend.ts STABLE_POPULATION), so the line moves only with progress.
 */
export function trendOption(series: MonthPoint[]) {
  return {
    ...base,
    tooltip: { trigger: 'axis' as const },
    color: ['#9cbbe8', '#1f5eb8', '#d9363e'],
    legend: { top: 0, data: ['报送率', '平均完成率', '序时进度'] },
    // room on the right for the 序时进度 end label
    grid: { left: 8, right: 64, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category' as const, boundaryGap: false, data: series.map((p) => `${Number(p.period.slice(5))}月`) },
    yAxis: { type: 'value' as const, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      { name: '报送率', type: 'line' as const, data: series.map((p) => p.reportRate) },
      {
        name: '平均完成率',
        type: 'line' as const,
        z: 3,
        data: series.map((p) => ({
          value: p.avgRateStable,
          label: { show: (p.avgRateStable ?? 0) > 0, formatter: '{c}%', ...rateLabel(p.avgRateStable, p.timeProgress) },
        })),
        labelLayout: { hideOverlap: true },
      },
      {
        name: '序时进度',
        type: 'line' as const,
        symbol: 'none',
        lineStyle: { type: 'dashed' as const },
        data: series.map((p) => p.timeProgress),
        // named once at the line's end instead of a label per month on top of the other line
        endLabel: { show: true, formatter: '序时进度' },
      },
    ],
  };
}
