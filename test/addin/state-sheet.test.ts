// The state sheet is parsed with zod (addin/state-format.ts): real names, old short-key workbooks still
// read (migrated), and a sheet a user broke gives a Chinese message instead of a crash.
import { describe, expect, it } from 'vitest';
import { parseState, StateSheetError } from '../../addin/state-format';
import { readState, valuesHash } from '../../addin/excel/state';
import { SheetSync } from '../../addin/sync/engine';
import { ApiClient } from '../../addin/sync/api';
import { EMPTY_PROGRESS } from '../../model/progress';
import { COLUMN_INDEX as C } from '../../model/sheet';
import { FakeApi } from '../fakes/fake-api';
import { filled } from './helpers';

const meta = { planId: 'p', planTitle: 'T', period: '2026-03', sheetName: 'S', admin: true, unit: null, cursor: null, rowCount: 2 };
const texts = (o: Partial<Record<'meta' | 'snapshot' | 'pending' | 'pendingTargets' | 'conflicts', unknown>>) =>
  ({
    meta: null,
    snapshot: null,
    pending: null,
    pendingTargets: null,
    conflicts: null,
    ...Object.fromEntries(Object.entries(o).map(([k, v]) => [k, JSON.stringify(v)])),
  }) as Record<'meta' | 'snapshot' | 'pending' | 'pendingTargets' | 'conflicts', string | null>;

describe('parseState', () => {
  it('migrates the short keys of older workbooks to the named ones', () => {
    const old = {
      'a.1': { v: 4, h: 'abc', a: ['≥5', '个', '交通局'], tv: 2, t: 'a', co: ['财政局'], tg: true, x: { monthDone: [45000, 'date'] } },
      'b.1': { v: 1, h: 'def' },
    };
    const st = parseState('状态', texts({ meta, snapshot: old }))!;
    expect(st.snapshot['a.1']).toEqual({
      version: 4,
      hash: 'abc',
      admin: { targetText: '≥5', unit: '个', lead: '交通局' },
      targetVersion: 2,
      taskId: 'a',
      coLeads: ['财政局'],
      isTarget: true,
      refused: { monthDone: [45000, 'date'] },
    });
    expect(st.snapshot['b.1']).toEqual({ version: 1, hash: 'def' });
    expect(st.pending).toBeNull();
    expect(st.conflicts).toEqual({});
  });

  it('reads the named format as written', () => {
    const snapshot = { 'a.1': { version: 2, hash: 'x', isTarget: false } };
    const conflicts = { 'a.1': { itemId: 'a.1', key: 'a.1@2026-03', version: 3, server: EMPTY_PROGRESS, mine: { monthDone: '5' } } };
    expect(parseState('状态', texts({ meta, snapshot, conflicts }))).toEqual({ meta, snapshot, pending: null, pendingTargets: null, conflicts });
    expect(parseState('状态', texts({ snapshot }))).toBeNull(); // no meta: not a filled sheet
  });

  it('refuses a malformed part with a Chinese message naming the part', () => {
    const bad = (o: Parameters<typeof texts>[0], raw?: Partial<Record<string, string>>) => () => parseState('清单状态', { ...texts(o), ...raw });
    expect(bad({ meta }, { snapshot: '{"a.1": {"v": 1,' })).toThrow(StateSheetError);
    expect(bad({ meta }, { snapshot: '{"a.1": {"v": 1,' })).toThrow('隐藏的状态表“清单状态”内容有误（同步快照：不是有效的 JSON）');
    expect(bad({ meta, snapshot: { 'a.1': { version: 'one', hash: 'x' } } })).toThrow(/同步快照：a\.1.* 格式不符/);
    expect(bad({ meta: { ...meta, period: 202603 } })).toThrow(/表信息：period 格式不符/);
    expect(bad({ meta, pending: { batchId: 'short', entries: [] } })).toThrow(/待确认批次/);
  });
});

describe('the state sheet in a workbook', () => {
  it('a sheet filled before the rename still syncs: the old snapshot is read and rewritten with names', async () => {
    const f = await filled(3);
    const api = new FakeApi();
    const item = f.items[0];
    const hash = valuesHash(EMPTY_PROGRESS);
    // What an older add-in wrote: column B of the state sheet holds the snapshot.
    f.excel.state.userEdit(f.stateSheetName, 'B1', JSON.stringify({ [item.kind === 'item' ? item.itemId : '']: { v: 0, h: hash } }));
    const itemId = item.kind === 'item' ? item.itemId : '';
    expect((await f.excel.run((ctx) => readState(ctx, f.stateSheetName)))!.snapshot[itemId]).toEqual({ version: 0, hash });
    f.excel.state.userEdit(f.sheetName, f.addressOf(itemId, C.cumulative), 7);
    const sync = new SheetSync(f.excel, new ApiClient('https://qd.test', 'tok', api.fetch), f.sheetName, f.stateSheetName);
    const report = await sync.sync();
    expect(report.counts.applied).toBe(1);
    const st = await f.excel.run((ctx) => readState(ctx, f.stateSheetName));
    expect(st!.snapshot[itemId]).toEqual({ version: 1, hash: valuesHash({ ...EMPTY_PROGRESS, cumulative: 7 }) });
  });

  it('a state sheet a user broke: 同步 says so in Chinese, nothing is sent', async () => {
    const f = await filled(3);
    const api = new FakeApi();
    f.excel.state.userEdit(f.stateSheetName, 'A1', '{"planId": 5}');
    const sync = new SheetSync(f.excel, new ApiClient('https://qd.test', 'tok', api.fetch), f.sheetName, f.stateSheetName);
    await expect(sync.sync()).rejects.toThrow(/隐藏的状态表.*内容有误（表信息：planId 格式不符）/);
    expect(api.pushes).toHaveLength(0);
  });
});
