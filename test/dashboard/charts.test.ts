// The chart options the dashboard hands to ECharts, checked without a browser.
import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { buildRows } from '../../model/sheet';
import { computeStats, monthlySeries } from '../../model/stats';
import { sectionOption, statusOption, trendOption, unitOption } from '../../dashboard/charts';
import { mountDashboard } from '../../server/dashboard';
import { PLAN, PERIOD, entriesFor } from './plan-fixture';

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
    expect(o.series.map((s) => s.data[0])).toEqual([62.5, 66.7, 50]);
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
