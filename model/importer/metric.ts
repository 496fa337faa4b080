// The metric name (指标) of a target: what a reporter sees in the 指标 column. Built from the clause
// before the number: the clause's verb (续建, 新增, 改造…) plus the thing measured, with deadlines,
// comparator words and lists of place or project names left out; a length, area or money figure right
// after a count (5个项目631公里) is named after the count (…续建里程). Cuts are decided on the
// simplified half-width view and applied to the original at the same offsets, so a traditional-script
// document keeps its metric as written.

// Any number with the measure word after it: only used to split a clause at its quantities, so a looser
// reading than target-phrases.ts (which decides what is a target).
// (每千人 and 第三批 are words, not quantities.)
const NUM = '(?:\\d[\\d,]*(?:\\.\\d+)?|(?<![每第])[零〇一二两三四五六七八九十百千]+)';
const MEASURE =
  '(?:分钟|小时|平方公里|平方米|立方米|千瓦时|个工作日|个百分点|百分点|微克/立方米|毫克/升|公里|千米|公顷|公斤|标准箱|标箱|人次|场次|户次|批次|件次|车次|班次|兆瓦|千瓦|床位|吨标准煤|km|[元米亩吨座个台辆艘条户家项所处套张部间栋幢批场名位人册架次株棵眼宗班门斤天支期头只岁分%‰])';
const QUANTITY = new RegExp(
  `${NUM}(?:\\s*(?:-|—|–|~|至|到)\\s*${NUM})?(?:余|多)?[ \\u00a0]?(?:万亿|千万|百万|十万|万|亿|千)?${MEASURE}(?:及以上|以上|以下|以内|左右)?`,
  'g',
);
// A quantity followed by 的 or a rate's name qualifies the name (进入全国前20%的医院, 公交站点500米覆盖率)
// and stays in it.
const QUANTITY_NOT_QUALIFIER = new RegExp(`${QUANTITY.source}(?!的|[\\u4e00-\\u9fff]{0,3}率)`, 'g');
const COUNT_MEASURE = /^(?:个|项|座|条|家|户|所|处|台|辆|艘|套|张|部|批|名|位|架|次|场|间|栋|幢|宗|眼|班|期|支)$/;

// Deadlines and years are not part of what is measured (年内完成…, 10月底前在…). A bare 前 is not a
// deadline (学前教育), and a year after 较/比 is the base of a comparison (较2020年下降), so both stay.
const DEADLINE_WORDS =
  /(?<![较比\d])(?:到|至)?(?:(?:19|20)\d\d年(?:\d{1,2}月(?:\d{1,2}[日号])?)?(?:底|末)?(?:前|以前|之前)?|\d{1,2}月(?:\d{1,2}[日号])?(?:底|末)?(?:前|以前|之前)?|[一二三四]季度末(?:前)?|年[底末](?:前)?|年内|上半年|下半年)(?:建成的)?|较上年|比上年/g;
const VERB =
  /^(?:建成通车|新开工|新建改扩建|新建改建|新增更新|续建|新建|建成|开工|改造|实施|建设|完成|新增|培育|新培育|创建|整治|打造|推进|启动|评选|开展|实现|组建|招聘|新招聘|发放|打通|加装|增设|淘汰|安排|争取|检查|接入|创建|认定|新认定|新评定|募集|扶持|带动)/;
// 等 closing a list of names (文化驿站等新型公共文化空间), not in 中等, 等级, 高等.
const ETC = /(?<![中高同平均对初上下优])等(?![级于同])/g;
// A route name (农安至九台, 白城市到保至德顺), not 至少 or 达到.
const ROUTE = /[\u4e00-\u9fff]{2}(?<!达)(?:至|到)(?!少|今|多)[\u4e00-\u9fff]{2}/;
// A verb inside a counted phrase: 33个高速公路服务区增设快充设施.
const INNER_VERB = /(?:增设|建设|建成|新建|改造|配备|开展|实施|接入|安装)/;
const TRAILING =
  /(?:[、,和及与的]|全(?:国|省|市|县|区)的|\/年|每(?:年|季度|半年|月)|保持|分别|全部|不低于|不少于|不小于|至少|超过|突破|达到|达|为|约|控制在|不超过|压缩至|压缩到|降至|降到|稳定在|保持在|提高到|提高至|提升到|提升至|扩大到|扩大至|增加到|增加至)$/;
