// Numbering labels at the start of a line (or after 。/； inline): 一、 （一） 1. 1、 （1） ①.
// Each style has a rank; a label nests under the nearest open label of a smaller rank.
import { chineseToNumber } from './numerals';

export interface Label {
  rank: number; // 0 第一部分  1 一、  2 （一）  3 1.  4 （1）  5 ①
  value: number; // numeric value, for "is this the next number" checks
  numberStart: number; // offsets (relative to the matched string) of the printed number
  numberEnd: number;
  length: number; // length of the whole label including its separator
}

const CN = '[一二三四五六七八九十]{1,3}';
// Matched on the half-width view, so （ ） ． are already ( ) .
const PATTERNS: { rank: number; re: RegExp }[] = [
  { rank: 0, re: new RegExp(`^(第${CN}(?:部分|章|篇))[、.:]?\\s*`) },
  // Taiwan-style top level 壹、貳、參、 (matched on the view: 贰, 参/叁, 陆), above 一、.
  { rank: 0, re: /^([壹贰叁参肆伍陆柒捌玖拾]{1,2})\s*[、.]\s*/ },
  { rank: 1, re: new RegExp(`^(${CN})\\s*[、.]\\s*`) },
  { rank: 2, re: new RegExp(`^(\\(\\s*${CN}\\s*\\))[、.]?\\s*`) },
  // 1. but not 1.5亿元; 1.6月底前 and 2.2024年… are labels followed by a date, 1.5G网络… by a term.
  { rank: 3, re: /^(\d{1,3})\s*(?:、|\.(?!\d)|\.(?=\d{1,4}[年月])|\.(?=\d{1,2}[A-Za-z]))\s*/ },
  { rank: 4, re: /^(\(\s*\d{1,3}\s*\)|\d{1,3}\))[、.]?\s*/ },
  { rank: 5, re: /^([\u2460-\u2473])[、.]?\s*/ },
  // Single-character labels Word and WPS insert: ㈠ (= （一）), ⒈ (= 1.), ⑴ (= （1）).
  { rank: 2, re: /^([\u3220-\u3229])[、.]?\s*/ },
  { rank: 3, re: /^([\u2488-\u249b])\s*/ },
  { rank: 4, re: /^([\u2474-\u2487])[、.]?\s*/ },
  // 行动方案 headings 行动一：… / 专项行动二 …, at the level of （一） (not 行动一致: a separator must follow).
  { rank: 2, re: new RegExp(`^((?:专项|攻坚|重点)?行动${CN})(?:\\s*[:、.]\\s*|\\s+)`) },
];
// First code point of each single-character label block: its value is the offset from it, plus one.
const ENCLOSED: [number, number][] = [
  [0x2460, 0x2473],
  [0x3220, 0x3229],
  [0x2488, 0x249b],
  [0x2474, 0x2487],
];
export const RANKS = PATTERNS.length;
// 大写 numerals of Taiwan-style headings → the ordinary ones chineseToNumber reads.
const FORMAL: Record<string, string> = { 壹: '一', 贰: '二', 叁: '三', 参: '三', 肆: '四', 伍: '五', 陆: '六', 柒: '七', 捌: '八', 玖: '九', 拾: '十' };

/** The label at the start of `s` (a view string), if any. */
export function matchLabel(s: string): Label | undefined {
  for (const { rank, re } of PATTERNS) {
    const m = re.exec(s);
    if (!m) continue;
    const printed = m[1];
    const digits = printed.replace(/[()\s)第部分章篇]/g, '').replace(/^(?:专项|攻坚|重点)?行动/, '');
    let value: number;
    const code = printed.length === 1 ? printed.charCodeAt(0) : 0;
    const block = ENCLOSED.find(([a, b]) => code >= a && code <= b);
    if (block) value = code - block[0] + 1;
    else if (/^[壹贰叁参肆伍陆柒捌玖拾]+$/.test(printed)) value = chineseToNumber([...printed].map((c) => FORMAL[c]).join(''));
    else if (/^\d+$/.test(digits)) value = Number(digits);
    else value = chineseToNumber(digits);
    if (!Number.isFinite(value) || value <= 0) continue;
    // "1.5亿元", "十四五" and similar are not labels: a label is followed by text, not by a digit.
    if (rank === 1 && /^[一二三四五六七八九十]/.test(s.slice(m[0].length)) && !/[、]/.test(m[0])) continue;
    return { rank, value, numberStart: m.index, numberEnd: m.index + printed.length, length: m[0].length };
  }
  return undefined;
}

/** Where a new label may start inside a line: right after 。 ； or ：. */
export const INLINE_LABEL = new RegExp(
  `[。;:](?=\\s*(?:\\(\\s*${CN}\\s*\\)|\\(\\s*\\d{1,3}\\s*\\)|\\d{1,3}[、.](?!\\d)|\\d{1,3}、(?=\\d{1,4}[年月])|${CN}、|[\\u2460-\\u2487\\u3220-\\u3229]))`,
  'g',
);
