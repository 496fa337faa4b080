import { describe, expect, it } from 'vitest';
import { readAmount } from '../../model/amount';

describe('readAmount: Chinese multipliers in figure cells', () => {
  it('converts into 万元 / 亿元 / 元 targets, with a note', () => {
    expect(readAmount('12.5万', '万元')).toEqual({ kind: 'converted', value: 12.5, note: '已将“12.5万”换算为12.5万元' });
    expect(readAmount('3亿', '万元')).toMatchObject({ value: 30000 });
    expect(readAmount('3亿元', '亿元')).toMatchObject({ value: 3 });
    expect(readAmount('12.5万', '亿元')).toMatchObject({ value: 0.00125 });
    expect(readAmount('１.２千万元', '亿元')).toMatchObject({ value: 0.12 });
    expect(readAmount('1,500万', '元')).toMatchObject({ value: 15_000_000 });
  });
  it('refuses a multiplier where the target is not money, naming the unit', () => {
    const r = readAmount('3万', '公里');
    expect(r.kind).toBe('refused');
    expect(r.kind === 'refused' && r.message).toContain('本指标的单位是“公里”');
    expect(readAmount('2亿', '').kind).toBe('refused');
  });
  it('leaves plain numbers and other text to the rules', () => {
    for (const s of ['12.5', '万', '3亿美元', 'abc', '12万5']) expect(readAmount(s, '万元')).toEqual({ kind: 'plain' });
  });
});
