// Numbering shapes on small inline documents: hierarchy by label style, inline labels, prose sections
// as tasks, duplicates and CRLF.
import { describe, expect, it } from 'vitest';
import { parsePlanText } from '../../model/importer';
import { walkNodes, type PlanNode } from '../../model/plan';

const tree = (nodes: PlanNode[]): unknown[] => nodes.map((n) => (n.children.length ? [`${n.kind}:${n.number}`, tree(n.children)] : `${n.kind}:${n.number}`));

describe('structure', () => {
  it('第X部分 > 一、 > 1.', () => {
    const plan = parsePlanText(
      `某市2024年重点任务分工方案
第一部分 总体要求
坚持稳中求进。
第二部分 重点任务
一、扩大有效投资
1.新开工项目100个。
2.完成投资增长6%。
二、促进消费
1.社零增长7%。`,
      'p.txt',
    );
    expect(tree(plan.nodes)).toEqual([
      'task:第一部分',
      [
        'section:第二部分',
        [
          ['section:一', ['task:1', 'task:2']],
          ['section:二', ['task:1']],
        ],
      ],
    ]);
  });

  it('the same printed number under different parents gets different ids; ids repeat for duplicates only by occurrence', () => {
    const plan = parsePlanText(
      `一、甲
1.新建3所。
二、乙
1.新建3所。
1.新建3所。`,
      'p.txt',
    );
    const ids = [...walkNodes(plan.nodes)].map(({ node }) => node.id);
    expect(new Set(ids).size).toBe(ids.length);
    const targetIds = [...walkNodes(plan.nodes)].flatMap(({ node }) => node.targets.map((t) => t.id));
    expect(new Set(targetIds).size).toBe(3);
  });

  it('CRLF and CR line ends', () => {
    const a = parsePlanText('一、甲\r\n1.新建3所。\r\n2.新建4所。', 'p.txt');
    const b = parsePlanText('一、甲\r1.新建3所。\r2.新建4所。', 'p.txt');
    expect(tree(a.nodes)).toEqual([['section:一', ['task:1', 'task:2']]]);
    expect(tree(b.nodes)).toEqual(tree(a.nodes));
  });

  it('a heading with prose and no numbered items is a task; preamble is not a node', () => {
    const plan = parsePlanText(
      `2024年工作要点
今年要完成投资100亿元。
一、主要目标
全年增长8%。
二、重点任务
（一）新建学校5所。`,
      'p.txt',
    );
    expect(tree(plan.nodes)).toEqual(['task:一', ['section:二', ['task:（一）']]]);
    expect(plan.nodes[0].targets.map((t) => t.quote)).toEqual(['8%']);
  });

  it('a line that only looks numbered (1.5亿元, 2023年) is text', () => {
    const plan = parsePlanText(
      `一、投资
1.5亿元用于道路建设。
2023年完成。`,
      'p.txt',
    );
    expect(tree(plan.nodes)).toEqual(['task:一']);
    expect(plan.nodes[0].targets.map((t) => t.quote)).toEqual(['1.5亿元']);
  });

  it('units: a role note after a name, nested parentheses, several role labels on one line', () => {
    const plan = parsePlanText(
      `一、甲
1.新建3所。
责任单位：省教育厅（牵头）、各市（州）、县（市、区）人民政府
2.新建4所（省发展改革委牵头，省财政厅、省自然资源厅配合）。
牵头单位：省住建厅；配合单位：省水利厅`,
      'p.txt',
    );
    const [t1, t2] = plan.nodes[0].children;
    expect(t1.units).toEqual({ lead: ['省教育厅'], exec: ['各市（州）', '县（市、区）人民政府'] });
    expect(t2.units).toEqual({ lead: ['省发展改革委', '省住建厅'], co: ['省财政厅', '省自然资源厅', '省水利厅'] });
    expect(t2.title).toBe('新建4所');
  });
});
