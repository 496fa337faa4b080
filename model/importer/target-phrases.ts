// Quantitative targets in a node's own text: a number (Arabic, decimal, range or Chinese numeral)
// followed by a unit, with comparator words around it. Matching runs on the half-width simplified
// view; quotes and units are sliced from the original text at the same offsets.
import type { Target } from '../plan';
import { metricName } from './metric';
import { parseNumber } from './numerals';

export type DraftTarget = Omit<Target, 'id'>;

// Sorted longest first below, so 平方米 wins over 米 and 人次 over 人.
const BASE_UNITS = [
  ...new Set([
    '平方公里',
    '平方米',
    '立方米',
    '千瓦时',
    '个工作日',
    '个百分点',
    '百分点',
    '吨公里',
    '公斤',
    '美元',
    '场次',
    '户次',
    '兆瓦',
    '千瓦',
    '微克/立方米',
    '毫克/升',
    '公里',
    '千米',
    '公顷',
    '千瓦',
    '标箱',
    '人次',
    '辆次',
    '艘次',
    '架次',
    '床位',
    '标准箱',
    '元',
    '米',
    '亩',
    '吨',
    '座',
    '个',
    '台',
    '辆',
    '艘',
    '条',
    '户',
    '家',
    '项',
    '所',
    '处',
    '套',
    '张',
    '部',
    '间',
    '栋',
    '幢',
    '批',
    '场',
    '名',
    '位',
    '人',
    '册',
    '架',
    '次',
    '株',
    '棵',
    '眼',
    '宗',
    '班',
    '门',
    '斤',
    '天',
    '支',
    '期',
    '头',
    '只',
    '岁',
    '分',
    '分钟',
    '小时',
    '批次',
    '件次',
    '车次',
    '班次',
    '吨标准煤',
    // Round three (issue 14): 85件 计划, 120站 监测站, 20类 证照, 1起 事故.
    '件',
    '站',
    '类',
    '起',
    'km',
    '%',
    '‰',
  ]),
].sort((a, b) => b.length - a.length);
// 千 as a multiplier only after Arabic digits in practice (3～5千个); Chinese numerals take it as a digit.
const UNIT = `(?:(?:万亿|千万|百万|十万|万|亿|千)(?:${BASE_UNITS.filter((u) => !/^(?:[%‰岁分])|个工作日|百分点|天|小时/.test(u)).join('|')})|${BASE_UNITS.join('|')})`;
const NUM_A = '\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?';
const NUM_C = '[零〇一二两三四五六七八九十百千]+';
const RANGE = '\\s*(?:-|—|–|~|至|到)\\s*';
// groups: 1 first number, 2 second number (range: 1-2个, 3至5个, 5%-8%), 3 余/多, 4 unit (one space
// allowed before it, as in text extracted from PDFs: 278 亿元). The lookbehinds make a number start
// only where no digit/numeral precedes it, so a long run of digits is scanned once, not once per position.
const TARGET_RE = new RegExp(
  `((?<![\\d.,])(?:${NUM_A})|(?<![零〇一二两三四五六七八九十百千])(?:${NUM_C}))(?:(?:%(?=${RANGE}(?:${NUM_A})%))?${RANGE}(${NUM_A}|${NUM_C}))?(余|多)?[ \\u00a0]?(${UNIT})`,
  'g',
);
const PERCENT_WORDS_RE = new RegExp(`百分之(${NUM_A}|${NUM_C})`, 'g');
const UNIT_ONLY = new RegExp(`^(?:${UNIT})$`);

/** True when `s` (view text) is a unit of measure alone: 人, 万元, 公里, %. */
export function isUnit(s: string): boolean {
  return UNIT_ONLY.test(s);
}

/**
 * A bare number in a table column whose header names the unit (新增就业（人） → 12000): a target with
 * that unit; the quote is the number as written. undefined when the cell is not a bare number.
 */
