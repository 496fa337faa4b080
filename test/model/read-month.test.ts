// 起始月份 as offices type it (targets workbook): the forms accepted, and what is refused.
import { describe, expect, it } from 'vitest';
import { readMonth } from '../../model/period-math';

describe('readMonth', () => {
  it('reads the usual spellings, with the plan year for a bare month', () => {
    expect(['2023-07', '2023-7', '2023/07', '2023.7', '2023年7月', ' 2023 年 7 月 '].map((t) => readMonth(t, null))).toEqual(Array(6).fill('2023-07'));
    expect([readMonth('7月', 2024), readMonth('12', 2024)]).toEqual(['2024-07', '2024-12']);
  });
  it('refuses what is not a month', () => {
    expect([readMonth('7月', null), readMonth('2023-13', 2023), readMonth('0月', 2023), readMonth('下月', 2023), readMonth('', 2023)]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});
