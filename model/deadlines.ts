// Deadline phrases as written in plans, and what they mean for a plan of a given year.
// resolve() computes a date or a monthly rule where one can be computed; otherwise only the text stays.

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** Small Chinese or Arabic numeral (up to 99) → number; NaN when it is not one. */
export function smallNumber(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  if (!/^[零〇一二两三四五六七八九十]+$/.test(s)) return NaN;
  if (s === '十') return 10;
  const i = s.indexOf('十');
  if (i < 0) return s.length === 1 ? CN_DIGITS[s] : NaN;
  const tens = i === 0 ? 1 : CN_DIGITS[s[0]];
  const ones = i === s.length - 1 ? 0 : CN_DIGITS[s[i + 1]];
  return tens * 10 + ones;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function monthEnd(year: number, month: number): string | undefined {
  if (!(month >= 1 && month <= 12)) return undefined;
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(day)}`;
}

function validDate(year: number, month: number, day: number): string | undefined {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return `${year}-${pad(month)}-${pad(day)}`;
}

export interface ResolvedDeadline {
  date?: string;
  monthlyDay?: number;
}

const NUM = '(\\d{1,2}|[一二三四五六七八九十]{1,3})';

/** What a deadline phrase means for a plan of `planYear` (null: the plan's year is unknown). */
export function resolve(phrase: string, planYear: number | null): ResolvedDeadline {
  const p = phrase.replace(/\s+/g, '').replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  let m: RegExpMatchArray | null;
  if (/汛|春节|元旦|国庆|春运|入冬|开学|雨季/.test(p)) return {}; // no fixed date
  if (/^每个?季度/.test(p)) return {}; // recurring each quarter: no single date, no monthly rule
  if ((m = p.match(new RegExp(`每月${NUM}[日号]`)))) {
    const day = smallNumber(m[1]);
    return day >= 1 && day <= 31 ? { monthlyDay: day } : {};
  }
  const explicitYear = p.match(/((?:19|20)\d\d)年/);
  const base = explicitYear ? Number(explicitYear[1]) : planYear;
  if (base == null) return {};
  const year = /^(?:次年|明年|下一?年度?)/.test(p) && !explicitYear ? base + 1 : base; // 次年一季度
  if ((m = p.match(new RegExp(`${NUM}月${NUM}[日号]`)))) {
    const date = validDate(year, smallNumber(m[1]), smallNumber(m[2]));
    return date ? { date } : {};
  }
  if ((m = p.match(new RegExp(`${NUM}月(?:份)?(?:底|末|前|中旬|上旬|下旬)?`)))) {
    const month = smallNumber(m[1]);
    if (/[上中]旬/.test(p)) {
      const date = validDate(year, month, /上旬/.test(p) ? 10 : 20);
      return date ? { date } : {};
    }
    const date = monthEnd(year, month);
    return date ? { date } : {};
  }
  if ((m = p.match(/(?:第)?([一二三四1-4])季度/))) {
    const q = smallNumber(m[1]);
    const before = /前([一二三1-3])季度/.test(p);
    return { date: monthEnd(year, (before ? smallNumber(p.match(/前([一二三1-3])季度/)![1]) : q) * 3) };
  }
  if (/上半年/.test(p)) return { date: `${year}-06-30` };
  if (/下半年|年底|年末|年内|年度内|全年|(?:19|20)\d\d年(?:前)?$/.test(p)) return { date: `${year}-12-31` };
  return {};
}

/**
 * The date a deadline as written falls due ("2026年6月底前", "年底前", "三季度", "10月中旬"), read by the
 * importer's own rules (resolve above). Several deadlines joined by 、 → the last of them (the
 * task's final one). Recurring rules ("每月28日前", "每年…") and unparsable text → null.
 */
export function dueDate(text: string, year: number): string | null {
  let best: string | null = null;
  for (const part of text.split(/[、，,；;]/)) {
    if (/每月|每季|每年|长期|持续/.test(part)) continue;
    const d = resolve(part.trim(), year).date ?? null;
    if (d && (!best || d > best)) best = d;
  }
  return best;
}
