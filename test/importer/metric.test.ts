// Metric names (指标) of imported targets against the hand-written gold names: a character-bigram Dice
// similarity per matched target, averaged over every gold file that names its metrics. Before
// model/importer/metric.ts (the old clause heuristic in target-phrases.ts) the mean was 0.818 on 204 targets,
// 105 exact; the floor below is what metric.ts reaches less a small margin.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlanText, toGoldJson } from '../../model/importer';
import { titleObject } from '../../model/importer/metric';
import { extractTargets } from '../../model/importer/target-phrases';
import { detectScript, makeView } from '../../model/importer/view';
import type { GoldDoc, GoldNode, GoldTarget } from './gold-compare';

type Named = GoldTarget & { metric?: string };
const FIXTURES = new URL('../fixtures/', import.meta.url);

/** Dice coefficient of the character-bigram multisets (1 for equal strings, 0 for disjoint). */
export function dice(a: string, b: string): number {
  if (a === b) return 1;
  const grams = (s: string) => {
    const m = new Map<string, number>();
    for (let i = 0; i + 1 < s.length; i++) m.set(s.slice(i, i + 2), (m.get(s.slice(i, i + 2)) ?? 0) + 1);
    return m;
  };
  const x = grams(a);
  const y = grams(b);
  let both = 0;
  for (const [g, n] of x) both += Math.min(n, y.get(g) ?? 0);
  const total = Math.max(0, a.length - 1) + Math.max(0, b.length - 1);
  return total ? (2 * both) / total : 0;
}

const key = (t: GoldTarget) => `${t.value}|${t.max ?? ''}|${t.unit}|${t.comparator}`;

/** Gold documents with metric names: the seeds (text in seeds/) or one folder of fixtures (text beside). */
function goldDocs(folder: 'gold' | 'blind' | 'blind2'): { name: string; text: string; gold: GoldDoc }[] {
  const out: { name: string; text: string; gold: GoldDoc }[] = [];
  const dir = new URL(`${folder}/`, FIXTURES);
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.gold.json'))) {
    const id = f.replace('.gold.json', '');
    const text = folder === 'gold' ? new URL(`../../seeds/${id}.txt`, import.meta.url) : new URL(`${id}.txt`, dir);
    out.push({ name: id, text: readFileSync(text, 'utf8'), gold: JSON.parse(readFileSync(new URL(f, dir), 'utf8')) });
  }
  return out.filter((d) => JSON.stringify(d.gold).includes('"metric"'));
}

/** Matched [document, got, gold] metric triples over some fixture folders, with the mean Dice printed. */
function measure(label: string, folders: ('gold' | 'blind' | 'blind2')[]) {
  const all: [string, string, string][] = [];
  for (const d of folders.flatMap(goldDocs)) {
    const got = toGoldJson(parsePlanText(d.text, `${d.name}.txt`)) as unknown as GoldDoc;
    for (const [a, b] of metricPairs(got.nodes, d.gold.nodes)) all.push([d.name, a, b]);
  }
  const mean = all.reduce((s, [, a, b]) => s + dice(a, b), 0) / all.length;
  const exact = all.filter(([, a, b]) => a === b).length;
  const long = all.filter(([, a]) => a.length > 16).length;
  console.log(`metric names, ${label}: ${all.length} matched targets, mean bigram Dice ${mean.toFixed(3)}, exact ${exact}, longer than 16 chars ${long}`);
  if (process.env.METRIC_DUMP) for (const [n, a, b] of all) console.log(`${dice(a, b).toFixed(2)}\t${n.slice(0, 12)}\t${a}\t${b}`);
  return { n: all.length, mean, exact, long };
}

/** [got, gold] metric pairs of targets matched on the same node (by value, unit and comparator; quote breaks ties). */
function metricPairs(got: GoldNode[] = [], gold: GoldNode[] = []): [string, string][] {
  const pairs: [string, string][] = [];
  gold.forEach((g, i) => {
    const p = got[i];
    if (!p) return;
    const left = [...(p.targets as Named[])];
    for (const t of g.targets as Named[]) {
      if (!t.metric) continue;
      let at = left.findIndex((c) => key(c) === key(t) && c.quote === t.quote);
      if (at < 0) at = left.findIndex((c) => key(c) === key(t));
      if (at < 0) continue;
      pairs.push([left[at].metric ?? '', t.metric]);
      left.splice(at, 1);
    }
    pairs.push(...metricPairs(p.children, g.children));
  });
  return pairs;
}

describe('metric names vs gold', () => {
  it('seeds and first blind set (the rules were written looking at these)', () => {
    const r = measure('seeds + blind', ['gold', 'blind']);
    expect(r.n).toBeGreaterThan(200);
    expect(r.mean).toBeGreaterThanOrEqual(0.92);
    expect(r.exact / r.n).toBeGreaterThanOrEqual(0.75);
    expect(r.long).toBeLessThanOrEqual(10);
  });

  // Measured first as a held-out check (0.730 with the old heuristic, 0.737 with the first version of
  // metric.ts); its misses then led to the label, table-cell, 中等 and bare-verb rules, so it is no
  // longer unseen.
  it('second blind set', () => {
    const r = measure('blind2', ['blind2']);
    expect(r.n).toBeGreaterThan(50);
    expect(r.mean).toBeGreaterThanOrEqual(0.77);
  });
});

