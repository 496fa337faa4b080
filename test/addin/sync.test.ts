// The sync client over the fake Excel and a fake API: diff-based changes, validation, batches kept in
// the workbook and re-sent with the same batchId, results in the cells, pull merges and conflicts.
import { describe, expect, it } from 'vitest';
import { COLUMN_INDEX as C } from '../../model/sheet';
import { ApiClient } from '../../addin/sync/api';
import { SheetSync } from '../../addin/sync/engine';
import { readState } from '../../addin/excel/state';
import { MARK_COLORS, NOTE_COL } from '../../addin/excel/layout';
import { FakeApi } from '../fakes/fake-api';
import { filled, PERIOD } from './helpers';

async function setup(tasks = 20) {
  const f = await filled(tasks);
  const api = new FakeApi();
  const sync = new SheetSync(f.excel, new ApiClient('https://qd.test', 'tok', api.fetch), f.sheetName, f.stateSheetName);
  const type = (itemId: string, col: number, v: string | number) => f.excel.state.userEdit(f.sheetName, f.addressOf(itemId, col), v);
  const cell = (itemId: string, col: number) => f.excel.state.cellAt(f.sheetName, f.addressOf(itemId, col));
  const state = () => f.excel.run((ctx) => readState(ctx, f.stateSheetName));
  return { ...f, api, sync, type, cell, state };
}

