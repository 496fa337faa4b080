// Sentence-level checks of target extraction: the non-targets of ANNOTATION.md stay out, and the
// shapes of quantities (Chinese numerals, 百分之, ranges, comparators, money, areas) come out right.
import { describe, expect, it } from 'vitest';
import { parsePlanText } from '../../model/importer';
import { targetKey } from './expected';

const targetsOf = (sentence: string) => parsePlanText(`1.${sentence}`, 't.txt').nodes[0]?.targets ?? [];

describe('non-targets', () => {
  const cases = [
    ['year', '2023年是全面贯彻落实党的二十大精神的开局之年'],
    ['ordinal', '召开第二届交通发展论坛'],
    ['ordinal name', '学习贯彻二十届三中全会精神'],
    ['quoted slogans', '增强“四个意识”、坚定“四个自信”、做到“两个维护”'],
    ['slogan count', '以项目建设提速、运输服务提质、行业治理提升三项工程为主线'],
    ['road code', '推进G9812高速公路延长线前期工作'],
    ['region name', '推动建立三省一区应急处置联动机制'],
    ['project phase', '推进二期工程和3期项目前期工作'],
    ['qualifier', '中西部地区50户以上自然屯通硬化路'],
    ['qualifier with 的', '培育年营收10亿元以上的龙头企业'],
    ['structure count', '重点做好以下8个方面的工作'],
    ['duration', '集中三年时间实施乡村畅通工程'],
    ['named campaign', '深入开展“强基提能”五项攻坚行动'],
    ['slogan without quotes', '落实两个责任，压实一岗双责'],
    ['slogan pattern', '统筹推进三个一批项目建设'],
    ['rule', '落实中央八项规定精神'],
    ['ranking', '力争进入全国前10名'],
    ['article of a law', '实施《公路法》第三十条规定'],
    ['ratio', '按照1:1比例配套资金'],
    ['monthly deadline', '每月5日前报送进展'],
    ['place name', '建成农安至九台公路'],
    ['plan name', '编制“十四五”规划'],
    ['per-household phrase', '落实一户一策帮扶措施'],
  ];
  for (const [why, sentence] of cases) {
    it(`${why}: ${sentence}`, () => {
      expect(targetsOf(sentence).map((t) => t.quote)).toEqual([]);
    });
  }
});

describe('targets', () => {
  const cases: [string, string[], string[]][] = [
    ['新改建两条国道连接线', ['2|条|eq'], ['两条']],
    ['支持创建十个省级现代农业产业园', ['10|个|eq'], ['十个']],
    ['新建公办幼儿园一百二十所', ['120|所|eq'], ['一百二十所']],
    ['覆盖率达到百分之九十五以上', ['95|%|gte'], ['百分之九十五']],
    ['培育1-2个国家级品牌，创建3至5个示范县，建设5~8个避难场所', ['1-2|个|eq', '3-5|个|eq', '5-8|个|eq'], ['1-2个', '3至5个', '5~8个']],
    ['外贸进出口总额突破3.5万亿元', ['3.5|万亿元|gte'], ['3.5万亿元']],
    ['投资不低于38.5亿元，其中中央资金不超过12亿元', ['38.5|亿元|gte', '12|亿元|lte'], ['38.5亿元', '12亿元']],
    ['单位GDP能耗下降3%以内，污染物排放控制在1.2万吨以下', ['3|%|lte', '1.2|万吨|lte'], ['3%', '1.2万吨']],
    ['至少建成10个社区医院', ['10|个|gte'], ['10个']],
    ['改造老旧小区1,500个、面积260万平方米，新增耕地3000亩', ['1500|个|eq', '260|万平方米|eq', '3000|亩|eq'], ['1,500个', '260万平方米', '3000亩']],
    ['营业收入同比增长8.5%，市场占有率提高2个百分点', ['8.5|%|eq', '2|个百分点|eq'], ['8.5%', '2个百分点']],
    ['建设１２个城市医疗集团，占比达到３５％', ['12|个|eq', '35|%|eq'], ['１２个', '３５％']],
    ['新建500余个充电桩', ['500|个|gte'], ['500余个']],
    ['综合能耗下降5%-8%，完成投资 278 亿元', ['5-8|%|eq', '278|亿元|eq'], ['5%-8%', '278 亿元']],
  ];
  for (const [sentence, keys, quotes] of cases) {
    it(sentence, () => {
      const got = targetsOf(sentence);
      expect(got.map(targetKey)).toEqual(keys);
      expect(got.map((t) => t.quote)).toEqual(quotes);
    });
  }

  it('kinds follow the context', () => {
    const kinds = (s: string) => targetsOf(s).map((t) => t.kind);
    expect(kinds('完成交通建设投资278亿元、增长8%')).toEqual(['amount', 'growth']);
    expect(kinds('高速公路通车总里程达到4643公里')).toEqual(['level']);
    expect(kinds('硬化路率达到98%')).toEqual(['rate']);
    expect(kinds('建设农村物流服务网点1500个')).toEqual(['count']);
    expect(kinds('提高2个百分点')).toEqual(['growth']);
  });
});

describe('deadline phrases in text', () => {
  const deadlinesOf = (sentence: string, year = 2023) =>
    parsePlanText(`${year}年工作要点\n1.${sentence}`, 'd.txt').nodes[0].deadlines.map((d) => [d.text, d.date ?? d.monthlyDay ?? null]);
  it('finds and resolves them as written', () => {
    expect(deadlinesOf('到2025年，全省森林覆盖率达到45%')).toEqual([['到2025年', '2025-12-31']]);
    expect(deadlinesOf('“十四五”末完成，十四五期间推进')).toEqual([
      ['“十四五”末', null],
      ['十四五期间', null],
    ]);
    expect(deadlinesOf('6月底前出台方案，三季度完成验收，年内全部投用')).toEqual([
      ['6月底前', '2023-06-30'],
      ['三季度', '2023-09-30'],
      ['年内', '2023-12-31'],
    ]);
    expect(deadlinesOf('11月15日前报送，每月10日前调度')).toEqual([
      ['11月15日前', '2023-11-15'],
      ['每月10日前', 10],
    ]);
  });
  it('this year, flood season and holidays (kept as written when no date can be computed)', () => {
    expect(deadlinesOf('今年年底前完成，今年内投用')).toEqual([
      ['今年年底前', '2023-12-31'],
      ['今年内', '2023-12-31'],
    ]);
    expect(deadlinesOf('主汛期前完成除险加固，春节前发放到位')).toEqual([
      ['主汛期前', null],
      ['春节前', null],
    ]);
  });
  it('a year before the plan year qualifies, it is not a deadline', () => {
    expect(deadlinesOf('改造2000年底前建成的老旧小区')).toEqual([]);
  });
  it('durations and month counts are not deadlines', () => {
    expect(deadlinesOf('用3个月时间集中整治')).toEqual([]);
  });
});
