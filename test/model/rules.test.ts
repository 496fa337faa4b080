import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { validateProgress, completionRate, readNumber } from '../../model/rules';
import { EMPTY_PROGRESS, itemIdOf, parseProgressKey, previousPeriod, progressKey } from '../../model/progress';
import type { FieldError } from '../../model/errors';

const codes = (r: { errors: FieldError[] }) => r.errors.map((e) => `${e.field}:${e.code}`).sort();

describe('validateProgress', () => {
  it('accepts numbers and numeric strings, including full-width digits and thousands commas', () => {
    const r = validateProgress({ monthDone: '１２', cumulative: '1,234.5', status: '推进中' });
    expect(r.errors).toEqual([]);
    expect(r.values).toMatchObject({ monthDone: 12, cumulative: 1234.5, status: '推进中' });
  });

  it('rejects negative, non-finite, non-numeric and formula input with the field and a Chinese message', () => {
    const r = validateProgress({ monthDone: -1, cumulative: 'abc' });
    expect(codes(r)).toEqual(['cumulative:NOT_A_NUMBER', 'monthDone:NEGATIVE']);
    expect(r.errors[0].message).toMatch(/[\u4e00-\u9fff]/);
    expect(codes(validateProgress({ cumulative: Infinity }))).toEqual(['cumulative:NOT_FINITE']);
    expect(codes(validateProgress({ cumulative: '=A1*2' }))).toEqual(['cumulative:FORMULA_NOT_ALLOWED']);
  });

  it('refuses a 累计 below the previous period’s 累计', () => {
    expect(codes(validateProgress({ cumulative: 40 }, { previousCumulative: 50 }))).toEqual(['cumulative:CUMULATIVE_DECREASED']);
    expect(validateProgress({ cumulative: 50 }, { previousCumulative: 50 }).errors).toEqual([]);
  });

  it('refuses 本月 greater than 累计', () => {
    expect(codes(validateProgress({ monthDone: 10, cumulative: 5 }))).toEqual(['monthDone:MONTH_EXCEEDS_CUMULATIVE']);
  });

  it('checks the unit of a figure against its target', () => {
    expect(codes(validateProgress({ cumulative: 5, unit: '公里' }, { target: { unit: '亿元' } }))).toEqual(['unit:UNIT_MISMATCH']);
    expect(validateProgress({ cumulative: 5, unit: '亿元' }, { target: { unit: '亿元' } }).errors).toEqual([]);
  });

  it('allows only the four statuses, and 滞后 needs 存在问题 and 下步计划', () => {
    expect(codes(validateProgress({ status: '差不多' }))).toEqual(['status:BAD_STATUS']);
    expect(codes(validateProgress({ status: '滞后' }))).toEqual(['nextSteps:LAG_NEEDS_NEXT_STEP', 'problems:LAG_NEEDS_PROBLEM']);
    expect(validateProgress({ status: '滞后', problems: '征地拆迁慢', nextSteps: '协调属地政府' }).errors).toEqual([]);
  });

  it('merges a partial push over the stored values, so 滞后 can rely on a 存在问题 already stored', () => {
    const current = { ...EMPTY_PROGRESS, problems: '资金未到位', nextSteps: '争取专项债' };
    const r = validateProgress({ status: '滞后' }, { current });
    expect(r.errors).toEqual([]);
    expect(r.values).toEqual({ ...current, status: '滞后' });
  });

  it('refuses a text field that is not text, a number or a boolean', () => {
    expect(codes(validateProgress({ progress: { toString: 0 } }))).toEqual(['progress:NOT_TEXT']);
    expect(validateProgress({ progress: 12 }).values.progress).toBe('12');
  });

  it('limits text length', () => {
    expect(codes(validateProgress({ progress: '字'.repeat(2001) }))).toEqual(['progress:TEXT_TOO_LONG']);
    expect(validateProgress({ progress: '字'.repeat(2000) }).errors).toEqual([]);
  });

  it('refuses every write to a closed period', () => {
    expect(codes(validateProgress({ cumulative: 1 }, { periodClosed: true }))).toEqual(['period:PERIOD_CLOSED']);
  });

  it('never throws and never accepts a negative or non-finite number, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (a, b) => {
        const r = validateProgress({ monthDone: a, cumulative: b, status: a, progress: b });
        for (const n of [r.values.monthDone, r.values.cumulative]) {
          if (n !== null) expect(Number.isFinite(n) && n >= 0).toBe(true);
        }
      }),
    );
  });
});

describe('helpers', () => {
  it('readNumber treats empty cells as null', () => {
    expect(readNumber('x', '  ', [])).toBeNull();
    expect(readNumber('x', null, [])).toBeNull();
  });
  it('completionRate is 累计 over the target, not defined for rate targets', () => {
    expect(completionRate(139, { value: 278, kind: 'amount' })).toBe(50);
    expect(completionRate(30, { value: 98, kind: 'rate' })).toBeNull();
    expect(completionRate(null, { value: 98, kind: 'amount' })).toBeNull();
  });
  it('progress keys round-trip and previousPeriod crosses the year', () => {
    expect(parseProgressKey(progressKey('t_abc', '2023-04'))).toEqual({ itemId: 't_abc', period: '2023-04' });
    expect(parseProgressKey('nonsense')).toBeNull();
    // An item id may itself hold the separator: the key's last one splits it from the month.
    expect(itemIdOf(progressKey('t@1', '2023-04'))).toBe('t@1');
    expect(previousPeriod('2023-01')).toBe('2022-12');
    expect(previousPeriod('2023-10')).toBe('2023-09');
    // Every month of a year steps back to the one before it, zero-padded where it is below 10.
    const months = ['2022-12', ...Array.from({ length: 12 }, (_, i) => `2023-${String(i + 1).padStart(2, '0')}`)];
    for (let i = 1; i < months.length; i++) expect(previousPeriod(months[i])).toBe(months[i - 1]);
    expect(parseProgressKey('t1@2023-13')).toBeNull();
    expect(parseProgressKey('t1@2023-1')).toBeNull();
  });
});