/** Metric names of the targets in one line of plan text, in order. */
function names(text: string): string[] {
  const view = makeView(text, detectScript(text));
  return extractTargets(text, view, 0, text.length).map((t) => `${t.quote}=${t.metric}`);
}

describe('metric naming rules', () => {
  it('drops lists of project and place names and names the counted thing with the verb', () => {
    expect(names('续建长春都市圈环线农安至九台和双阳至伊通、长春至太平川、烟筒山至长春等5个项目，')).toEqual(['5个=续建项目']);
    expect(names('建成通车集安至桓仁、大蒲柴河至烟筒山2个项目，')).toEqual(['2个=建成通车项目']);
    expect(names('建成靖宇县崇礼、通榆县瞻榆2个乡镇运输服务站。')).toEqual(['2个=建成乡镇运输服务站']);
    // 至少 and 达到 are not routes: the words before the count stay.
    expect(names('每个县至少办好一所普通高中。')).toEqual(['一所=每个县办好普通高中']);
  });

  it('reads only the task cell of a table row and leaves out item labels', () => {
    expect(names('3\t新增市场主体2000户\t县市场监管局\t第三季度末')).toEqual(['2000户=新增市场主体']);
    expect(names('4. 新建口袋公园30个')).toEqual(['30个=新建口袋公园']);
  });

  it('never cuts a word in half', () => {
    // 中等 is a word, not the 等 that closes a list of names.
    expect(names('农村公路优良中等路率达到百分之八十五。')).toEqual(['百分之八十五=农村公路优良中等路率']);
    expect(names('建设城市书房、文化驿站等新型公共文化空间200个。')).toEqual(['200个=建设新型公共文化空间']);
    // A quantity qualifying a rate's name stays in it.
    expect(names('中心城区公交站点500米覆盖率达到100%。')).toEqual(['100%=中心城区公交站点500米覆盖率']);
    expect(names('在33个高速公路服务区增设快充设施。')).toEqual(['33个=增设快充设施的高速公路服务区']);
    // 学前 is not a deadline (…前), 每千人 is not a quantity, 15分钟 is removed whole.
    expect(names('全省学前教育毛入园率达到92%。')).toEqual(['92%=学前教育毛入园率']);
    expect(names('每千人抽检量不低于6批次。')).toEqual(['6批次=每千人抽检量']);
    expect(names('建成“15分钟就业服务圈”示范点100个。')).toEqual(['100个=建成就业服务圈示范点']);
    expect(names('评选10条省级“美丽农村路”进一步发挥自由贸易港示范作用。')).toEqual(['10条=评选省级“美丽农村路”']);
  });

  it("names a length, area or money figure after a count as the count's 里程/面积/投资", () => {
    expect(names('续建16个项目382公里，新开工4个项目87公里。')).toEqual(['16个=续建项目', '382公里=续建里程', '4个=新开工项目', '87公里=新开工里程']);
    expect(names('改造5个小区12万平方米。')).toEqual(['5个=改造小区', '12万平方米=改造小区面积']);
    expect(names('新增10个乡镇通三级以上公路74公里。')).toEqual(['10个=新增乡镇通三级以上公路', '74公里=新增乡镇通三级以上公路里程']);
    // A 、-list is not a pair: each item is named by its own words, after the clause's verb.
    expect(names('新增社区养老服务设施50处、托育服务设施30处。')).toEqual(['50处=新增社区养老服务设施', '30处=新增托育服务设施']);
    // A bare verb with a length: that verb's 里程; the task title's object is not a verb (续建项目).
    expect(names('加快续建项目建设。2024年底前建成通车120公里。')).toEqual(['120公里=建成通车里程']);
    expect(names('建设通自然屯公路649公里、乡村联网路1858公里。')).toEqual(['649公里=通自然屯公路建设里程', '1858公里=乡村联网路建设里程']);
  });

  it('borrows the object of the task title when the clause names none', () => {
    expect(names('加快高速公路建设。续建16个项目382公里，新增更新新能源公交车500台。')).toEqual([
      '16个=高速公路续建项目',
      '382公里=高速公路续建里程',
      '500台=新增更新新能源公交车',
    ]);
    expect(titleObject('推进国省干线公路建设')).toBe('国省干线公路');
    expect(titleObject('普通干线公路')).toBe('普通干线公路');
    // A title that is a whole sentence with numbers or a list lends nothing.
    expect(titleObject('新增城市绿道500公里、口袋公园100个')).toBe('');
  });

  it('keeps the metric as written in a traditional-script document', () => {
    expect(names('加快高速公路建設。續建16個項目382公里。')).toEqual(['16個=高速公路續建項目', '382公里=高速公路續建里程']);
  });

  it("leaves growth bare after an amount (the amount's name is put in front) and a clause without a name takes the one before", () => {
    expect(names('完成交通建设投资278亿元、增长8%。')).toEqual(['278亿元=完成交通建设投资', '8%=完成交通建设投资增长']);
    expect(names('全年社会消费品零售总额增长6.5%左右，力争突破2800亿元。')).toEqual(['6.5%=社会消费品零售总额增长', '2800亿元=社会消费品零售总额']);
  });
});
