// The task pane's controller against the real server (PGlite) and the fake Excel, in Node: 填充 does not
// overwrite unsynced edits unless pressed twice; 同步 then 填充 again keeps the server's values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { Controller, monthLabel, NoTasksError, reportingMonth, UnsyncedChangesError } from '../../addin/controller';
import { periodEnd } from '../../model/progress';
import { COLUMN_INDEX as C } from '../../model/sheet';
import { createFakeExcel } from '../fakes/excel-fake';
import { stateSheetNameFor } from '../../addin/excel/layout';
import { readState, StateSheetError } from '../../addin/excel/state';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const sel = { planId: 'sample', period: '2024-05', admin: false };

function addressOf(excel: ReturnType<typeof createFakeExcel>, itemId: string, col: number): { sheet: string; address: string } {
  const sheet = excel.state.sheets.find((s) => s.name.startsWith('2024-05'))!;
  const r = sheet.rows.findIndex((row) => row?.[C.id]?.v === itemId);
  return { sheet: sheet.name, address: `${String.fromCharCode(65 + col)}${r + 1}` };
}

describe('controller', () => {
  it('refuses to refill over unsynced edits, then refills on the second press', async () => {
    const excel = createFakeExcel();
    const c = new Controller(() => excel);
    const me = await c.connect(server.url, await server.reporterToken('建设管理处'));
    expect(me.unit?.name).toBe('建设管理处');
    await c.fill(sel);
    const { sheet, address } = addressOf(excel, 't1-m1', C.cumulative);
    excel.state.userEdit(sheet, address, 33);
    await expect(c.fill(sel)).rejects.toBeInstanceOf(UnsyncedChangesError);
    expect(excel.state.read(sheet, address)).toBe(33); // untouched
    await c.fill(sel); // second press: the user chose to discard
    expect(excel.state.read(sheet, address)).toBe('');
  });

  it('a state sheet a user damaged: 同步 says so in Chinese; 填充 twice rebuilds the same sheet and syncs again', async () => {
    const excel = createFakeExcel();
    const c = new Controller(() => excel);
    await c.connect(server.url, await server.reporterToken('建设管理处'));
    const { sheetName } = await c.fill(sel);
    const stateSheet = stateSheetNameFor(sel.planId, sel.period);
    excel.state.userEdit(stateSheet, 'B1', '{"t1-m1": {"version": -3}}');
    await expect(c.sync(sel)).rejects.toThrow(/隐藏的状态表.*内容有误（同步快照：.*格式不符）。.*连按两次“填充”/);
    await expect(c.fill(sel)).rejects.toBeInstanceOf(StateSheetError);
    const again = await c.fill(sel);
    expect(again.sheetName).toBe(sheetName); // rebuilt in place, not a second sheet
    const { sheet, address } = addressOf(excel, 't1-m1', C.cumulative);
    excel.state.userEdit(sheet, address, 42); // on pace with May’s 序时进度 (41.7%): no 存在问题 needed
    expect((await c.sync(sel)).counts.applied).toBe(1);
  });

  it('sync, then refill shows the server values', async () => {
    const excel = createFakeExcel();
    const c = new Controller(() => excel);
    await c.connect(server.url, await server.reporterToken('建设管理处'));
    await c.fill(sel);
    const { sheet, address } = addressOf(excel, 't5-m1', C.cumulative);
    excel.state.userEdit(sheet, address, 44);
    const report = await c.sync(sel);
    expect(report.counts.applied).toBe(1);
    await c.fill(sel); // no unsynced edits: no guard
    expect(excel.state.read(sheet, address)).toBe(44);
  });

  it('填充 keeps the cursor that came with the rows, so 刷新 pulls only what changed after them', async () => {
    const excel = createFakeExcel();
    const c = new Controller(() => excel);
    await c.connect(server.url, await server.reporterToken('建设管理处'));
    await c.fill(sel);
    const state = await excel.run((ctx) => readState(ctx, stateSheetNameFor(sel.planId, sel.period)));
    expect(state?.meta.cursor).toEqual(expect.any(String));
    const changes = await fetch(`${server.url}/api/v1/plans/${sel.planId}/changes?since=${state!.meta.cursor}`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect((await changes.json()).entries).toEqual([]);
  });

  it('tells a unit with no assigned task to ask the planning office, and leaves the workbook alone', async () => {
    const excel = createFakeExcel();
    const c = new Controller(() => excel);
    await c.connect(server.url, await server.reporterToken('无任务单位'));
    await expect(c.fill(sel)).rejects.toBeInstanceOf(NoTasksError);
    await expect(c.fill(sel)).rejects.toThrow('“无任务单位”在该计划中没有牵头或配合的任务');
    expect(excel.state.sheets.map((s) => s.name)).toEqual(['Sheet1']); // no plan sheet, no state sheet
  });

  it('a button pressed while a cell is being edited asks for Enter, then goes on (InvalidOperationInCellEditMode)', async () => {
    const excel = createFakeExcel();
    const c = new Controller(() => excel);
    c.cellEditIntervalMs = 0;
    await c.connect(server.url, await server.reporterToken('建设管理处'));
    await c.fill(sel);
    const { sheet, address } = addressOf(excel, 't1-m1', C.cumulative);
    excel.state.userEdit(sheet, address, 43); // on pace: 校验 has nothing to refuse
    excel.state.cellEditMode = true; // the user is typing into another cell
    const told: (string | null)[] = [];
    c.onCellEdit = (m) => {
      told.push(m);
      if (m && told.filter(Boolean).length === 2) excel.state.endCellEdit(); // presses Enter after a while
    };
    const report = await c.sync(sel);
    expect(report.counts.applied).toBe(1);
    expect(told[0]).toContain('请按 Enter');
    expect(told.at(-1)).toBeNull(); // the notice is taken away once the work goes on
    // Office's own behaviour, which the pane used to show raw:
    excel.state.cellEditMode = true;
    await expect(
      excel.run(async (ctx) => {
        ctx.workbook.worksheets.getItem(sheet).getRange(address).load('values');
        await ctx.sync();
      }),
    ).rejects.toMatchObject({ code: 'InvalidOperationInCellEditMode' });
    excel.state.endCellEdit();
  });

  it('lists months as 2024年5月（截止5月28日 · 已关闭）, opens on the month being reported, fills a closed month read-only', async () => {
    expect(monthLabel({ period: '2023-06', deadline: '2023-06-28', status: 'closed' })).toBe('2023年6月（截止6月28日 · 已关闭）');
    expect(monthLabel({ period: '2023-07', deadline: '2023-07-28', status: 'open' })).toBe('2023年7月（截止7月28日）');
    const ps = [
      { period: '2023-05', deadline: '2023-05-28', status: 'closed' as const },
      { period: '2023-06', deadline: '2023-06-28', status: 'open' as const },
      { period: '2023-07', deadline: '2023-07-28', status: 'open' as const },
    ];
    expect(reportingMonth(ps, '2023-06-10')).toBe('2023-06');
    expect(reportingMonth(ps, '2023-06-29')).toBe('2023-07');
    expect(reportingMonth(ps, '2024-01-05')).toBe('2023-07');

    const closedSel = { planId: 'sample', period: '2024-04', admin: false };
    const res = await fetch(`${server.url}/api/v1/plans/sample/periods/2024-04/close`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(res.status).toBeLessThan(300);
    const excel = createFakeExcel();
    const c = new Controller(() => excel);
    await c.connect(server.url, await server.reporterToken('建设管理处'));
    const { months } = await c.months('sample');
    expect(months.find((m) => m.period === '2024-04')).toMatchObject({ closed: true, label: expect.stringMatching(/^2024年4月（截止4月\d+日 · 已关闭）$/) });
    const r = await c.fill(closedSel);
    expect(r.closed).toBe(true);
    const sheet = excel.state.sheets.find((x) => x.name.startsWith('2024-04'))!;
    const row = sheet.rows.findIndex((x) => x?.[C.id]?.v === 't1-m1');
    expect(sheet.cell(row, C.cumulative).locked).toBe(true);
    expect(() => excel.state.userEdit(sheet.name, `I${row + 1}`, 5)).toThrow(/AccessDenied/);
  });

  it('admin mode: an unknown 牵头单位 is marked on its cell and not sent', async () => {
    const excel = createFakeExcel();
    const c = new Controller(() => excel);
    await c.connect(server.url, server.adminToken);
    const adminSel = { planId: 'sample', period: '2024-06', admin: true };
    const { sheetName } = await c.fill(adminSel);
    const sheet = excel.state.sheet(sheetName)!;
    const r = sheet.rows.findIndex((x) => x?.[C.id]?.v === 't1-m1');
    const lead = `${String.fromCharCode(65 + C.lead)}${r + 1}`;
    excel.state.userEdit(sheetName, lead, '不存在的单位');
    const report = await c.sync(adminSel);
    const item = report.items.find((i) => i.kind === 'invalid' && i.col === C.lead)!;
    expect(item.address).toBe(lead);
    expect(item.message).toContain('牵头单位“不存在的单位”在服务器上不存在');
    expect(sheet.cell(r, C.lead).fill).toBe('#F8D7DA');
    const plan = await (await fetch(`${server.url}/api/v1/plans/sample`, { headers: { authorization: `Bearer ${server.adminToken}` } })).json();
    expect(JSON.stringify(plan.assignments ?? {})).not.toContain('不存在的单位');
  });

  it('says so when there is no Excel', async () => {
    const c = new Controller(() => undefined);
    await c.connect(server.url, server.adminToken);
    await expect(c.fill(sel)).rejects.toThrow('未检测到 Excel');
  });

  it('knows the last day of a month', () => {
    expect(periodEnd('2024-02')).toBe('2024-02-29');
    expect(periodEnd('2026-12')).toBe('2026-12-31');
  });
});
