// model/number-format.ts: which Excel number formats make a figure cell a date or a percentage.
import { describe, expect, it } from 'vitest';
import { checkFigureCell, formatKind, serialToIso } from '../../model/number-format';

describe('formatKind', () => {
  it.each([
    ['General', 'general'],
    ['G/通用格式', 'general'],
    ['@', 'text'],
    ['0', 'number'],
    ['0.0', 'number'],
    ['#,##0', 'number'],
    ['#,##0.00_);[Red](#,##0.00)', 'number'],
    ['"m"0', 'number'], // a quoted m is text, not a month
    ['0\\d', 'number'], // an escaped d too
    ['# ?/?', 'number'],
    ['0.00E+00', 'number'],
    ['0%', 'percent'],
    ['0.00%', 'percent'],
    ['yyyy/m/d', 'date'],
    ['m月d日', 'date'],
    ['[$-804]yyyy"年"m"月"d"日"', 'date'],
    ['d-mmm', 'date'],
    ['h:mm', 'date'],
    ['[h]:mm:ss', 'date'],
    ['yyyy"年"m"月"', 'date'],
  ])('%s → %s', (format, kind) => {
    expect(formatKind(format)).toBe(kind);
  });
});

describe('checkFigureCell', () => {
  it('refuses a date or a percentage with a Chinese message quoting what the cell shows', () => {
    const d = checkFigureCell('monthDone', 45443, 'yyyy/m/d', '2024/5/31');
    expect(d).toMatchObject({ field: 'monthDone', code: 'CELL_IS_DATE', resetFormat: true });
    expect(d!.message).toContain('Excel 把输入识别成了日期');
    expect(d!.message).toContain('“2024/5/31”');
    const p = checkFigureCell('cumulative', 0.3, '0%', '30%');
    expect(p).toMatchObject({ code: 'CELL_IS_PERCENT' });
    expect(p!.message).toContain('“30%”');
    expect(serialToIso(45443)).toBe('2024-05-31');
    expect(checkFigureCell('monthDone', 45443, 'yyyy/m/d')!.message).toContain('“2024-05-31”'); // no text loaded
  });

  it('accepts numbers in General, thousands and decimal formats, and leaves text to the ordinary rules', () => {
    expect(checkFigureCell('monthDone', 1234, '#,##0', '1,234')).toBeNull();
    expect(checkFigureCell('monthDone', 12, 'General', '12')).toBeNull();
    expect(checkFigureCell('monthDone', '12', 'General', '12')).toBeNull();
    expect(checkFigureCell('monthDone', '', 'yyyy/m/d', '')).toBeNull();
  });

  it('keeps refusing the converted value after the format was reset, until the user types again', () => {
    expect(checkFigureCell('cumulative', 0.3, 'General', '0.3', [0.3, 'percent'])).toMatchObject({ code: 'CELL_IS_PERCENT' });
    expect(checkFigureCell('cumulative', 30, 'General', '30', [0.3, 'percent'])).toBeNull();
  });
});
