// Chinese numerals as they appear in plan documents (两条, 十个, 一千五百, 三十).
const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const POWER: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** Chinese numeral below 10000 → number; NaN for anything else. */
export function chineseToNumber(s: string): number {
  if (!s) return NaN;
  let total = 0;
  let digit = -1;
  for (const ch of s) {
    if (ch in DIGIT) {
      digit = DIGIT[ch];
    } else if (ch in POWER) {
      total += (digit < 0 ? 1 : digit) * POWER[ch];
      digit = -1;
    } else return NaN;
  }
  if (digit >= 0) {
    // "一千五" style is rare in plans; treat a trailing digit as units.
    total += digit;
  }
  return total;
}

/** Arabic ("1,500", "2.5") or Chinese numeral → number. */
export function parseNumber(s: string): number {
  if (/^[\d.,]+$/.test(s)) return Number(s.replace(/,/g, ''));
  return chineseToNumber(s);
}
