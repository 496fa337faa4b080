// Blind evaluation, round two (issue 2: "other real documents of the same family … will be used to judge
// the importer"). Documents in test/fixtures/blind2/, annotated by hand before the importer ran on them;
// DOUBTS.md there lists the judgement calls. Shapes:
//   a county 工作要点 whose 重点工作任务分解表 is flattened into tab-separated lines under a 序号 header
//   b 三年攻坚行动方案 (2024—2026年): 攻坚行动 sections, （一）1.（1）① nesting, 1.2万公里, 1,200公里,
//     百分之八十五, 提高5个百分点, 三成以上
//   c 党建 plan, title without a year, 一是…；二是… inline in （一）, 不少于2次/年, 年内, 联系人 block
//   d notice pasted from a web page: 发布时间/来源 furniture, spaces around numbers, blank lines everywhere
//   e 任务清单 with 完成时限/责任单位/牵头单位 lines, 9月底前完成50%、年底前全部完成, 3月中旬, 上半年,
//     每月5日前, 11月份, two-line title — read as GBK bytes
//   f .docx built here with the docx package: mixed 1、 3． 4. labels, （1）①, 5A级 grades
//   g mainland plan in traditional script: 发文字号, two-line title, （牵头单位：…；配合单位：…）, 附件 1./2.
//   a again as .docx whose 分解表 is a real Word table (one paragraph per unit in the unit cells)
//   h 区 为民办实事: red header, — 2 — and 第2页 共4页 furniture, the title repeated as a page header,
//     责任单位：A；B, per-street breakdown after 其中： — read as GBK bytes
// The bar is the issue's: identical tree, target precision and recall ≥ 0.97, all deadlines found.
import { Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { describeBlindRound, flatNodes, parseRule, targetKeys } from './score';

const DIR = new URL('../fixtures/blind2/', import.meta.url);
type As = 'utf8' | 'gbk' | 'docx' | 'docx-table';
const DOCS: { name: string; as: As }[] = [
  { name: 'blind2-a-xian-fenjiebiao', as: 'utf8' },
  { name: 'blind2-a-xian-fenjiebiao', as: 'docx-table' },
  { name: 'blind2-b-gongjian-xingdong', as: 'utf8' },
  { name: 'blind2-c-dangjian', as: 'utf8' },
  { name: 'blind2-d-web-pasted', as: 'utf8' },
  { name: 'blind2-e-shijian-qingdan', as: 'gbk' },
  { name: 'blind2-f-wenlv-docx', as: 'docx' },
  { name: 'blind2-g-shengtai-fanti', as: 'utf8' },
  { name: 'blind2-h-minsheng-shishi', as: 'gbk' },
];

async function bytesOf(text: string, as: As): Promise<Uint8Array> {
  if (as === 'gbk') return new Uint8Array(iconv.encode(text, 'gbk'));
  if (as === 'utf8') return new TextEncoder().encode(text);
  if (as === 'docx-table') {
    // The 分解表 as a real Word table: tab-separated lines from the 序号 header on become its rows, a
    // unit cell with several units written as one paragraph per unit (as offices fill such cells).
    const lines = text.split('\n').filter((l) => l.trim());
    const at = lines.findIndex((l) => l.startsWith('序号'));
    const cell = (t: string) => new TableCell({ children: t.split('、').map((u) => new Paragraph({ children: [new TextRun(u)] })) });
    const table = new Table({ rows: lines.slice(at).map((l) => new TableRow({ children: l.split('\t').map(cell) })) });
    const body = lines.slice(0, at).map((line) => new Paragraph({ children: [new TextRun(line)] }));
    return new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children: [...body, table] }] })));
  }
  // One Word paragraph per non-blank line, labels typed in the text.
  const paragraphs = text
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => new Paragraph({ children: [new TextRun(line)] }));
  return new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children: paragraphs }] })));
}

describeBlindRound('blind round two vs hand annotation', DIR, DOCS, bytesOf);

