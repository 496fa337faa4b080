// 序时进度 lights in the add-in (issue 10): 校验 marks a yellow or red row's 存在问题 and 下步计划 cells with
// the Chinese message before anything is sent, as the push would refuse it; the plan's own thresholds
// (month-settings) and the target the server gives for the month decide. Real server (PGlite), fake Excel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { Controller } from '../../addin/controller';
import { COLUMN_INDEX as C } from '../../model/sheet';
import { createFakeExcel } from '../fakes/excel-fake';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

// May: 序时进度 41.7%. 建设管理处 leads t1 (t1-m1: 101 亿元) and t5 (t5-m1: 105 亿元).
const sel = { planId: 'sample', period: '2024-05', admin: false };

function addressOf(excel: ReturnType<typeof createFakeExcel>, itemId: string, col: number): { sheet: string; address: string } {
  const sheet = excel.state.sheets.find((s) => s.name.startsWith('2024-05'))!;
  const r = sheet.rows.findIndex((row) => row?.[C.id]?.v === itemId);
  return { sheet: sheet.name, address: `${String.fromCharCode(65 + col)}${r + 1}` };
}

describe('add-in · 序时进度 lights', () => {
  it('校验 marks a yellow row on 存在问题 and 下步计划; 同步 does not send it; with both texts it is applied', async () => {
    const excel = createFakeExcel();
    const c = new Controller(() => excel);
    await c.connect(server.url, await server.reporterToken('建设管理处'));
    await c.fill(sel);
    const cum = addressOf(excel, 't1-m1', C.cumulative);
    excel.state.userEdit(cum.sheet, cum.address, 20); // 19.8%: 21.9 points behind → yellow
    const report = await c.validate(sel);
    expect(report.counts.invalid).toBe(1);
    const invalid = report.items.filter((i) => i.kind === 'invalid');
    expect(invalid.map((i) => i.address)).toEqual([addressOf(excel, 't1-m1', C.problems).address, addressOf(excel, 't1-m1', C.nextSteps).address]);
    expect(invalid[0].message).toBe('存在问题：完成率落后序时进度（黄灯/红灯）时须填写存在问题（黄灯）');
    expect(invalid[1].message).toContain('下步计划');

    const sync = await c.sync(sel);
    expect(sync.counts).toMatchObject({ invalid: 1, sent: 0, applied: 0 });

    const problems = addressOf(excel, 't1-m1', C.problems);
    excel.state.userEdit(problems.sheet, problems.address, '征地拆迁滞后');
    excel.state.userEdit(problems.sheet, addressOf(excel, 't1-m1', C.nextSteps).address, '召开协调会');
    expect((await c.validate(sel)).counts.invalid).toBe(0);
    expect((await c.sync(sel)).counts.applied).toBe(1);
  });

  it('a red row says 红灯; the plan’s thresholds from month-settings apply after 填充', async () => {
    const excel = createFakeExcel();
    const c = new Controller(() => excel);
    await c.connect(server.url, await server.reporterToken('建设管理处'));
    await c.fill(sel);
    const cum = addressOf(excel, 't5-m1', C.cumulative);
    excel.state.userEdit(cum.sheet, cum.address, 5); // 4.8%: 36.9 points behind → red
    const red = (await c.validate(sel)).items.filter((i) => i.kind === 'invalid');
    expect(red.map((i) => i.message.endsWith('（红灯）'))).toEqual([true, true]);

    const put = await fetch(`${server.url}/api/v1/plans/sample/month-settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ lights: { yellow: 25, red: 45 } }),
    });
    expect(put.status).toBe(200);
    await c.fill(sel).catch(() => c.fill(sel)); // the unsynced edit guards the first press
    excel.state.userEdit(cum.sheet, cum.address, 20); // 19%: 22.7 behind → green under 25/45
    expect((await c.validate(sel)).counts.invalid).toBe(0);
    excel.state.userEdit(cum.sheet, cum.address, 5); // 36.9 behind → yellow under 25/45
    const yellow = (await c.validate(sel)).items.filter((i) => i.kind === 'invalid');
    expect(yellow.map((i) => i.message.endsWith('（黄灯）'))).toEqual([true, true]);
    expect((await c.sync(sel)).counts.sent).toBe(0);
  });
});
