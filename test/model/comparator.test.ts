// One comparator parser (model/comparator.ts) for the add-in's 目标值 cell and the targets workbook.
import { describe, expect, it } from 'vitest';
import { COMPARATOR_SYMBOL, leadingComparator, parseComparator } from '../../model/comparator';
import { parseTargetText, targetText } from '../../model/sheet';

describe('comparators', () => {
  it('reads every spelling written on its own', () => {
    expect(['=', '＝'].map(parseComparator)).toEqual(['eq', 'eq']);
    expect(['≥', '>=', '不低于', '不少于', ' ≥ '].map(parseComparator)).toEqual(['gte', 'gte', 'gte', 'gte', 'gte']);
    expect(['≤', '<=', '不超过', '不高于'].map(parseComparator)).toEqual(['lte', 'lte', 'lte', 'lte']);
    expect(['', '>', '≥≥', 'gte', null].map(parseComparator)).toEqual([null, null, null, null, null]);
  });

  it('splits a leading comparator, ">=" before "="', () => {
    expect(leadingComparator('>=1000')).toEqual({ comparator: 'gte', rest: '1000' });
    expect(leadingComparator('不超过 50')).toEqual({ comparator: 'lte', rest: '50' });
    expect(leadingComparator('=5')).toEqual({ comparator: 'eq', rest: '5' });
    expect(leadingComparator('1000')).toBeNull();
  });

  it('writes one symbol per comparator, read back as the same comparator', () => {
    for (const c of ['eq', 'gte', 'lte'] as const) expect(parseComparator(COMPARATOR_SYMBOL[c])).toBe(c);
  });

  it('目标值 text: targetText and parseTargetText are inverse, "=278" stays refused', () => {
    for (const t of [
      { value: 278, comparator: 'eq' as const },
      { value: 1000, comparator: 'gte' as const },
      { value: 50, comparator: 'lte' as const },
      { value: 1, max: 2, comparator: 'eq' as const },
    ]) {
      expect(parseTargetText(targetText(t))).toEqual({ value: t.value, max: t.max ?? null, comparator: t.comparator });
    }
    expect(parseTargetText('不少于1,000')).toEqual({ value: 1000, max: null, comparator: 'gte' });
    expect(parseTargetText('=278')).toBeNull();
    expect(parseTargetText('≥')).toBeNull();
    expect(parseTargetText('≥abc')).toBeNull();
    expect(parseTargetText('2-1')).toBeNull();
    expect(parseTargetText(12)).toEqual({ value: 12, max: null, comparator: 'eq' });
  });
});
