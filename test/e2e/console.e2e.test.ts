// End to end (issue 9) in Debian chromium, from an empty database: the office imports a .docx plan in
// /console/, corrects one target and one unit in the preview, confirms, creates two units, issues a
// token and sees it listed, assigns by task number; the unit pushes progress through the API; the office
// closes the month (the warning names the unit that has not reported), reopens it with a reason, finds
// the reason in the audit screen and 销号 the ledger item. Each step is asserted through the API;
// screenshots in test-artifacts/ (console-*.png).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server';
import { planDocx } from '../console/fixture';

const CHROMIUM = '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
if (missing && process.env.CI === 'true') throw new Error(`${CHROMIUM} is required on CI`);
const ARTIFACTS = 'test-artifacts';
const clock = new Date('2024-06-20T10:00:00+08:00');

describe.skipIf(missing)('office console in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const api = async (method: string, path: string, body?: unknown, token = server.adminToken) => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}/console-${name}.png`, fullPage: true });
  const screen = async (name: string) => {
    await page.click(`#nav button[data-screen="${name}"]`);
    await page.waitForSelector(`main[data-loaded="${name}"]`);
  };
  const message = async (re: RegExp) => {
    await page.waitForFunction((src) => new RegExp(src).test(document.getElementById('message')!.textContent ?? ''), re.source);
    return page.textContent('#message');
  };
  const until = async (f: () => Promise<boolean>) => {
    for (let i = 0; i < 100; i++)
      if (await f()) return;
      else await new Promise((r) => setTimeout(r, 100));
    throw new Error('condition not met');
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ plans: [], app: { now: () => clock } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('walks the office through the year', async () => {
    expect((await api('GET', '/plans')).body).toEqual([]);
    await page.goto(`${server.url}/console/`);
    await page.fill('#token', server.adminToken);
    await page.click('#connect');
    await page.waitForSelector('main[data-loaded="plans"]');

    // 1. import a .docx → preview with warnings, the tree beside the source
    await page.setInputFiles('#file', {
      name: '2024年交通运输工作要点.docx',
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      buffer: await planDocx(),
    });
    await page.waitForSelector('#tree .node');
    const previewId = (await page.getAttribute('#preview-box', 'data-preview-id'))!;
    expect(await page.textContent('#warnings')).toContain('编号不连续：“一”之后是“三”');
    expect(await page.textContent('#warnings')).toContain('推进智慧交通建设 没有牵头单位');
    expect(await page.$$eval('#source mark', (ms) => ms.map((m) => m.textContent))).toEqual(['100亿元', '500公里', '60%']);
    await shot('1-preview');

    // 2. correct one target (100 → 120 亿元) and one unit (task 4 gets 建设管理处)
    await page.fill('#tree .node[data-number="1"] .target .value >> nth=0', '120');
    await page.press('#tree .node[data-number="1"] .target .value >> nth=0', 'Tab');
    await page.fill('#tree .node[data-number="4"] input.lead', '建设管理处');
    await page.press('#tree .node[data-number="4"] input.lead', 'Tab');
    await until(async () => {
      const p = (await api('GET', `/plans/import/${previewId}`)).body.plan;
      return p.nodes[0].children[0].targets[0].value === 120 && p.nodes[0].children[2].units?.lead?.[0] === '建设管理处';
    });
    await page.waitForFunction(() => !document.getElementById('warnings')!.textContent!.includes('推进智慧交通建设 没有牵头单位'));
    await shot('2-corrected');

    // 3. confirm → stored with the corrections
    await page.click('#confirm');
    await message(/已导入计划/);
    const plans = (await api('GET', '/plans')).body;
    expect(plans).toHaveLength(1);
    const planId = plans[0].id;
    const plan = (await api('GET', `/plans/${planId}`)).body;
    expect(plan.nodes[0].children[0].targets[0]).toMatchObject({ value: 120, unit: '亿元' });
    expect(plan.nodes[0].children[2].units).toEqual({ lead: ['建设管理处'] });
    expect((await api('GET', `/plans/import/${previewId}`)).status).toBe(404);

    // 4. two units; a duplicate is refused in Chinese
    await screen('units');
    for (const name of ['建设管理处', '运输处']) {
      await page.fill('#unit-name', name);
      await page.click('#unit-create');
      await message(new RegExp(`已创建单位：${name}`));
      await page.waitForSelector(`#unit-list tr[data-unit="${name}"]`);
    }
    await page.fill('#unit-name', '运输处');
    await page.click('#unit-create');
    expect(await message(/单位已存在/)).toContain('单位已存在：运输处');
    expect((await api('GET', '/units')).body.map((u: any) => u.name)).toEqual(['建设管理处', '运输处']);

    // 5. a token for 建设管理处, shown once, then in the list by its prefix
    await page.selectOption('#token-unit', { label: '建设管理处' });
    await page.click('#token-issue');
    await page.waitForSelector('#token-secret');
    const token = (await page.textContent('#token-secret'))!;
    expect(await page.inputValue('#token-text')).toContain(token);
    const listed = (await api('GET', '/tokens')).body.find((x: any) => x.unit?.name === '建设管理处');
    expect(token.startsWith(listed.prefix.replace('…', ''))).toBe(true);
    expect(await page.textContent(`#token-list tr[data-token="${listed.id}"]`)).toContain(listed.prefix);
    await shot('3-token');

    // 6. assignments by task number: 一.1 → 建设管理处, 三.1 → 运输处
    await screen('assign');
    for (const [task, unit] of [
      ['一.1', '建设管理处'],
      ['三.1', '运输处'],
    ]) {
      await page.check(`#assign-table input.pick[value="${task}"]`);
      await page.fill('#bulk-lead', unit);
      await page.click('#bulk-apply');
      await message(/已保存 1 项分工/);
      await page.waitForFunction(([t, u]) => document.querySelector(`#assign-table tr[data-task="${t}"] .lead`)?.textContent === u, [task, unit]);
    }
    const assignments = (await api('GET', `/plans/${planId}`)).body.assignments;
    expect(assignments[plan.nodes[0].children[0].id]).toEqual({ lead: ['建设管理处'], co: [] });
    expect(assignments[plan.nodes[1].children[0].id]).toEqual({ lead: ['运输处'], co: [] });
    await shot('4-assignments');

    // 7. the unit pushes June's progress through the API (a 存在问题 opens a ledger item)
    const target = plan.nodes[0].children[0].targets[0].id;
    const push = await api(
      'POST',
      `/plans/${planId}/progress/batches`,
      {
        batchId: 'console-e2e-1',
        entries: [
          {
            key: `${target}@2024-06`,
            baseVersion: 0,
            fields: { monthDone: 10, cumulative: 60, status: '推进中', problems: '部分项目资金未到位', nextSteps: '争取专项债' },
          },
        ],
      },
      token,
    );
    expect(push.status).toBe(200);
    expect(push.body.results[0].outcome).toBe('applied');

    // 8. close June: the confirmation names 运输处 (未填报)
    await screen('months');
    await page.click('#months tr[data-period="2024-06"] button.close');
    await page.waitForSelector('#close-dialog[open] #not-reported');
    const warning = (await page.textContent('#not-reported'))!;
    expect(warning).toContain('运输处（未填报）');
    await shot('5-close-warning');
    await page.click('#close-confirm');
    await page.waitForFunction(() => document.querySelector('#months tr[data-period="2024-06"] .status')?.textContent === '已关闭');
    const june = async () => (await api('GET', `/plans/${planId}/periods`)).body.find((p: any) => p.period === '2024-06').status;
    expect(await june()).toBe('closed');

    // 9. reopen: without a reason refused (still closed), then with one
    await page.click('#months tr[data-period="2024-06"] button.reopen');
    expect(await message(/原因/)).toMatch(/重新开放月份须填写原因/);
    expect(await june()).toBe('closed');
    await page.fill('#months tr[data-period="2024-06"] input.reason', '运输处补报六月数据');
    await page.click('#months tr[data-period="2024-06"] button.reopen');
    await message(/已重新开放/);
    expect(await june()).toBe('open');

    // 10. the reason in the audit screen (filtered by month), and in the API's audit
    await screen('audit');
    await page.fill('#audit-month', '2024-06');
    await page.click('#audit-search');
    await page.waitForFunction(() => document.getElementById('audit')!.textContent!.includes('运输处补报六月数据'));
    expect((await api('GET', `/audit?entity=period&planId=${planId}`)).body.find((a: any) => a.action === 'reopen').new.reason).toBe('运输处补报六月数据');
    await shot('6-audit');

    // 11. 销号 the ledger item in the console
    await screen('ledger');
    const item = (await api('GET', `/plans/${planId}/ledger`)).body.items[0];
    expect(item).toMatchObject({ status: 'open', text: '部分项目资金未到位', unit: '建设管理处' });
    await page.fill(`#ledger tr[data-item="${item.id}"] input.note`, '专项债资金已拨付');
    await page.click(`#ledger tr[data-item="${item.id}"] button.close-item`);
    await message(/已销号/);
    const closed = (await api('GET', `/plans/${planId}/ledger`)).body.items[0];
    expect(closed).toMatchObject({ status: 'closed', closeNote: '专项债资金已拨付' });
    await shot('7-ledger');

    // 12. a viewer sees the screens read-only; a unit's reporter token is turned away in Chinese
    const viewer = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN' });
    await viewer.addInitScript((t) => localStorage.setItem('qingdan.token', t), await server.viewerToken());
    await viewer.goto(`${server.url}/console/`);
    await viewer.waitForSelector('body[data-ready="viewer"]');
    await viewer.click('#nav button[data-screen="units"]');
    await viewer.waitForSelector('main[data-loaded="units"]');
    expect(await viewer.isVisible('#readonly')).toBe(true);
    expect(await viewer.isVisible('#token-issue')).toBe(false);
    expect(await viewer.textContent('#token-list')).toContain(listed.prefix);
    await viewer.close();
    const reporter = await browser.newPage({ locale: 'zh-CN' });
    await reporter.addInitScript((t) => localStorage.setItem('qingdan.token', t), token);
    await reporter.goto(`${server.url}/console/`);
    await reporter.waitForFunction(() => (document.getElementById('message')!.textContent ?? '').includes('填报单位的令牌'));
    expect(await reporter.isVisible('#nav')).toBe(false);
    await reporter.close();

    mkdirSync('docs/img', { recursive: true });
    copyFileSync(`${ARTIFACTS}/console-1-preview.png`, 'docs/img/console-preview.png');
  }, 180_000);
});
