// The sheet adapter over the fake: fill bounds, layout, locks, validation, text formats.
import { describe, expect, it } from 'vitest';
import { COLUMN_INDEX as C } from '../../model/sheet';
import { REQUEST_BUDGET } from '../../addin/excel/batcher';
import { DUE_COL, ID_COL, LOCKED_FILL, MARK_COLORS, NOTE_COL, stateSheetNameFor } from '../../addin/excel/layout';
import { updateSheet } from '../../addin/excel/sheet';
import { readState, valuesHash } from '../../addin/excel/state';
import { REQUEST_LIMIT } from '../fakes/excel-fake';
import { filled } from './helpers';

describe('fill', () => {
  it('fills 10,000 tasks within ceil(payload / 2 MB) + 2 syncs, no request over 5 MB (or over the 2 MB budget)', async () => {
    const { excel, items, sheetName } = await filled(10_000);
    const st = excel.state;
    const payload = st.totalRequestBytes;
    expect(items.length).toBe(10_000);
    expect(payload).toBeGreaterThan(2 * 1024 * 1024); // the test is meaningful only if it needs >1 request
    expect(st.stats.syncs).toBeLessThanOrEqual(Math.ceil(payload / (2 * 1024 * 1024)) + 2);
    expect(st.stats.requestBytes.filter((b) => b > REQUEST_LIMIT)).toEqual([]);
    expect(st.maxRequestBytes).toBeLessThanOrEqual(REQUEST_BUDGET);
    expect(st.stats.suspendCalc).toBeGreaterThan(0);
    expect(st.sheet(sheetName)!.rows.filter((r) => r?.[ID_COL]?.v).length).toBe(10_000 + 200 + 1); // items + sections + header
  });

  it('fills 5,000 rows full of long Chinese texts (~8 MB) within the same bound, every request ≤ 2 MB', async () => {
    const { excel } = await filled(5_000, 'heavy');
    const st = excel.state;
    expect(st.totalRequestBytes).toBeGreaterThan((3 * REQUEST_LIMIT) / 2); // would not fit one request
    expect(st.stats.syncs).toBeLessThanOrEqual(Math.ceil(st.totalRequestBytes / (2 * 1024 * 1024)) + 2);
    expect(st.maxRequestBytes).toBeLessThanOrEqual(REQUEST_BUDGET);
  });

  it('lays out the 重点任务清单: header, hidden id, frozen header, protection, locks, validation, formats', async () => {
    const { excel, sheetName, stateSheetName, items, addressOf } = await filled(30);
    const sheet = excel.state.sheet(sheetName)!;
    expect(sheet.rows[0]!.slice(0, 15).map((c) => c.v)).toEqual([
      '序号',
      '任务',
      '指标',
      '目标值',
      '单位',
      '牵头单位',
      '完成时限',
      '本月完成',
      '累计完成',
      '完成率',
      '状态',
      '进展情况',
      '存在问题',
      '下步计划',
      'id',
    ]);
    expect(sheet.hiddenColumns.has(ID_COL)).toBe(true);
    expect(sheet.hiddenColumns.has(DUE_COL)).toBe(true);
    expect(sheet.frozenRows).toBe(1);
    expect(sheet.protected).toBe(true);
    const row = Number(addressOf(items[0].itemId, 0).slice(1)) - 1;
    expect(sheet.cell(row, C.task).locked).toBe(true);
    expect(sheet.cell(row, C.rate).locked).toBe(true);
    for (const k of ['monthDone', 'cumulative', 'status', 'progress', 'problems', 'nextSteps'] as const) expect(sheet.cell(row, C[k]).locked).toBe(false);
    expect(sheet.cell(1, C.monthDone).locked).toBe(true); // row 2 is a section row: locked
    expect(sheet.cell(row, C.progress).nf).toBe('@');
    expect(sheet.cell(row, C.monthDone).nf).toBe('General');
    expect(sheet.validations.map((v) => Object.keys(v.rule)[0]).sort()).toEqual(['decimal', 'list']);
    expect(sheet.validations.find((v) => v.rule.list)!.rule.list.source).toBe('未开始,推进中,已完成,滞后');
    expect(sheet.conditionalFormats.map((f) => f.formula).join('\n')).toMatch(/滞后[\s\S]*已完成[\s\S]*ISNUMBER/);
    expect(excel.state.sheet(stateSheetName)!.visibility).toBe('VeryHidden');
    expect(sheet.cell(row, NOTE_COL).locked).toBe(true);
    // User edits: locked model cells refuse, validation refuses a negative, input cells accept.
    expect(() => excel.state.userEdit(sheetName, addressOf(items[0].itemId, C.task), 'x')).toThrow(/AccessDenied/);
    expect(() => excel.state.userEdit(sheetName, addressOf(items[0].itemId, C.monthDone), -1)).toThrow(/DataValidation/);
    excel.state.userEdit(sheetName, addressOf(items[0].itemId, C.monthDone), '12');
    expect(excel.state.read(sheetName, addressOf(items[0].itemId, C.monthDone))).toBe(12);
    // 完成率 is a live formula over 累计完成 and the target value (t1.1: 101 in the synthetic plan).
    const t1 = items[0] as Extract<(typeof items)[number], { kind: 'item' }>;
    expect(excel.state.cellAt(sheetName, addressOf(t1.itemId, C.rate))!.formula).toMatch(/^=IF\(ISNUMBER\(I\d+\)/);
    excel.state.userEdit(sheetName, addressOf(t1.itemId, C.cumulative), 50.5);
    expect(excel.state.read(sheetName, addressOf(t1.itemId, C.rate))).toBe(Math.round((50.5 / t1.target!.value) * 1000) / 10);
  });

  it('shades locked model columns grey, leaves input columns white, and keeps the shade after marks are cleared', async () => {
    const { excel, sheetName, items, addressOf } = await filled(5);
    const cell = (col: number) => excel.state.cellAt(sheetName, addressOf(items[0].itemId, col))!;
    for (const col of [C.number, C.task, C.targetValue, C.lead, C.deadline, C.rate]) expect(cell(col).fill).toBe(LOCKED_FILL);
    for (const col of [C.monthDone, C.cumulative, C.status, C.progress]) expect(cell(col).fill).toBeNull();
    await updateSheet(excel, sheetName, stateSheetNameFor('plan-synthetic', '2026-03'), {
      marks: [{ row: Number(addressOf(items[0].itemId, 0).slice(1)) - 1, col: C.task, kind: 'rejected', message: 'x' }],
    });
    expect(cell(C.task).fill).toBe(MARK_COLORS.rejected);
    await updateSheet(excel, sheetName, stateSheetNameFor('plan-synthetic', '2026-03'), { marks: [] });
    expect(cell(C.task).fill).toBe(LOCKED_FILL);
    expect(cell(C.cumulative).fill).toBeNull();
  });

  it("puts the row's due date (the one the export and the stats use) into the hidden 截止日期 column", async () => {
    const { excel, sheetName, items, addressOf } = await filled(5);
    const item = items[0] as Extract<(typeof items)[number], { kind: 'item' }>;
    // The synthetic plan stores 2026-01-28 for "1月底前": the stored date wins over reading the text (01-31).
    expect(item.due).toBe('2026-01-28');
    const row = Number(addressOf(item.itemId, 0).slice(1)) - 1;
    expect(excel.state.sheet(sheetName)!.rows[row]![DUE_COL].v).toBe('2026-01-28');
  });

  it('"=1+1" typed into 进展情况 stays text', async () => {
    const { excel, sheetName, items, addressOf } = await filled(5);
    const a = addressOf(items[1].itemId, C.progress);
    excel.state.userEdit(sheetName, a, '=1+1');
    expect(excel.state.read(sheetName, a)).toBe('=1+1');
    expect(excel.state.cellAt(sheetName, a)!.formula).toBeUndefined();
  });

  it('keeps the snapshot in the hidden state sheet and refills in place', async () => {
    const f = await filled(
      20,
      new Map([['t1.1@2026-03', { version: 3, values: { monthDone: 5, cumulative: 9, status: '推进中', progress: '进展', problems: null, nextSteps: null } }]]),
    );
    const state = await f.excel.run((ctx) => readState(ctx, f.stateSheetName));
    expect(state!.meta.period).toBe('2026-03');
    expect(state!.snapshot['t1.1']).toEqual({
      version: 3,
      hash: valuesHash({ monthDone: 5, cumulative: 9, status: '推进中', progress: '进展', problems: null, nextSteps: null }),
    });
    expect(Object.keys(state!.snapshot)).toEqual(['t1.1']); // empty, never-reported rows are implicit
    expect(f.excel.state.read(f.sheetName, f.addressOf('t1.1', C.cumulative))).toBe(9);
  });
});