const LEADING =
  /^(?:[①-⑳]|\d{1,2}\.\s*(?!\d)|\d{1,2}\s+|每(?:季度|半年|月)|\(\d{1,2}\)|\d{1,2}\)|[一二三四五六七八九十]{1,2}是|全年|力争|确保|累计|共|同时|其中|并|和|及|与|、|全省|全市|全区|全县)+/;
// The task title's object: 加快高速公路建设 → 高速公路.
const TITLE_VERBS = /^(?:着力|大力|全力|扎实|稳步|持续|加快|推进|推动|加强|深化|完善|提升|强化|实施|抓好|做好|促进)+/;
const TITLE_TAIL = /(?:项目建设|建设|发展|工作|工程)$/;
const GENERIC_THING = /^(?:个|条|座|项)?(?:项目|工程)$/;
// Nouns for a length, area or money figure that follows a count.
function measureNoun(unit: string): string | undefined {
  const u = unit.replace(/^(?:万亿|千万|百万|十万|万|亿|千)/, '');
  if (/^(?:公里|千米|km|米)$/.test(u)) return '里程';
  if (/^(?:平方米|平方公里|公顷|亩)$/.test(u)) return '面积';
  if (u === '元') return '投资';
  return undefined;
}

/** The same text twice: as matched (view) and as written (original); every cut applies to both. */
class Twin {
  constructor(
    public v: string,
    public o: string,
  ) {}
  remove(re: RegExp): this {
    let v = '';
    let o = '';
    let at = 0;
    for (const m of this.v.matchAll(re)) {
      v += this.v.slice(at, m.index);
      o += this.o.slice(at, m.index);
      at = m.index! + m[0].length;
    }
    this.v = v + this.v.slice(at);
    this.o = o + this.o.slice(at);
    return this;
  }
  slice(a: number, b?: number): this {
    this.v = this.v.slice(a, b);
    this.o = this.o.slice(a, b);
    return this;
  }
  /** Cut an anchored match (re starts with ^ or ends with $), repeatedly. */
  cut(re: RegExp): this {
    for (let i = 0; i < 4; i++) {
      const m = re.exec(this.v);
      if (!m || !m[0]) break;
      if (m.index === 0) this.slice(m[0].length);
      else this.slice(0, m.index);
    }
    return this;
  }
  plus(t: Twin): Twin {
    return new Twin(this.v + t.v, this.o + t.o);
  }
}

export interface MetricInput {
  orig: string; // whole text as written
  v: string; // the same text, simplified half-width view
  start: number; // the quantity's span in both
  end: number;
  unit: string; // as written
  count: boolean; // a count of things (5个项目): the counted noun after the number belongs to the name
  segStart?: number; // where the node's own text starts (its first sentence may be the task title)
  title?: string; // the task title, when the caller knows it
}

/** The object of a task title (加快高速公路建设 → 高速公路), or '' when it has none worth borrowing. */
export function titleObject(title: string, view = title): string {
  const end = view.replace(/[。.,，;；:：\s]+$/, '').length;
  const head = TITLE_VERBS.exec(view)?.[0].length ?? 0;
  const tail = TITLE_TAIL.exec(view.slice(head, end))?.[0].length ?? 0;
  const t = title.slice(head, end - tail);
  return t.length >= 2 && t.length <= 8 && !/\d|[、,，和及与]/.test(t) && !VERB.test(view.slice(head)) ? t : '';
}

/** The first sentence of the node's text when it reads as a title (short, no number): 加快高速公路建设。 */
function inlineTitle(v: string, segStart: number, at: number): [number, number] | undefined {
  const stop = v.slice(segStart, Math.min(at, segStart + 26)).search(/[。;]/);
  if (stop < 2 || /\d/.test(v.slice(segStart, segStart + stop))) return undefined;
  return [segStart, segStart + stop];
}

interface Quantity {
  start: number;
  end: number;
  unit: string;
}

/** Quantities of v[from, to), as offsets into v. */
function quantities(v: string, from: number, to: number): Quantity[] {
  const out: Quantity[] = [];
  QUANTITY.lastIndex = 0;
  const s = v.slice(from, to);
  for (let m = QUANTITY.exec(s); m; m = QUANTITY.exec(s)) {
    const unit = /(?:万亿|千万|百万|十万|万|亿|千)?[^\d\s]*?$/.exec(m[0].replace(/(?:及以上|以上|以下|以内|左右)$/, ''))![0];
    out.push({ start: from + m.index, end: from + m.index + m[0].length, unit: unit.replace(/^[零〇一二两三四五六七八九十百千余多]+/, '') });
  }
  return out;
}

