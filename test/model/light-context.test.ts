// The light rule as the add-in's 校验 applies it (model/lights.ts contextLightErrors): the same light as
// the push, from the context kept at 填充 (序时进度, thresholds, target in force per item).
import { describe, expect, it } from 'vitest';
import { contextLightErrors, type LightContext } from '../../model/lights';
import { EMPTY_PROGRESS, type ProgressValues } from '../../model/progress';

const ctx: LightContext = { timeProgress: 50, yellow: 10, red: 30, targets: { a: [200, 'amount'], n: [50, 'count'] } };
const v = (p: Partial<ProgressValues>): ProgressValues => ({ ...EMPTY_PROGRESS, ...p });
const codes = (itemId: string, p: Partial<ProgressValues>, c: LightContext | undefined = ctx) =>
  contextLightErrors(itemId, v(p), c).map((e) => `${e.field}:${e.code}`);

describe('contextLightErrors', () => {
  it('green, yellow and red against the item’s target and the month’s 序时进度', () => {
    expect(codes('a', { cumulative: 82 })).toEqual([]); // 41%: 9 behind → green
    expect(codes('a', { cumulative: 80 })).toEqual(['problems:LIGHT_NEEDS_PROBLEM', 'nextSteps:LIGHT_NEEDS_NEXT_STEP']); // 40%: 10 behind → yellow
    expect(contextLightErrors('n', v({ cumulative: 10 }), ctx)[0].message).toContain('红灯'); // 20%: 30 behind → red
    expect(codes('a', { cumulative: 10, problems: '资金', nextSteps: '协调' })).toEqual([]);
    expect(codes('a', { cumulative: 10, problems: '资金' })).toEqual(['nextSteps:LIGHT_NEEDS_NEXT_STEP']);
  });
  it('no light: no 累计, 已完成, an item without an amount/count target, or no context', () => {
    expect(codes('a', { progress: '推进中' })).toEqual([]);
    expect(codes('a', { cumulative: 10, status: '已完成' })).toEqual([]);
    expect(codes('task-without-target', { cumulative: 1 })).toEqual([]);
    expect(contextLightErrors('a', v({ cumulative: 10 }), undefined)).toEqual([]);
  });
  it('the thresholds of the context decide', () => {
    expect(codes('a', { cumulative: 60 }, { ...ctx, yellow: 25, red: 45 })).toEqual([]); // 20 behind
    expect(codes('a', { cumulative: 60 }, { ...ctx, yellow: 5, red: 15 })[0]).toBe('problems:LIGHT_NEEDS_PROBLEM');
  });
});