export function tableCellTarget(
  orig: string,
  view: string,
  start: number,
  end: number,
  unit: string,
  unitView: string,
  metric: string,
): DraftTarget | undefined {
  const v = view.slice(start, end);
  if (!new RegExp(`^(?:${NUM_A})$`).test(v)) return undefined;
  const value = parseNumber(v);
  if (!Number.isFinite(value)) return undefined;
  const baseUnit = unitView.replace(/^(?:千万|百万|十万|万|亿|千)/, '');
  const kind: Target['kind'] = unitView === '%' || unitView === '‰' ? 'rate' : COUNT_UNITS.has(baseUnit) && baseUnit === unitView ? 'count' : 'amount';
  return { metric, value, unit, comparator: 'eq', kind, quote: orig.slice(start, end), span: { start, end }, confidence: 0.8 };
}
// 三成 / 8成 followed by a bound, 的 or the end of a clause (not 三成员, 建成, 完成: no numeral before 成).
const TENTHS_RE = /(?<![\d.零〇一二两三四五六七八九十百千第])([一二两三四五六七八九]|[1-9])成(?=及以上|以上|以下|左右|的|[,。;、]|$)/g;

const COUNT_UNITS = new Set([
  '期',
  '支',
  '个',
  '条',
  '家',
  '户',
  '项',
  '所',
  '处',
  '台',
  '辆',
  '艘',
  '套',
  '张',
  '部',
  '批',
  '名',
  '位',
  '架',
  '次',
  '场',
  '间',
  '栋',
  '幢',
  '宗',
  '眼',
  '班',
  '件',
  '站',
  '类',
  '起',
]);
// Words right after a Chinese-numeral count that mark a slogan or a named campaign (三项工程, 五项攻坚行动).
const SLOGAN_NEXT =
  /^(?:一|责任|全面|工程|行动|攻坚|机制|意识|自信|维护|确立|清单|制度|体系|理念|原则|战略|战役|规定|作风|要求|目标|任务|方面|重点|统筹|结合|优先|坚持|必须|全会|中心|基本|文明|融合|一体)/;
const GTE_BEFORE = /(?:不低于|不少于|不小于|至少|(?<!不)超过|突破|(?<!不)多于|(?<!不)高于|(?<!不)大于)\s*$/;
const LTE_BEFORE = /(?:不超过|不高于|不大于|控制在|压缩至|压缩到|压减至|压减到|缩短至|缩短到|降至|降到|降低至|降低到|低于|少于)\s*$/;
const GROWTH_WORDS = /(?:增长|增速|同比|递增|提高|提升|增加|下降|降低|减少|压减|年均)/;
const LEVEL_WORDS = /(?:达到|达|总里程|总量|总规模|累计|保有量|总数|总计|总长|总面积)\s*$/;

function isCjk(ch: string | undefined): boolean {
  return !!ch && /[\u4e00-\u9fff]/.test(ch);
}

const QUOTE_PAIRS: Record<string, string> = { '“': '”', '《': '》', '「': '」', '『': '』', '‘': '’', '"': '"', '〈': '〉' };

