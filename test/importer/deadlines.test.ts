// Deadline phrases → dates or monthly rules for a plan year (model/deadlines.ts).
import { describe, expect, it } from 'vitest';
import { resolve } from '../../model/deadlines';

describe('resolve deadline phrases', () => {
  const cases: [string, number | null, object][] = [
    ['2月末', 2023, { date: '2023-02-28' }],
    ['2月末', 2024, { date: '2024-02-29' }],
    ['年底前', 2023, { date: '2023-12-31' }],
    ['年底', 2023, { date: '2023-12-31' }],
    ['年内', 2023, { date: '2023-12-31' }],
    ['一季度', 2024, { date: '2024-03-31' }],
    ['第一季度', 2024, { date: '2024-03-31' }],
    ['二季度', 2024, { date: '2024-06-30' }],
    ['第三季度', 2024, { date: '2024-09-30' }],
    ['四季度', 2024, { date: '2024-12-31' }],
    ['前三季度', 2024, { date: '2024-09-30' }],
    ['上半年', 2023, { date: '2023-06-30' }],
    ['下半年', 2023, { date: '2023-12-31' }],
    ['6月底前', 2023, { date: '2023-06-30' }],
    ['十月底前', 2023, { date: '2023-10-31' }],
    ['9月30日前', 2023, { date: '2023-09-30' }],
    ['到2020年底', 2019, { date: '2020-12-31' }],
    ['2024年12月底前', 2024, { date: '2024-12-31' }],
    ['２０２５年６月底前', 2025, { date: '2025-06-30' }],
    ['每月28日前', 2023, { monthlyDay: 28 }],
    ['每月5日前', null, { monthlyDay: 5 }],
    ['在“十四五”期间', 2023, {}],
    ['年底前', null, {}],
    ['2月30日前', 2023, {}],
  ];
  for (const [phrase, year, expected] of cases) {
    it(`${phrase} (${year ?? 'no year'})`, () => {
      expect(resolve(phrase, year)).toEqual(expected);
    });
  }
});