/** The counted thing after a count (5个项目, 33个高速公路服务区增设快充设施), as a twin; never cut mid-word. */
function countedThing(orig: string, v: string, end: number): Twin {
  let to = end;
  // Stop at punctuation, digits and 的 (1支不少于20人的队伍); a quote is taken whole.
  while (to < v.length && to - end < 20 && !/[,。;:、()\n\t\d]/.test(v[to])) {
    if (v[to] === '“' || v[to] === '"') {
      const close = v.indexOf(v[to] === '“' ? '”' : '"', to + 1);
      if (close < 0 || close - end > 24) break;
      to = close + 1;
      break; // a quoted name ends the thing counted: 评选10条省级“美丽农村路”
    }
    if (v[to] === '”') break;
    to++;
  }
  const t = new Twin(v.slice(end, to), orig.slice(end, to)).cut(/^(?:及)?以[上下内]/).cut(/(?:以[上下内]|左右|的)$/);
  if (to - end >= 20) {
    // Ran to the limit without a stop: keep what ends before the next verb, not a cut word.
    const m = /[\u4e00-\u9fff](?=建设|建成|改造|实施|开展|推进)/.exec(t.v);
    if (m) t.slice(0, m.index + 1);
  }
  return t;
}

/** Back from `start` to its clause's start; a parenthesis on the way is an aside (园池至图们(一期工程)), stepped over. */
function clauseStart(v: string, start: number): number {
  let from = start;
  while (from > 0 && start - from < 64 && !/[,。;:(\n\t]/.test(v[from - 1])) {
    const open = v[from - 1] === ')' ? v.lastIndexOf('(', from - 1) : -1;
    if (v[from - 1] === ')' && (open < 0 || from - open > 20)) break;
    from = open >= 0 ? open : from - 1;
  }
  return from;
}

/** 建设通自然屯公路649公里, 实施安防工程1800公里: the length of an activity is the object's 建设里程. */
function activityLength(name: Twin, verb: string, noun: string): Twin {
  const object = name.v.slice(verb.length);
  if (noun === '投资' || !/^(?:建设|整治|实施)$/.test(verb) || object.length < 2 || /(?:里程|面积|长度)$/.test(object)) return name;
  const keepVerb = verb !== '实施' || /工程$/.test(object);
  return new Twin(object + (keepVerb ? verb : '') + noun, name.o.slice(verb.length) + (keepVerb ? name.o.slice(0, verb.length) : '') + noun);
}

/** 续建5个项目 under 加快高速公路建设: the clause names only the verb and a generic thing, the task title names the object. */
function withTitleObject(name: Twin, verb: string, input: MetricInput, from: number): Twin {
  const { orig, v } = input;
  const rest = name.v.slice(verb.length);
  if (!verb || (rest && !GENERIC_THING.test(rest))) return name;
  const at = input.title === undefined && input.segStart !== undefined ? inlineTitle(v, input.segStart, from) : undefined;
  const object = at ? titleObject(orig.slice(...at), v.slice(...at)) : input.title ? titleObject(input.title) : '';
  return object && !name.o.includes(object) ? new Twin(object + name.v, object + name.o) : name;
}

/** The metric name of the quantity at v[start, end). */
export function metricName(input: MetricInput): string {
  const { orig, v, start, end, unit, count } = input;
  const from = clauseStart(v, start);
  const clause = new Twin(v.slice(from, start), orig.slice(from, start)).cut(LEADING);
  const clauseVerb = VERB.exec(clause.v)?.[0] ?? '';
  const qs = quantities(v, from, start).filter((q) => q.end <= start);
  const prev = qs[qs.length - 1];
  // 5个项目631公里: a length/area/money right after a count is the count's 里程/面积/投资.
  const noun = measureNoun(unit);
  if (prev && noun && COUNT_MEASURE.test(prev.unit) && start - prev.end <= 12 && !/[、和及与]/.test(v.slice(prev.end, start))) {
    const base = metricName({ ...input, start: prev.start, end: prev.end, unit: prev.unit, count: true });
    const thing = countedThing(orig, v, prev.end);
    // A generic thing gives way to the noun (续建项目 → 续建里程); a named one keeps it (…通三级以上公路里程).
    const stem = GENERIC_THING.test(thing.v) && base.endsWith(thing.o) ? base.slice(0, base.length - thing.o.length) : base;
    return stem + noun;
  }
  // 社区养老服务设施50处、托育服务设施30处: after an earlier quantity, the words since it name this one,
  // with the clause's verb in front (新增托育服务设施).
  let ownFrom = from;
  const own = v.slice(prev?.end ?? from, start).replace(/^[、和及与]+/, '');
  if (prev && !/^(?:的|[\u4e00-\u9fff]{0,3}率)/.test(v.slice(prev.end, prev.end + 4)) && /[\u4e00-\u9fffA-Za-z]/.test(own.replace(TRAILING, '')))
    ownFrom = prev.end;
  // 完成投资278亿元、增长8%: a bare growth word stays bare (target-phrases.ts names it after the quantity before).
  const growthOnly = /^(?:同比)?(?:增长|增速|提高|下降|增加|减少)$/.test(own);
  let before = new Twin(v.slice(ownFrom, start), orig.slice(ownFrom, start))
    .remove(QUANTITY_NOT_QUALIFIER)
    .cut(LEADING)
    .remove(DEADLINE_WORDS)
    .cut(LEADING)
    .cut(/^(?:在|于|将|要)/)
    .cut(TRAILING);
  const verbAt = VERB.exec(before.v)?.[0] ?? '';
  if (ownFrom !== from && clauseVerb && !verbAt && !growthOnly) before = new Twin(clauseVerb, clause.o.slice(0, clauseVerb.length)).plus(before);
  const verb = VERB.exec(before.v)?.[0] ?? '';
  let thing = count ? countedThing(orig, v, end) : new Twin('', '');
  // 续建A至B、C至D等5个项目 / 建成通车集安至桓仁、大蒲柴河至烟筒山2个项目: names listed between the verb
  // and a count are dropped; the counted thing names the metric.
  const names = before.v.slice(verb.length);
  const etc = [...before.v.matchAll(ETC)].pop();
  if (etc) {
    const cut = etc.index + 1;
    before = new Twin(verb, before.o.slice(0, verb.length)).plus(new Twin(before.v.slice(cut), before.o.slice(cut)));
  } else if (count && thing.v && (/、/.test(names) || ROUTE.test(names))) {
    before.slice(0, verb.length);
  }
  // 在33个高速公路服务区增设快充设施: the place is counted, the phrase after it says what it gets.
  if (count && !before.v.replace(/^在/, '') && thing.v) {
    const m = INNER_VERB.exec(thing.v);
    if (m && m.index > 1 && thing.v.length - m.index - m[0].length >= 2)
      thing = new Twin(thing.v.slice(m.index) + '的' + thing.v.slice(0, m.index), thing.o.slice(m.index) + '的' + thing.o.slice(0, m.index));
  }
  if (before.v.length > 16) {
    const cut = before.v.lastIndexOf('、');
    if (cut >= 0 && before.v.length - cut > 3) before.slice(cut + 1);
  }
  let name = before.plus(thing);
  name.remove(/至少|分别/g);
  // A quote cut in half by a removed quantity (建成“15分钟就业服务圈”示范点) loses its marks.
  if ((name.v.match(/“/g) ?? []).length !== (name.v.match(/”/g) ?? []).length) name.remove(/[“”]/g);
  if (noun && !count) name = activityLength(name, verb, noun);
  name = withTitleObject(name, verb, input, from);
  // 2024年底前建成通车120公里: a bare verb with a length or area is that verb's 里程/面积.
  if (noun && noun !== '投资' && verb && name.v === verb) name = new Twin(name.v + noun, name.o + noun);
  // 社会消费品零售总额增长6.5%，力争突破2800亿元: a clause with no name of its own takes the subject of
  // the clause before (without its growth word).
  if (!name.v && from > 0 && v[from - 1] === ',') {
    const q = quantities(v, Math.max(0, from - 40), from - 1).pop();
    if (q) return metricName({ ...input, start: q.start, end: q.end, unit: q.unit, count: false }).replace(/(?:同比)?(?:增长|增速|提高|下降|增加|减少)$/, '');
  }
  const metric = name.o.trim();
  return metric || unit;
}
