// decideEntries: every rule of a push, without a database (model/push-decision.ts).
import { describe, expect, it } from 'vitest';
import { EMPTY_PROGRESS, type ProgressValues } from '../../model/progress';
import { decideEntries, roleOf, storedScope, type PushSnapshot, type StoredRow } from '../../model/push-decision';
import type { PushEntry } from '../../model/sync';

const row = (version: number, values: Partial<ProgressValues>): StoredRow => ({ version, values: { ...EMPTY_PROGRESS, ...values } });

function snapshot(over: Partial<PushSnapshot> = {}): PushSnapshot {
  return {
    items: new Map([
      ['m1', { taskId: 't1', target: { unit: '亿元', value: 100, kind: 'amount' } }],
      ['t2', { taskId: 't2' }],
    ]),
    who: (taskId) => (taskId === 't1' ? { lead: ['甲局'], co: ['乙局'] } : { lead: ['乙局'], co: [] }),
    periods: new Map([
      ['2024-01', 'open'],
      ['2024-02', 'open'],
      ['2024-03', 'open'],
      ['2023-12', 'closed'],
    ]),
    stored: new Map(),
    ...over,
  };
}
const admin = { role: 'admin' as const };
const e = (key: string, fields: PushEntry['fields'], baseVersion = 0): PushEntry => ({ key, baseVersion, fields });
const codes = (d: ReturnType<typeof decideEntries>[number]) => (d.outcome === 'rejected' ? d.errors.map((x) => x.code).sort() : d.outcome);

