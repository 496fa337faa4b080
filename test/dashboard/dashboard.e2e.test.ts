// End to end: the dashboard bundle served by a real server (PGlite, the hand-made plan, progress pushed
// through the API), opened in headless chromium; checks what the charts and tables show.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server';
import { PLAN } from '../helpers/plan';
import { pushFixture } from './push-fixture';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === 'true') throw new Error(`chromium is required in CI but missing at ${CHROMIUM}`);

/** Earlier months, so the trend has a shape: 累计 grows month by month. */
async function pushEarlierMonths(server: TestServer): Promise<void> {
  const months: Record<string, Record<string, number>> = {
    // 45 of 278 (16.2%) is under 10 points behind March's 序时进度 (25%): green, so no 存在问题 is needed (issue 10).
    '2026-03': { 't-invest': 45, 't-km': 150, 't-road': 120, 't-rural': 1200 },
    '2026-04': { 't-invest': 70, 't-km': 260, 't-road': 200, 't-rural': 2000 },
    '2026-05': { 't-km': 340, 't-road': 280, 't-rural': 2700 },
  };
  for (const [period, values] of Object.entries(months)) {
    const entries = Object.entries(values).map(([id, cumulative]) => ({ key: `${id}@${period}`, baseVersion: 0, fields: { cumulative, status: '推进中' } }));
    if (period === '2026-03') entries.push({ key: `k6@${period}`, baseVersion: 0, fields: { cumulative: undefined as never, status: '推进中' } });
    const res = await fetch(`${server.url}/api/v1/plans/${server.planIds[0]}/progress/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ batchId: `earlier-${period}`, entries }),
    });
    const body = await res.json();
    expect(body.results.every((r: { outcome: string }) => r.outcome === 'applied')).toBe(true);
  }
}

describe.skipIf(!hasChromium)(`dashboard in chromium${hasChromium ? '' : ` (SKIPPED: no chromium at ${CHROMIUM})`}`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const external: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build-dashboard.mjs'], { stdio: 'pipe' });
    server = await startTestServer({ plans: [PLAN] });
    await pushEarlierMonths(server);
    await pushFixture(server);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
    // The token as the settings form would have saved it; the month as last viewed.
    await context.addInitScript((token) => {
      localStorage.setItem('qingdan.token', token);
      localStorage.setItem('qingdan.dashboard.period', '2026-06');
    }, server.adminToken);
    page = await context.newPage();
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) external.push(r.url());
    });
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}/dashboard/`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const option = (chart: string) =>
    page.evaluate((name) => {
      const w = window as unknown as { qingdanDashboard: { charts: Record<string, { getOption(): any }> } };
      const o = w.qingdanDashboard.charts[name].getOption();
      return { series: o.series.map((s: any) => ({ name: s.name, data: s.data })), x: o.xAxis?.[0]?.data, y: o.yAxis?.[0]?.data };
    }, chart);

  it('draws completion by section with the mean 完成率 of each', async () => {
    const o = await option('section');
    expect(o.y).toEqual(['三、守牢安全生产底线', '二、提升运输服务水平', '一、着力加快交通项目建设']);
    expect(o.series[0]).toEqual({ name: '平均完成率', data: [null, 100, 55.6] });
    expect(o.series[1]).toEqual({ name: '报送率', data: [100, 33.3, 75] });
  });

  it('draws each lead unit’s items stacked by status', async () => {
    const o = await option('unit');
    expect(o.y).toEqual(['未明确牵头单位', '规划处', '安监处', '公路局', '建设管理处', '运输处']);
    const byName = Object.fromEntries(o.series.map((s: { name: string; data: number[] }) => [s.name, s.data]));
    expect(byName['未填报']).toEqual([1, 0, 0, 0, 1, 1]);
    expect(byName['已完成']).toEqual([0, 0, 1, 1, 0, 0]);
    expect(byName['滞后']).toEqual([0, 0, 0, 1, 0, 0]);
  });

  it('draws the status mix and the monthly trend', async () => {
    const pie = await option('status');
    expect(pie.series[0].data.map((d: { name: string; value: number }) => [d.name, d.value])).toEqual([
      ['已完成', 2],
      ['推进中', 2],
      ['滞后', 1],
      ['未填报', 3],
    ]);
    const trend = await option('trend');
    expect(trend.x).toEqual(['1月', '2月', '3月', '4月', '5月', '6月']);
    const [report, rate, time] = trend.series;
    expect(report.data).toEqual([0, 0, 62.5, 50, 50, 62.5]);
    // 5月: 95/278=34.2, 340/631=53.9, 280/500=56, 2700/3000=90 → 58.5
    // (the trend's 平均完成率 is over the same four targets every month: none reported in 1月 → 0)
    expect(rate.data.slice(4).map((d: { value: number }) => d.value)).toEqual([58.5, 66.7]);
    expect(rate.data[0].value).toBe(0);
    expect(time.data).toEqual([8.3, 16.7, 25, 33.3, 41.7, 50]);
  });

  it('shows the figures, who has not reported and what lags', async () => {
    expect(await page.textContent('#kpi-report')).toBe('62.5%');
    expect(await page.textContent('#kpi-rate')).toBe('66.7%');
    expect(await page.textContent('#kpi-units')).toBe('1');
    const units = await page.$$eval('#units-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(units[0]).toEqual(['运输处', '1', '0', '0', '0', '未报送']);
    expect(units[1]).toEqual(['建设管理处', '2', '1', '0', '0', '部分报送']);
    const lag = await page.$$eval('#lag-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(lag).toEqual([['2. 推进普通国省道改造（普通国省道改造 500公里）', '公路局', '60.2%', '滞后', '征地拆迁进度慢', '协调地方政府加快征拆']]);
    expect(await page.textContent('#period-info')).toBe('报送截止 2026-06-28 · 填报中');
  });

  it('downloads the 通报 with the token, loads nothing from outside and logs no errors', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#bulletin')]);
    expect(download.suggestedFilename()).toBe('重点任务推进情况通报-2026-06.docx');
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/dashboard.png', fullPage: true });
  });

  it('exports the month’s workbook', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#workbook')]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path).subarray(0, 2).toString()).toBe('PK');
  });

  it('lets the office close the month after confirming', async () => {
    page.once('dialog', (d) => d.accept());
    expect(await page.textContent('#close-period')).toBe('关闭本月');
    await page.click('#close-period');
    await page.waitForFunction(() => document.getElementById('period-info')?.textContent?.includes('已关闭'));
    expect(await page.textContent('#close-period')).toBe('重新开放本月');
    const periods = await (
      await fetch(`${server.url}/api/v1/plans/${server.planIds[0]}/periods`, { headers: { authorization: `Bearer ${server.adminToken}` } })
    ).json();
    expect(periods.find((p: { period: string }) => p.period === '2026-06').status).toBe('closed');
  });

  it('reopens the month only with a reason, which the audit keeps', async () => {
    const periodsNow = async () =>
      (
        await (await fetch(`${server.url}/api/v1/plans/${server.planIds[0]}/periods`, { headers: { authorization: `Bearer ${server.adminToken}` } })).json()
      ).find((p: { period: string }) => p.period === '2026-06').status;
    page.once('dialog', (d) => d.dismiss()); // no reason given: nothing happens
    await page.click('#close-period');
    expect(await periodsNow()).toBe('closed');
    page.once('dialog', (d) => {
      expect(d.type()).toBe('prompt');
      void d.accept('补报公路局数据');
    });
    await page.click('#close-period');
    await page.waitForFunction(() => document.getElementById('close-period')?.textContent === '关闭本月');
    expect(await periodsNow()).toBe('open');
    const audit = await (
      await fetch(`${server.url}/api/v1/audit?planId=${server.planIds[0]}`, { headers: { authorization: `Bearer ${server.adminToken}` } })
    ).json();
    expect(JSON.stringify(audit.filter((e: { action: string }) => e.action === 'reopen'))).toContain('补报公路局数据');
  });

  it('asks for a token first, and hides closing a month from viewers', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, locale: 'zh-CN' });
    try {
      const fresh = await context.newPage();
      await fresh.goto(`${server.url}/dashboard/`);
      await fresh.waitForSelector('body[data-state="no-token"]');
      expect(await fresh.isVisible('#settings')).toBe(true);
      expect(await fresh.textContent('#message')).toContain('访问令牌');
      await fresh.fill('#token', await server.viewerToken());
      await fresh.click('#settings button[type="submit"]');
      await fresh.waitForSelector('body[data-state="ready"]');
      expect(await fresh.isVisible('#settings')).toBe(false);
      expect(await fresh.isVisible('#close-period')).toBe(false);
      expect(await fresh.evaluate(() => localStorage.getItem('qingdan.token'))).toMatch(/\S{16,}/);
      // a revoked or wrong token: a Chinese message and the settings again
      await fresh.evaluate(() => localStorage.setItem('qingdan.token', 'wrong'));
      await fresh.reload();
      await fresh.waitForSelector('body[data-state="error"]');
      expect(await fresh.textContent('#message')).toBe('访问令牌无效或已撤销');
      expect(await fresh.isVisible('#settings')).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('switches month from the picker', async () => {
    await page.selectOption('#period', '2026-05');
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.textContent('#kpi-report')).toBe('50%');
    expect((await option('trend')).x).toHaveLength(5);
  });
});
