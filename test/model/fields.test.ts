// model/fields.ts is the one description of the input fields: everything derived from it must agree with
// it, and normalizeField must read each field exactly as validateProgress stores it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EMPTY_PROGRESS, FIELD_LABELS, INPUT_FIELD, INPUT_FIELDS, INPUT_KEYS, ProgressFields, ProgressValues, TEXT_LIMITS } from '../../model/fields';
import { COLUMNS } from '../../model/sheet';
import { normalizeField, validateProgress } from '../../model/rules';

describe('the input fields, described once', () => {
  it('derives the keys, the empty entry, the labels and the limits', () => {
    expect(INPUT_KEYS).toEqual(['monthDone', 'cumulative', 'status', 'progress', 'problems', 'nextSteps']);
    expect(Object.keys(EMPTY_PROGRESS)).toEqual(INPUT_KEYS);
    expect(Object.values(EMPTY_PROGRESS).every((v) => v === null)).toBe(true);
    for (const f of INPUT_FIELDS) expect(FIELD_LABELS[f.key]).toBe(f.label);
    expect(FIELD_LABELS.unit).toBe('单位');
    expect(TEXT_LIMITS).toEqual({ progress: 2000, problems: 1000, nextSteps: 1000 });
    expect(INPUT_FIELD.nextSteps.column).toBe('next_steps');
  });

  it('matches the sheet: the input columns, in order, headed by the labels', () => {
    const inputs = COLUMNS.filter((c) => c.input);
    expect(inputs.map((c) => c.key)).toEqual(INPUT_KEYS);
    expect(inputs.map((c) => c.header)).toEqual(INPUT_FIELDS.map((f) => f.label));
  });

  it('builds the schemas from the kinds', () => {
    expect(ProgressValues.safeParse(EMPTY_PROGRESS).success).toBe(true);
    expect(ProgressValues.safeParse({ ...EMPTY_PROGRESS, monthDone: -1 }).success).toBe(false);
    expect(ProgressValues.safeParse({ ...EMPTY_PROGRESS, status: '完成了' }).success).toBe(false);
    expect(ProgressValues.safeParse({ ...EMPTY_PROGRESS, progress: 5 }).success).toBe(false);
    expect(ProgressFields.safeParse({ unit: '个', monthDone: 'x' }).success).toBe(true);
    expect(ProgressFields.safeParse({ month: 1 }).success).toBe(false); // strict: unknown names refused
  });
});

describe('normalizeField', () => {
  it('reads each kind', () => {
    expect(normalizeField('monthDone', '１２')).toEqual({ value: 12, errors: [] });
    expect(normalizeField('cumulative', '')).toEqual({ value: null, errors: [] });
    expect(normalizeField('monthDone', 'abc').value).toBeNull();
    expect(normalizeField('monthDone', 'abc').errors.map((e) => e.code)).toEqual(['NOT_A_NUMBER']);
    expect(normalizeField('status', ' 推进中 ')).toEqual({ value: '推进中', errors: [] });
    expect(normalizeField('status', '好').errors.map((e) => e.code)).toEqual(['BAD_STATUS']);
    expect(normalizeField('progress', '  进展  ')).toEqual({ value: '进展', errors: [] });
    const long = normalizeField('problems', '问'.repeat(1001));
    expect(long.errors.map((e) => [e.field, e.code])).toEqual([['problems', 'TEXT_TOO_LONG']]);
  });

  it('is what validateProgress stores for that field alone, for any value', () => {
    const raw = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.constant(null), fc.constantFrom('滞后', '１２', ' 3 ', '=1', '-2'));
    fc.assert(
      fc.property(fc.constantFrom(...INPUT_KEYS), raw, (key, value) => {
        const one = normalizeField(key, value);
        const all = validateProgress({ [key]: value }, {});
        expect(one.value).toEqual(all.values[key]);
        expect(one.errors).toEqual(all.errors.filter((e) => e.field === key));
      }),
      { numRuns: 500 },
    );
  });
});