describe('decideEntries', () => {
  it('accepts a valid entry with the next version and the row it replaces', () => {
    const old = row(2, { cumulative: 5 });
    const [d] = decideEntries([e('m1@2024-02', { cumulative: 8, monthDone: 3 }, 2)], snapshot({ stored: new Map([['m1@2024-02', old]]) }), admin);
    expect(d).toEqual({
      key: 'm1@2024-02',
      outcome: 'accepted',
      itemId: 'm1',
      period: '2024-02',
      version: 3,
      values: { ...EMPTY_PROGRESS, cumulative: 8, monthDone: 3 },
      old,
    });
  });

  it('duplicate, unknown key, unknown period, closed period, each with its code and field', () => {
    const ds = decideEntries(
      [e('t2@2024-01', {}), e('t2@2024-01', {}), e('nope@2024-01', {}), e('t2@2031-01', {}), e('t2@2023-12', { progress: 'x' }, 7)],
      snapshot(),
      admin,
    );
    expect(ds.map(codes)).toEqual(['accepted', ['DUPLICATE_ENTRY'], ['UNKNOWN_KEY'], ['UNKNOWN_PERIOD'], ['PERIOD_CLOSED']]);
    expect(ds[4].outcome === 'rejected' && ds[4].errors[0]).toMatchObject({ field: 'period', message: '该月份已关闭，不能再填报' });
  });

  it('a stale baseVersion is a conflict carrying the stored row', () => {
    const [d] = decideEntries([e('t2@2024-01', { progress: 'B' }, 0)], snapshot({ stored: new Map([['t2@2024-01', row(1, { progress: 'A' })]]) }), admin);
    expect(d).toMatchObject({ outcome: 'conflict', version: 1, values: { progress: 'A' } });
  });

  it('a reporter writes only tasks its unit takes part in; a viewer writes nothing', () => {
    const s = snapshot();
    expect(decideEntries([e('t2@2024-01', { progress: 'x' })], s, { role: 'reporter', unit: '甲局' }).map(codes)).toEqual([['FORBIDDEN_TASK']]);
    expect(decideEntries([e('t2@2024-01', { progress: 'x' })], s, { role: 'reporter', unit: '乙局' }).map(codes)).toEqual(['accepted']);
    expect(decideEntries([e('t2@2024-01', { progress: 'x' })], s, { role: 'viewer' }).map(codes)).toEqual([['FORBIDDEN_TASK']]);
  });

  it('累计 against the previous month, counting earlier entries of the batch', () => {
    const ds = decideEntries([e('m1@2024-01', { cumulative: 50 }), e('m1@2024-02', { cumulative: 40 })], snapshot(), admin);
    expect(ds.map(codes)).toEqual(['accepted', ['CUMULATIVE_DECREASED']]);
  });

  it('累计 against a later month: February 10 stored, then January 20 is refused (and January 5 is not)', () => {
    const s = snapshot({ stored: new Map([['m1@2024-02', row(1, { cumulative: 10 })]]) });
    const [high] = decideEntries([e('m1@2024-01', { cumulative: 20 })], s, admin);
    expect(high).toMatchObject({
      outcome: 'rejected',
      errors: [{ field: 'cumulative', code: 'CUMULATIVE_ABOVE_LATER', message: expect.stringContaining('2024-02累计10') }],
    });
    expect(decideEntries([e('m1@2024-01', { cumulative: 5 })], s, admin).map(codes)).toEqual(['accepted']);
    // The later month comes first in one batch: the earlier one is refused the same way.
    expect(decideEntries([e('m1@2024-03', { cumulative: 10 }), e('m1@2024-01', { cumulative: 20 })], snapshot(), admin).map(codes)).toEqual([
      'accepted',
      ['CUMULATIVE_ABOVE_LATER'],
    ]);
  });

  it('累计 against later months: the lowest of them is named, a rejected entry does not count, a month outside the plan is not read', () => {
    const s = snapshot({
      stored: new Map([
        ['m1@2024-03', row(1, { cumulative: 30 })],
        ['m1@2024-02', row(1, { cumulative: 15 })],
        ['m1@2024-07', row(1, { cumulative: 1 })], // not one of the plan's months
        ['t2@2024-02', row(1, { cumulative: 2 })], // another item
      ]),
    });
    const [d] = decideEntries([e('m1@2024-01', { cumulative: 20 })], s, admin);
    expect(d).toMatchObject({ outcome: 'rejected', errors: [{ code: 'CUMULATIVE_ABOVE_LATER', message: expect.stringContaining('2024-02累计15') }] });
    expect(decideEntries([e('m1@2024-01', { cumulative: 15 })], s, admin).map(codes)).toEqual(['accepted']);
    expect(decideEntries([e('m1@2024-01', { cumulative: 10 }), e('m1@2024-02', { cumulative: 5 }, 1)], s, admin).map(codes)).toEqual([
      'accepted',
      ['CUMULATIVE_DECREASED'],
    ]);
    // February's 5 is refused (本月完成 above 累计), so January is held to the stored 15, not to 5.
    const rejected = decideEntries([e('m1@2024-02', { cumulative: 5, monthDone: 9 }, 1), e('m1@2024-01', { cumulative: 12 })], s, admin);
    expect(rejected.map(codes)).toEqual([['MONTH_EXCEEDS_CUMULATIVE'], 'accepted']);
    const later = decideEntries([e('m1@2024-02', { cumulative: 5 }, 1), e('m1@2024-01', { cumulative: 12 })], s, admin);
    expect(later.map(codes)).toEqual(['accepted', ['CUMULATIVE_ABOVE_LATER']]);
    expect(later[1]).toMatchObject({ errors: [{ message: expect.stringContaining('2024-02累计5') }] });
  });

  it('co-lead: texts only; a figure or status is CO_LEAD_FIGURE; resending the lead figure unchanged is fine', () => {
    const s = snapshot({ stored: new Map([['m1@2024-01', row(1, { cumulative: 30, monthDone: 10 })]]) });
    const co = { role: 'reporter' as const, unit: '乙局' };
    const [fig] = decideEntries([e('m1@2024-01', { cumulative: 100 }, 1)], s, co);
    expect(fig).toMatchObject({ outcome: 'rejected', errors: [{ field: 'cumulative', code: 'CO_LEAD_FIGURE', message: expect.stringContaining('牵头单位') }] });
    expect(decideEntries([e('m1@2024-01', { status: '已完成' }, 1)], s, co).map(codes)).toEqual([['CO_LEAD_FIGURE']]);
    const [text] = decideEntries([e('m1@2024-01', { progress: '配合完成征地', cumulative: 30, monthDone: 10 }, 1)], s, co);
    expect(text).toMatchObject({ outcome: 'accepted', values: { cumulative: 30, monthDone: 10, progress: '配合完成征地' } });
    expect(decideEntries([e('m1@2024-01', { cumulative: 100 }, 1)], s, { role: 'reporter', unit: '甲局' }).map(codes)).toEqual(['accepted']);
    expect(roleOf({ lead: [], co: ['乙局'] }, '乙局')).toBe('lead'); // no lead unit: nobody's figure to overwrite
  });

  it('序时进度 lights: a yellow or red row needs 存在问题 and 下步计划; green does not; a revised target counts', () => {
    const s = snapshot({ timeProgress: () => 50, lights: { yellow: 10, red: 30 } });
    expect(decideEntries([e('m1@2024-01', { cumulative: 45 })], s, admin).map(codes)).toEqual(['accepted']); // 5 behind: green
    expect(decideEntries([e('m1@2024-01', { cumulative: 30 })], s, admin).map(codes)).toEqual([['LIGHT_NEEDS_NEXT_STEP', 'LIGHT_NEEDS_PROBLEM']]); // yellow
    expect(decideEntries([e('m1@2024-01', { cumulative: 10, problems: '征地滞后', nextSteps: '加快征地' })], s, admin).map(codes)).toEqual(['accepted']); // red, explained
    const revised = snapshot({
      ...s,
      items: new Map([['m1', { taskId: 't1', target: { unit: '亿元', value: 100, kind: 'amount' }, revisions: [{ fromPeriod: '2024-02', value: 20 }] }]]),
    });
    expect(decideEntries([e('m1@2024-03', { cumulative: 10 })], revised, admin).map(codes)).toEqual(['accepted']); // 50% of 20: green
    expect(decideEntries([e('m1@2024-01', { cumulative: 10 })], revised, admin).map(codes)).toEqual([['LIGHT_NEEDS_NEXT_STEP', 'LIGHT_NEEDS_PROBLEM']]);
  });
});

describe('storedScope', () => {
  it('names the batch keys, the month before each, and per item and month the later months to search outside the batch', () => {
    const scope = storedScope([{ key: 'm1@2024-03' }, { key: 'm1@2024-06' }, { key: 't2@2024-01' }, { key: 'nonsense' }]);
    expect(scope.keys.sort()).toEqual(['m1@2024-02', 'm1@2024-03', 'm1@2024-05', 'm1@2024-06', 't2@2023-12', 't2@2024-01']);
    expect(scope.later).toEqual([
      { itemId: 'm1', period: '2024-03', batchMonths: ['2024-03', '2024-06'] },
      { itemId: 'm1', period: '2024-06', batchMonths: ['2024-03', '2024-06'] },
      { itemId: 't2', period: '2024-01', batchMonths: ['2024-01'] },
    ]);
  });
});