describe('sync', () => {
  it('sends one entry for one changed row in a 10,000-row sheet', async () => {
    const s = await setup(10_000);
    s.type('t4999.1', C.cumulative, 42);
    const report = await s.sync.sync();
    expect(s.api.pushes).toHaveLength(1);
    expect(s.api.pushes[0].entries).toBe(1);
    expect(s.api.pushes[0].bytes).toBeLessThan(1000);
    expect(report.counts.applied).toBe(1);
    expect(s.api.entries.get('t4999.1@2026-03')!.values.cumulative).toBe(42);
    // Nothing changed since: a second sync sends nothing.
    await s.sync.sync();
    expect(s.api.pushes).toHaveLength(1);
  });

  it('reads back a sheet whose rows exceed the 5 MB response limit by splitting the reads', async () => {
    const f = await filled(5_000, 'heavy'); // ~1.6 KB a row: 4,000 rows = 6.4 MB, refused in one response
    const api = new FakeApi();
    const sync = new SheetSync(f.excel, new ApiClient('https://qd.test', 'tok', api.fetch), f.sheetName, f.stateSheetName);
    for (const key of f.items.map((r) => (r as { key: string }).key)) api.write(key, { monthDone: 3, cumulative: 12 }); // the server holds version 1 of every row, as the sheet does
    f.excel.state.userEdit(f.sheetName, f.addressOf('t2499.1', C.cumulative), 99);
    f.excel.state.resetStats();
    const r = await sync.sync();
    expect(f.excel.state.stats.responseBytes.some((b) => b > 5 * 1024 * 1024)).toBe(true); // a refused read happened
    expect(api.pushes).toHaveLength(1);
    expect(api.pushes[0].entries).toBe(1);
    expect(r.counts.changed).toBe(1);
  });

  it('validates with the model rules: invalid cells are marked, listed and not sent; valid rows are', async () => {
    const s = await setup();
    s.excel.state.userPaste(s.sheetName, s.addressOf('t1.1', C.monthDone), '十二'); // paste bypasses validation
    s.type('t2.1', C.status, '滞后'); // 滞后 needs 存在问题 and 下步计划
    s.type('t3.1', C.progress, '已开工');
    const v = await s.sync.validate();
    expect(v.items.map((i) => [i.itemId, i.kind, i.address])).toEqual([
      ['t1.1', 'invalid', s.addressOf('t1.1', C.monthDone)],
      ['t2.1', 'invalid', s.addressOf('t2.1', C.problems)],
      ['t2.1', 'invalid', s.addressOf('t2.1', C.nextSteps)],
    ]);
    expect(s.cell('t1.1', C.monthDone)!.fill).toBe(MARK_COLORS.invalid);
    expect(String(s.cell('t1.1', NOTE_COL)!.v)).toContain('请填写数字');
    expect(s.api.pushes).toHaveLength(0); // 校验 sends nothing
    const r = await s.sync.sync();
    expect(r.counts.invalid).toBe(2);
    expect([...s.api.entries.keys()]).toEqual(['t3.1@2026-03']);
    expect(s.excel.state.sheet(s.sheetName)!.protected).toBe(true); // marks written, sheet protected again
  });

  it('finds changed rows by id after the user sorts the sheet', async () => {
    const s = await setup();
    s.type('t7.1', C.cumulative, 70);
    // Excel refuses to sort locked cells on a protected sheet: the user unprotects it first (no password).
    expect(() => s.excel.state.sortRows(s.sheetName, 1, 25, () => 0)).toThrow(/AccessDenied/);
    s.excel.state.userUnprotect(s.sheetName);
    s.excel.state.sortRows(s.sheetName, 1, 25, (a, b) => String(b[1]?.v ?? '').localeCompare(String(a[1]?.v ?? '')));
    await s.sync.sync();
    expect(s.api.entries.get('t7.1@2026-03')!.values.cumulative).toBe(70);
    expect(s.api.entries.size).toBe(1);
  });

  it('re-sends an unanswered batch with the same batchId; the server applies it once', async () => {
    const s = await setup();
    s.type('t4.1', C.cumulative, 10);
    s.api.failNext = 'drop-response'; // the server applied it, the answer was lost
    const first = await s.sync.sync();
    expect(first.offline).toBe(true);
    const kept = (await s.state())!.pending!;
    expect(kept.batchId).toBe(first.batchId);
    expect(kept.entries.map((e) => e.key)).toEqual(['t4.1@2026-03']);
    const second = await s.sync.sync();
    expect(second.batchId).toBe(first.batchId);
    expect(second.replayed).toBe(true);
    expect(s.api.entries.get('t4.1@2026-03')!.version).toBe(1); // applied once
    expect((await s.state())!.pending).toBeNull();
    expect((await s.state())!.snapshot['t4.1'].version).toBe(1);
    await s.sync.sync();
    expect(s.api.pushes.map((p) => p.batchId)).toEqual([first.batchId, first.batchId]);
  });

  it('marks applied cells applied and points each result at the cell it is about, not at 本月完成', async () => {
    const s = await setup();
    s.type('t3.1', C.progress, '已完成招标');
    s.api.write('t6.1@2026-03', { problems: '资金未到位' }); // a colleague's change, merged by the pull
    const r = await s.sync.sync();
    const applied = r.items.find((i) => i.kind === 'applied')!;
    expect(applied.address).toBe(s.addressOf('t3.1', C.progress));
    expect(s.cell('t3.1', C.progress)!.fill).toBe(MARK_COLORS.applied);
    expect(s.cell('t3.1', C.monthDone)!.fill).toBeNull(); // empty: not marked
    const merged = r.items.find((i) => i.kind === 'merged')!;
    expect(merged.address).toBe(s.addressOf('t6.1', C.problems));
  });

  it('keeps edits in the workbook when the request never reaches the server', async () => {
    const s = await setup();
    s.type('t4.1', C.progress, '离线时填写');
    s.api.failNext = 'drop-request';
    const r = await s.sync.sync();
    expect(r.offline).toBe(true);
    expect(r.items[0].message).toContain('修改已保存在工作簿中');
    expect(s.api.entries.size).toBe(0);
    await s.sync.sync();
    expect(s.api.entries.get('t4.1@2026-03')!.values.progress).toBe('离线时填写');
  });

  it('shows a conflict on the row, and lets the user keep either side', async () => {
    const s = await setup();
    s.api.write('t6.1@2026-03', { cumulative: 120 }); // a colleague synced first
    s.type('t6.1', C.cumulative, 100);
    const r = await s.sync.sync();
    expect(r.counts.conflicts).toBe(1);
    expect(s.cell('t6.1', C.cumulative)!.fill).toBe(MARK_COLORS.conflict);
    expect(String(s.cell('t6.1', NOTE_COL)!.v)).toContain('累计完成=120');
    expect(s.cell('t6.1', C.cumulative)!.v).toBe(100); // mine stays in the cell
    // A conflicted row is not re-sent until resolved.
    await s.sync.sync();
    expect(s.api.entries.get('t6.1@2026-03')!.version).toBe(1);
    await s.sync.resolve('t6.1', 'mine');
    await s.sync.sync();
    expect(s.api.entries.get('t6.1@2026-03')!.values.cumulative).toBe(100);
    expect(s.api.entries.get('t6.1@2026-03')!.version).toBe(2);

    s.api.write('t6.1@2026-03', { cumulative: 130 });
    s.type('t6.1', C.cumulative, 111);
    await s.sync.sync();
    await s.sync.resolve('t6.1', 'server');
    expect(s.cell('t6.1', C.cumulative)!.v).toBe(130);
    expect(s.cell('t6.1', C.cumulative)!.fill).toBeNull();
    await s.sync.sync();
    expect(s.api.entries.get('t6.1@2026-03')!.version).toBe(3);
  });

  it('marks server rejections in the cell with the Chinese message, and local rule failures before sending', async () => {
    const s = await setup();
    s.api.forbidden.add('t8.1@2026-03'); // e.g. the task was reassigned to another unit meanwhile
    s.type('t8.1', C.cumulative, 8);
    s.type('t9.1', C.monthDone, 60);
    s.type('t9.1', C.cumulative, 50); // 本月完成 > 累计完成: caught locally, never sent
    const r = await s.sync.sync();
    expect(r.counts.rejected).toBe(1);
    const rejected = r.items.find((i) => i.kind === 'rejected')!;
    expect(rejected.message).toBe('服务器拒绝：无权填报该任务（不是本单位牵头或配合的任务）');
    expect(rejected.address).toBe(s.addressOf('t8.1', C.task)); // field 'task' → the 任务 cell
    expect(s.cell('t8.1', C.task)!.fill).toBe(MARK_COLORS.rejected);
    expect(String(s.cell('t8.1', NOTE_COL)!.v)).toContain('无权填报该任务');
    expect(s.cell('t8.1', NOTE_COL)!.fill).toBe(MARK_COLORS.rejected);
    expect(r.items.find((i) => i.kind === 'invalid')!.message).toBe('本月完成：本月完成不能大于累计完成');
    expect(s.api.pushes[0].entries).toBe(1);
  });

  it('refresh merges server changes into untouched rows and turns touched-and-changed rows into conflicts', async () => {
    const s = await setup();
    s.api.write('t1.1@2026-03', { cumulative: 11, progress: '服务器填写' });
    s.api.write('t2.1@2026-03', { cumulative: 22 });
    s.api.write('x9@2026-02', { cumulative: 1 }); // another month: ignored
    s.type('t2.1', C.cumulative, 20); // touched locally
    const r = await s.sync.refresh();
    expect(r.counts.merged).toBe(1);
    expect(r.counts.conflicts).toBe(1);
    expect(s.cell('t1.1', C.cumulative)!.v).toBe(11);
    expect(s.cell('t1.1', C.progress)!.v).toBe('服务器填写');
    expect(s.cell('t2.1', C.cumulative)!.v).toBe(20);
    expect(s.cell('t2.1', C.cumulative)!.fill).toBe(MARK_COLORS.conflict);
    const st = (await s.state())!;
    expect(st.snapshot['t1.1'].version).toBe(1);
    expect(st.conflicts['t2.1'].server.cumulative).toBe(22);
    expect(st.meta.cursor).toBe(String(s.api.seq));
    expect(st.meta.period).toBe(PERIOD);
  });
});