/** [start, end) ranges of quoted text (“…” 《…》 「…」 "…") in a view string, short ones only. */
export function quoteRanges(v: string): [number, number][] {
  const out: [number, number][] = [];
  const OPEN = /[“《「『‘"〈]/g;
  for (let m = OPEN.exec(v); m; m = OPEN.exec(v)) {
    const i = m.index;
    const close = QUOTE_PAIRS[v[i]];
    let j = -1;
    for (let k = i + 1; k < v.length && k - i <= 40; k++) {
      if (v[k] === close) {
        j = k;
        break;
      }
    }
    if (j > i) {
      out.push([i, j + 1]);
      OPEN.lastIndex = j + 1;
    }
  }
  return out;
}

function inRanges(pos: number, ranges: [number, number][]): boolean {
  for (const [s, e] of ranges) if (pos >= s && pos < e) return true;
  return false;
}

/** A comparator earlier in the same clause with no other number in between: 至少建成10个, 不低于全省的百分之六十. */
function clauseComparator(v: string, s: number): Target['comparator'] {
  const clause =
    v
      .slice(Math.max(0, s - 16), s)
      .split(/[,。;:、]/)
      .pop() ?? '';
  if (/\d/.test(clause)) return 'eq';
  if (/不超过|不高于|控制在|压缩至|降至/.test(clause)) return 'lte';
  if (/不低于|不少于|不小于|至少|(?<!不)超过|突破/.test(clause)) return 'gte';
  return 'eq';
}

/**
 * Targets in view/orig[start, end). `v` is the view, `orig` the original text; both whole documents.
 */
export function extractTargets(orig: string, view: string, start: number, end: number): DraftTarget[] {
  const seg: Segment = { orig, view, start, v: view.slice(start, end), o: orig.slice(start, end), quotes: () => (quotesCache ??= quoteRanges(seg.v)) };
  let quotesCache: [number, number][] | undefined; // only computed for segments that hold a number
  const { out, qualifierCandidates } = numberTargets(seg);
  nameBareGrowth(out);
  spreadFenbie(out, seg);
  const kept = dropQualifiers(out, qualifierCandidates, seg);
  kept.push(...wordPercentTargets(seg));
  return kept.sort((x, y) => x.span.start - y.span.start);
}

/** One segment of the document: the view/orig slices and their offset in the whole text. */
interface Segment {
  orig: string;
  view: string;
  start: number;
  v: string;
  o: string;
  /** The quoted ranges of `v` (a number in quotes is a name, not a target). */
  quotes(): [number, number][];
}

/** Arabic and Chinese-numeral quantities with a unit (TARGET_RE), minus the words that only look like one. */
function numberTargets(seg: Segment): { out: DraftTarget[]; qualifierCandidates: Set<number> } {
  const { orig, view, start, v, o, quotes } = seg;
  const out: DraftTarget[] = [];
  const qualifierCandidates = new Set<number>();
  TARGET_RE.lastIndex = 0;
  for (let m = TARGET_RE.exec(v); m; m = TARGET_RE.exec(v)) {
    const [whole, a, b, approx, unitView] = m;
    const s = m.index;
    const e = s + whole.length;
    const prev = v[s - 1];
    const next = v.slice(e, e + 8);
    const chinese = !/\d/.test(a);
    // A Chinese numeral embedded in a word (数十个, 第三批) or a lone 一 (一个, 一批) is not a quantity.
    // 至少办好一所: after a comparator word of the same clause, 一 is a quantity after all.
    const lone = a === '一' && !/(?:至少|不少于|不低于)[^,。;:、\d]{0,6}$/.test(v.slice(Math.max(0, s - 10), s));
    if (chinese && (lone || /[第数几多若每十百千零一二两三四五六七八九]/.test(prev ?? '') || (a.length === 1 && a === '百'))) continue;
    if (prev === '第' || prev === '每' || /[A-Za-z.]/.test(prev ?? '') || (/\d/.test(prev ?? '') && !chinese)) continue;
    if (inRanges(s, quotes())) continue;
    if (chinese && (SLOGAN_NEXT.test(next) || prev === '”' || prev === '"' || prev === '》')) continue;
    // 二期工程, 3期项目: a phase of a project is a name.
    if (unitView === '期' && /^(?:工程|项目|建设|扩建|改造)/.test(next)) continue;
    // 农安至九台: after 至/到 a Chinese numeral is a place name, not a quantity.
    if (chinese && (prev === '至' || prev === '到')) continue;
    // 5千个 / 3～5千个: a Chinese numeral right after digits is their multiplier, read with them above.
    if (chinese && /[\d~\-—–]/.test(prev ?? '')) continue;
    // Structure counts (以下8个方面) and durations (3个月, 24小时) are not commitments.
    if (/^(?:方面|部分|大类|月|年|周|季度)/.test(next) || /(?:以下|如下|下列)$/.test(v.slice(Math.max(0, s - 3), s))) continue;
    // Durations are targets only as time limits: 压缩至3个工作日以内, 平均住院日控制在7天以内.
    // (1个工作日内办结, 1小时办结: a limit on how long a service takes is one too.)
    const duration = unitView === '个工作日' || unitView === '天' || unitView === '小时' || unitView === '分钟';
    if (duration && !/(?:压缩|压减|缩短|控制|不超过|以内)/.test(v.slice(Math.max(0, s - 8), e + 3)) && !/^(?:内|办结|办理)/.test(next)) continue;
    // Rankings (进入全国前100名, 排名前20%的医院) are not counts or rates.
    if (prev === '前' && /^[名位%]$/.test(unitView)) continue;
    // 岁 and 分 (a score) are targets only as levels (预期寿命达到79.8岁, 满意度85分以上): an age or score
    // followed by a noun qualifies it (65岁老人, 3岁以下婴幼儿), and 分 before 钟/之/… is another word.
    if ((unitView === '岁' || unitView === '分') && (chinese || isCjk(next.replace(/^(?:及以上|以上|以下|以内|左右)/, '')[0]))) continue;
    // Qualifiers: "50户以上自然屯", "年产值500万元以上的企业": the comparator is followed by the noun it qualifies.
    // One space is allowed before it, as in text pasted from web pages (320万亩 以上).
    const after = /^[ \u00a0\u3000]?(?:及以上|以上|以下|以内|之内|左右)/.exec(next);
    // (A percentage is not a qualifier: 覆盖80%以上的县 is a target.)
    if (after && /^以[上下]/.test(after[0].trim().replace(/^及/, '')) && unitView !== '%') {
      const following = v.slice(e + after[0].length, e + after[0].length + 20);
      if (isCjk(following[0]) || following[0] === '的') continue;
      if (following[0] === '、' && /\d+\S{0,3}以[上下][\u4e00-\u9fff]/.test(following.split(/[,。;]/)[0])) continue;
    }
    // 站点500米覆盖率, 15分钟生活圈覆盖率: a quantity right before a rate's name qualifies that rate.
    if (unitView !== '%' && unitView !== '‰' && /^[\u4e00-\u9fff]{0,3}率/.test(next)) continue;
    const value = parseNumber(a);
    if (!Number.isFinite(value)) continue;
    const max = b !== undefined ? parseNumber(b) : undefined;
    if (max !== undefined && !(Number.isFinite(max) && max > value)) continue;
    // A quantity right after "元/" or inside "1:1000" style ratios is not a target.
    if (prev === '/' || prev === ':') continue;

    const lookback = v.slice(Math.max(0, s - 8), s);
    const comparator = matchComparator(v, s, lookback, next, after?.[0], duration, approx);
    const unit = o.slice(s + whole.length - unitView.length, e).replace('％', '%');
    const kind = matchKind(unitView, lookback);
    const { confidence, why } = matchConfidence(chinese, max !== undefined, approx, lookback + next.slice(0, 2));
    // "1支不少于20人的队伍", "5个投资1000万元的项目": a quantity + 的 next to another quantity of the
    // same clause qualifies that one (decided below, once the clause's quantities are known).
    if (v[e] === '的' && unitView !== '%' && unitView !== '‰') qualifierCandidates.add(out.length);
    out.push({
      metric: metricName({ orig, v: view, start: start + s, end: start + e, unit, count: kind === 'count', segStart: start }),
      value,
      ...(max !== undefined ? { max } : {}),
      unit,
      comparator,
      kind,
      quote: o.slice(s, e),
      span: { start: start + s, end: start + e },
      confidence,
      ...(confidence < 0.8 ? { reason: why.join('；') } : {}),
    });
  }
  return { out, qualifierCandidates };
}

/** The comparator of a quantity at v[s]: the words right after it, then before it, then in its clause. */
function matchComparator(
  v: string,
  s: number,
  lookback: string,
  next: string,
  after: string | undefined,
  duration: boolean,
  approx: string | undefined,
): Target['comparator'] {
  if (duration && next[0] === '内') return 'lte';
  if (after && /以上/.test(after)) return 'gte';
  if (after && /以下|以内|之内/.test(after)) return 'lte';
  if (GTE_BEFORE.test(lookback)) return 'gte';
  if (LTE_BEFORE.test(lookback)) return 'lte';
  if (approx) return 'gte';
  return clauseComparator(v, s);
}

/** growth (百分点, or % after a growth word), rate (%), level (a 达到…总量 word before), count or amount. */
function matchKind(unitView: string, lookback: string): Target['kind'] {
  const baseUnit = unitView.replace(/^(?:千万|百万|十万|万|亿|千)/, '');
  const growthWord = GROWTH_WORDS.exec(lookback);
  if (unitView === '个百分点' || unitView === '百分点') return 'growth';
  if ((unitView === '%' || unitView === '‰') && growthWord && !/[到至]\s*$/.test(lookback)) return 'growth';
  if (unitView === '%' || unitView === '‰') return 'rate';
  if (LEVEL_WORDS.test(lookback)) return 'level';
  if (COUNT_UNITS.has(baseUnit) && baseUnit === unitView) return 'count';
  return 'amount';
}

/** 0.9 less a doubt for each uncertain trait (Chinese numeral, range, 约数, 力争/左右), at least 0.3; with the reasons. */
function matchConfidence(chinese: boolean, range: boolean, approx: string | undefined, around: string): { confidence: number; why: string[] } {
  let confidence = 0.9;
  const why: string[] = [];
  const doubt = (by: number, reason: string) => {
    confidence -= by;
    why.push(reason);
  };
  if (chinese) doubt(0.15, '数字为汉字');
  if (range) doubt(0.05, '区间值');
  if (approx) doubt(0.25, `“${approx}”为约数，按不低于计`);
  if (/力争|争取|左右/.test(around)) doubt(0.1, '力争/左右等非确定表述');
  return { confidence: Math.max(0.3, Math.round(confidence * 100) / 100), why };
}

/** 总产值突破1.3万亿元，同比增长6%: a bare growth metric names the quantity before it. */
function nameBareGrowth(out: DraftTarget[]): void {
  for (let i = 1; i < out.length; i++) {
    const tail = out[i].metric.slice(out[i].metric.lastIndexOf('、') + 1);
    if (out[i].kind === 'growth' && /^(?:同比)?(?:增长|增速|提高|下降|增加|减少)$/.test(tail)) out[i].metric = out[i - 1].metric + tail;
  }
}

/** 分别达到1200吨、450吨以上: after 分别, a trailing 以上/以下 bounds every value of the 、-list. */
function spreadFenbie(out: DraftTarget[], { v, start }: Segment): void {
  for (let i = out.length - 1; i > 0; i--) {
    const cur = out[i];
    if (cur.comparator === 'eq') continue;
    let j = i;
    while (j > 0 && /^[、和及]$/.test(v.slice(out[j - 1].span.end - start, out[j].span.start - start))) j--;
    if (j === i) continue;
    // The clause before the list (back to , 。 ; : and at most 40 characters), scanned by hand: a
    // /[^,。;:]*$/ search would be quadratic on long text.
    let from = out[j].span.start - start;
    const stop = Math.max(0, from - 40);
    while (from > stop && !/[,。;:]/.test(v[from - 1])) from--;
    const clause = v.slice(from, out[j].span.start - start);
    if (!clause.includes('分别')) continue;
    for (let k = j; k < i; k++) if (out[k].comparator === 'eq') out[k].comparator = cur.comparator;
    i = j;
  }
}

/** A quantity + 的 (qualifier candidate) is dropped when another quantity shares its clause. */
function dropQualifiers(out: DraftTarget[], qualifierCandidates: Set<number>, { v, start }: Segment): DraftTarget[] {
  if (!qualifierCandidates.size) return out;
  const clauseOf = (pos: number) => {
    let a = pos;
    while (a > 0 && !/[,。;]/.test(v[a - 1])) a--;
    return a;
  };
  const clauses = out.map((t) => clauseOf(t.span.start - start));
  return out.filter((_, i) => !(qualifierCandidates.has(i) && clauses.some((c, j) => j !== i && c === clauses[i])));
}

/** Percentages written in words: 百分之三十, and tenths 三成以上的建制村 / 8成 (三成 = 30%). */
function wordPercentTargets({ orig, view, start, v, o, quotes }: Segment): DraftTarget[] {
  const out: DraftTarget[] = [];
  const wordPercents: [RegExp, number, number][] = [
    [TENTHS_RE, 10, 0.7],
    [PERCENT_WORDS_RE, 1, 0.8],
  ];
  for (const [re, scale, confidence] of wordPercents) {
    re.lastIndex = 0;
    for (let m = re.exec(v); m; m = re.exec(v)) {
      const s = m.index;
      const e = s + m[0].length;
      if (inRanges(s, quotes())) continue;
      const value = parseNumber(m[1]) * scale;
      if (!Number.isFinite(value)) continue;
      const lookback = v.slice(Math.max(0, s - 8), s);
      const next = v.slice(e, e + 4);
      const comparator =
        /^(?:及以上|以上)/.test(next) || GTE_BEFORE.test(lookback)
          ? 'gte'
          : /^(?:以下|以内)/.test(next) || LTE_BEFORE.test(lookback)
            ? 'lte'
            : clauseComparator(v, s);
      out.push({
        metric: metricName({ orig, v: view, start: start + s, end: start + e, unit: '%', count: false, segStart: start }),
        value,
        unit: '%',
        comparator,
        kind: GROWTH_WORDS.test(lookback) && !/[到至]\s*$/.test(lookback) ? 'growth' : 'rate',
        quote: o.slice(s, e),
        span: { start: start + s, end: start + e },
        confidence,
      });
    }
  }
  return out;
}
