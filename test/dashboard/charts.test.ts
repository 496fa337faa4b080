// The chart options the dashboard hands to ECharts, checked without a browser.
import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { buildRows } from '../../model/sheet';
import { computeStats, monthlySeries } from '../../model/stats';
import { rateLabel, sectionOption, statusOption, trendOption, unitOption } from '../../dashboard/charts';
import { EMPTY_PROGRESS } from '../../model/progress';
import { mountDashboard } from '../../server/dashboard';
import { PLAN, PERIOD, entriesFor } from '../helpers/plan';

const stats = computeStats(buildRows(PLAN, { period: PERIOD, entries: entriesFor(PERIOD) }), { period: PERIOD, year: 2026 });

describe('chart options', () => {
  it('section bars follow the document order top-down, with 序时进度 as a line', () => {
    const o = sectionOption(stats);
    expect(o.yAxis.data.at(-1)).toBe('一、着力加快交通项目建设');
    expect(o.series[0].data).toEqual([null, 100, 55.6]);
    expect(o.series[0].markLine?.data).toEqual([{ xAxis: 50 }]);
  });

  it('unit bars stack every status and add up to each unit’s items', () => {
    const o = unitOption(stats);
    const totals = o.yAxis.data.map((_, i) => o.series.reduce((a, s) => a + s.data[i], 0));
    expect(totals).toEqual([...stats.byUnit].reverse().map((u) => u.items));
  });

  it('the pie leaves out empty statuses', () => {
    expect(statusOption(stats).series[0].data.map((d) => d.name)).toEqual(['已完成', '推进中', '滞后', '未填报']);
  });

  it('the trend labels months in Chinese', () => {
    const series = monthlySeries([{ period: '2026-06', rows: buildRows(PLAN, { period: PERIOD, entries: entriesFor(PERIOD) }) }], 2026);
    const o = trendOption(series);
    expect(o.xAxis.data).toEqual(['6月']);
    const value = (d: unknown) => (typeof d === 'object' && d !== null ? (d as { value: number }).value : d);
    // 平均完成率 over the stable population: t-invest 43.2, t-km 63.4, t-road 60.2, t-rural 100 → 66.7
    expect(o.series.map((s) => value(s.data[0]))).toEqual([62.5, 66.7, 50]);
    expect(series[0].stablePopulation).toBe(4);
  });

  it('平均完成率 labels sit on the side away from the 序时进度 line, further out when close', () => {
    const rows = (period: string, cum: Record<string, number>) =>
      buildRows(PLAN, {
        period,
        entries: entriesFor(period, Object.fromEntries(Object.entries(cum).map(([k, c]) => [k, { ...EMPTY_PROGRESS, cumulative: c }]))),
      });
    const series = monthlySeries(
      [
        { period: '2026-03', rows: rows('2026-03', { 't-invest': 27.8 }) }, // 10% of 278 → mean over 4 targets 2.5 (the others 0): below 25
        { period: '2026-04', rows: rows('2026-04', { 't-km': 631, 't-road': 150 }) }, // t-invest carried 10, t-km 100, t-road 30, t-rural 0 → 35 vs 33.3
        { period: '2026-05', rows: rows('2026-05', { 't-rural': 3000, 't-road': 500 }) }, // 10, 100, 100, 100 → 77.5 vs 41.7
      ],
      2026,
    );
    expect(series.map((p) => [p.avgRateStable, p.stablePopulation])).toEqual([
      [2.5, 4],
      [35, 4],
      [77.5, 4],
    ]);
    // the plain average jumps with who reported: 10 → 65 → 100
    expect(series.map((p) => p.avgRate)).toEqual([10, 65, 100]);
    const labels = (trendOption(series).series[1].data as { label: { position: string; distance: number } }[]).map((d) => [d.label.position, d.label.distance]);
    expect(labels).toEqual([
      ['bottom', 6],
      ['top', 12],
      ['top', 6],
    ]);
    expect(rateLabel(null, 50)).toEqual({ position: 'top', distance: 6 });
    const zero = trendOption(monthlySeries([{ period: '2026-01', rows: rows('2026-01', {}) }], 2026)).series[1].data[0] as {
      value: number;
      label: { show: boolean };
    };
    expect([zero.value, zero.label.show]).toEqual([0, false]);
  });
});

describe('mountDashboard', () => {
  it('answers a clear problem when the bundle has not been built', async () => {
    const app = new Hono();
    mountDashboard(app, '/nonexistent/dashboard');
    const res = await app.request('/dashboard/');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'DASHBOARD_NOT_BUILT', detail: expect.stringContaining('npm run build') });
    expect((await app.request('/dashboard')).headers.get('location')).toBe('/dashboard/');
  });
});
