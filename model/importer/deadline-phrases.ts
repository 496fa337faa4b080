// Deadline phrases in a node's text (2月末, 年底前, 到2020年底, 一季度, 每月28日前, 在“十四五”期间),
// resolved against the plan year by model/deadlines.
import type { Deadline } from '../plan';
import { resolve } from '../deadlines';

const M = '(?:\\d{1,2}|十[一二]?|[一二三四五六七八九])';
const PHRASES = [
  '在?[“"]?十[一二三四五六七八九]五[”"]?(?:期间|时期|末|内)',
  '(?:到|至)(?:19|20)\\d\\d年(?![底末前\\d一二三四五六七八九十])',
  `(?:到|至|截至|于)?(?:19|20)\\d\\d年(?:${M}月(?:\\d{1,2}[日号])?(?:底|末|中旬|上旬|下旬)?(?:前|以前|之前)?|(?:底|末)(?:前|以前|之前)?|(?:前|以前|之前)|[上下]半年|第?[一二三四]季度(?:末)?(?:前)?)`,
  // A Taiwan-style date in years of the Republic: 112年12月底前, 112年12月31日前.
  `(?<!\\d)1[0-4]\\d年${M}月(?:\\d{1,2}[日号])?(?:底|末)?(?:前|以前|之前)?`,
  `每月(?:\\d{1,2}|[一二三四五六七八九十]{1,3})[日号](?:前|以前|之前)?`,
  '每月(?:底|末)(?:前)?',
  // Recurring quarterly bounds need a 前 (每季度开展… is a frequency, not a deadline).
  '每个?季度(?:末|初)?(?:\\d{1,2}[日号])?(?:前|以前|之前)',
  // The year after the plan's: 次年一季度, 明年6月底前.
  `(?:次年|明年|下一?年度?)(?:第?[一二三四]季度(?:末)?(?:前)?|[上下]半年|${M}月(?:\\d{1,2}[日号])?(?:底|末)?(?:前|以前|之前)?|(?:底|末)(?:前)?)`,
  '(?:到|至)?(?:(?:今|本)年年?|年)(?:底|末)(?:前|以前|之前)?',
  // 年内 but not the duration 3-5年内 / 五年内.
  '(?:今|本)?(?<![\\d一二三四五六七八九十两几个多余-])年度?内|上半年|下半年|前三季度',
  // Seasonal and holiday bounds: kept as written, no date computed.
  '(?:主)?汛(?:期)?前|(?:春节|元旦|国庆节?|春运|入冬|开学|雨季)前',
  '(?:第)?[一二三四1-4]季度(?:末)?(?:前)?',
  `(?<![\\d每个])${M}月(?:(?:\\d{1,2}[日号])(?:前|以前|之前)?|(?:底|末|中旬|上旬|下旬)(?:前|以前|之前)?|份?(?:前|以前|之前))`,
  // 6月份完成招标: a month named alone is its end; not the end of a span (1-6月份, 1至6月份) nor a start (3月份以来, 6月份起).
  `(?<![\\d每个\\-~—–至到])${M}月份(?!以来|起|开始|前|以前|之前)`,
];
const DEADLINE_RE = new RegExp(PHRASES.join('|'), 'g');
const SPACED = /[\d年月日号底末前季度半上下旬][ \u00a0\u3000][\d年月日号底末前季度半上下旬]/;

/** Deadlines in view/orig[start, end), text as written. */
export function extractDeadlines(orig: string, view: string, start: number, end: number, planYear: number | null): Deadline[] {
  let v = view.slice(start, end);
  // Text pasted from web pages spaces its words out (6 月底前, 2024 年 9 月 30 日前): the phrases are
  // matched with those spaces removed, and `at` maps each kept character back to the document.
  let at: number[] | undefined;
  if (SPACED.test(v)) {
    at = [];
    let compact = '';
    for (let i = 0; i < v.length; i++) {
      if (
        /[ \u00a0\u3000]/.test(v[i]) &&
        i > 0 &&
        i + 1 < v.length &&
        /[\d年月日号底末前季度半上下旬]/.test(v[i - 1]) &&
        /[\d年月日号底末前季度半上下旬]/.test(v[i + 1])
      )
        continue;
      compact += v[i];
      at.push(start + i);
    }
    v = compact;
  }
  const out: Deadline[] = [];
  DEADLINE_RE.lastIndex = 0;
  for (let m = DEADLINE_RE.exec(v); m; m = DEADLINE_RE.exec(v)) {
    const s = at ? at[m.index] : start + m.index;
    const e = at ? at[m.index + m[0].length - 1] + 1 : s + m[0].length;
    const text = orig.slice(s, e);
    // "2000年底前建成的老旧小区": a year before the plan's is a qualifier, not a deadline.
    const y = /((?:19|20)\d\d)年/.exec(m[0]);
    if (y && planYear != null && Number(y[1]) < planYear) continue;
    out.push({ text, span: { start: s, end: e }, ...resolve(m[0], planYear) });
  }
  return out;
}