// Rules added after this round, each checked on a short text: the shape that must be read and the
// look-alike that must not.
describe('general rules found in round two', () => {
  it('a flattened task table gives one task per row, units by column, deadlines from the 时限 column', () => {
    const text = `2024年工作要点
一、重点任务分解
序号  工作任务  牵头单位  配合单位  完成时限
1  新建 5G 基站200个  县工信局  县电信公司、县移动公司  6月底前
2  完成投资3亿元  县发改委  县财政局  年底前
二、保障措施
加强领导，每季度调度1次。`;
    const nodes = flatNodes(text);
    expect(nodes.map((n) => `${n.kind} ${n.number}`)).toEqual(['section 一', 'task 1', 'task 2', 'task 二']);
    expect(nodes[1].title).toBe('新建 5G 基站200个');
    expect(targetKeys(nodes[1])).toEqual(['200|个|eq']);
    expect(nodes[1].units).toEqual({ lead: ['县工信局'], co: ['县电信公司', '县移动公司'] });
    expect(nodes[1].deadlines.map((d) => d.text)).toEqual(['6月底前']);
    expect(nodes[2].deadlines.map((d) => d.text)).toEqual(['年底前']);
    // A line starting with 序号 that is prose, and a numbered line outside a table, stay text.
    const prose = flatNodes(`2024年工作要点
一、规范档案
序号 按照年度顺序编排，做到规范统一。
1 号文件要及时传达。`);
    expect(prose.map((n) => `${n.kind} ${n.number}`)).toEqual(['task 一']);
  });

  it('a table column whose header names a unit (新增就业（人）) gives each row a target; a bare number under another header does not', () => {
    const nodes = flatNodes(`某市2024年就业工作方案
一、目标任务分解
序号\t县（市、区）\t新增就业（人）\t培训（万人次）\t备注\t责任单位
1\t城东区\t12,000\t1.5\t3\t城东区政府
2\t城西区\t8000\t0.8\t\t城西区政府`);
    expect(nodes.map((n) => `${n.kind} ${n.number} ${n.title}`)).toEqual(['section 一 目标任务分解', 'task 1 城东区', 'task 2 城西区']);
    expect(targetKeys(nodes[1])).toEqual(['12000|人|eq', '1.5|万人次|eq']);
    expect(nodes[1].targets.map((t) => [t.quote, t.metric])).toEqual([
      ['12,000', '新增就业'],
      ['1.5', '培训'],
    ]);
    expect(targetKeys(nodes[2])).toEqual(['8000|人|eq', '0.8|万人次|eq']);
    expect(nodes[2].units).toEqual({ exec: ['城西区政府'] });
  });

  it('行动一：/ 专项行动二 headings are sections at the level of （一）; 行动一致 is prose', () => {
    const nodes = flatNodes(`某市2024年行动方案
一、重点行动
行动一：产业升级攻坚行动
1.新增规上企业20家。
专项行动二 城市更新
2.改造小区15个。
行动一致，形成合力。`);
    expect(nodes.map((n) => `${n.kind} ${n.number}`)).toEqual(['section 一', 'section 行动一', 'task 1', 'section 专项行动二', 'task 2']);
    expect(nodes[1].title).toBe('产业升级攻坚行动');
  });

  it('a unit list ends at the next field of its line (；完成时限：…); a 附件 line and a dated note end the title', () => {
    const [t] = flatNodes(`2024年工作要点
1.新开工项目30个；责任单位：县发改委、县住建局；完成时限：12月底前`);
    expect(t.units).toEqual({ exec: ['县发改委', '县住建局'] });
    expect(t.deadlines.map((d) => d.text)).toEqual(['12月底前']);
    expect(
      parseRule(`某县2024年工作要点
附件
重点工作任务分解表
1.新开工项目30个。`).title,
    ).toBe('某县2024年工作要点');
    expect(
      parseRule(`中共某县委组织部
2024年党建工作要点
（2024年2月1日）
一、学习
1.集中学习12次。`).title,
    ).toBe('中共某县委组织部2024年党建工作要点');
  });

  it('a red-header masthead and web-page meta lines are not the title', () => {
    expect(
      parseRule(`某某区人民政府办公室文件

某政办〔2024〕8号

某某区2024年民生实事实施方案

一、教育
1.新建幼儿园3所。`).title,
    ).toBe('某某区2024年民生实事实施方案');
    expect(
      parseRule(`某某市2024年乡村振兴工作方案
发布时间：2024-02-28 10:30  来源：市农业农村局  【字体：大 中 小】
一、产业
1.新增龙头企业5家。`).title,
    ).toBe('某某市2024年乡村振兴工作方案');
    // 文件 at the end of a plan's own heading run is kept (it is not the first, short masthead line).
    expect(
      parseRule(`关于落实重要文件
一、学习
1.组织学习2次。`).title,
    ).toBe('关于落实重要文件');
  });

  it('a notice in traditional script (關於印發…的通知) gives the plan it publishes as the title', () => {
    expect(
      parseRule(`某省生態環境廳關於印發
2024年大氣污染防治方案的通知
一、目標
1.完成改造15家。`).title,
    ).toBe('2024年大氣污染防治方案');
  });

  it('6月份 alone is a deadline (end of June); 1-6月份, 1至6月份 and 3月份以来 are not', () => {
    const [t] = flatNodes(`2024年工作要点
1.抓招标。6月份完成招标，11月份完成验收。1-6月份累计完成投资，1至6月份情况通报，3月份以来进展良好。`);
    expect(t.deadlines.map((d) => [d.text, d.date ?? null])).toEqual([
      ['6月份', '2024-06-30'],
      ['11月份', '2024-11-30'],
    ]);
  });

  it('deadlines spaced out as in web pages (6 月底前, 2024 年 9 月 30 日前) are found, text as written', () => {
    const [t] = flatNodes(`2024年工作要点
1. 建设。 6 月底前 完成招标，2024 年 9 月 30 日前 完工，新建道路 12 公里 ，年底前 全部完成。`);
    expect(t.deadlines.map((d) => [d.text, d.date ?? null])).toEqual([
      ['6 月底前', '2024-06-30'],
      ['2024 年 9 月 30 日前', '2024-09-30'],
      ['年底前', '2024-12-31'],
    ]);
    expect(targetKeys(t)).toEqual(['12|公里|eq']);
  });

  it('a comparator after one space still bounds the number (320万亩 以上)', () => {
    const [t] = flatNodes(`2024年工作要点
1.稳面积。播种面积稳定在 320万亩 以上，收入 60亿元 以上，新建 50户 以上村庄道路。`);
    expect(targetKeys(t)).toEqual(['320|万亩|gte', '60|亿元|gte']);
  });

  it('a quantity right before a rate name qualifies it (500米覆盖率); 三成 is 30%', () => {
    const [t] = flatNodes(
      `2024年工作要点
1.公交。站点500米覆盖率达到100%，15公里通勤率达到80%，力争三成以上的建制村实现直投，八成的乡镇开通，组建九成员专班。建成站点300个，完成年度任务。`,
    );
    expect(targetKeys(t)).toEqual(['100|%|eq', '80|%|eq', '30|%|gte', '80|%|eq', '300|个|eq']);
  });
});
