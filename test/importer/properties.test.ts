// Property tests: on arbitrary text the parser never throws, every quote is the input at its offsets,
// and parsing is deterministic (same ids, same JSON).
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlanText, toGoldJson } from '../../model/importer';
import { Plan, walkNodes } from '../../model/plan';

const SEED = readFileSync(new URL('../../seeds/000_77af737a269cc6b4.txt', import.meta.url), 'utf8');

// Pieces plan documents are made of, so generated text exercises the grammar and not only noise.
const TOKENS = [
  '1900年',
  '2101年',
  '2月30日前',
  '每月32日前',
  '13月底前',
  '0个',
  '999999999999999999999亿元',
  '一、',
  '二、',
  '十、',
  '（一）',
  '(二)',
  '（十一）',
  '1.',
  '2、',
  '12．',
  '（1）',
  '(2)',
  '①',
  '一是',
  '二是',
  '三是',
  '完成投资',
  '278',
  '1.5',
  '1-2',
  '3至5',
  '两',
  '十',
  '百分之',
  '亿元',
  '万元',
  '公里',
  '个',
  '条',
  '万平方米',
  '%',
  '％',
  '以上',
  '以下',
  '以内',
  '不低于',
  '不超过',
  '突破',
  '至少',
  '增长',
  '个百分点',
  '达到',
  '率',
  '年底前',
  '2月末',
  '一季度',
  '每月28日前',
  '2023年',
  '第二届',
  '“',
  '”',
  '《',
  '》',
  '四个意识',
  'G9812',
  '牵头单位：',
  '配合单位：',
  '（省水利厅牵头，省财政厅配合）',
  '附件：',
  '— 3 —',
  '第 2 页',
  '。',
  '，',
  '、',
  '；',
  '：',
  '\n',
  '\r\n',
  ' ',
  '\u3000',
  '\ufeff',
  '加快',
  '建设',
  '項目',
  '臺',
  '萬',
];
const docLike = fc
  .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 }), fc.integer({ min: 0, max: 100000 }).map(String)), { maxLength: 80 })
  .map((a) => a.join(''));
const mutatedSeed = fc
  .tuple(fc.nat(SEED.length), fc.nat(SEED.length), fc.string({ maxLength: 20 }))
  .map(([a, b, s]) => SEED.slice(0, Math.min(a, b)) + s + SEED.slice(Math.max(a, b)));
const anyText = fc.oneof(docLike, fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 200 }), mutatedSeed);

function checkQuotes(text: string): void {
  const plan = parsePlanText(text, 'p.txt');
  expect(Plan.safeParse(plan).success).toBe(true); // the output always fits the model's schema
  for (const { node } of walkNodes(plan.nodes)) {
    for (const t of node.targets) {
      expect(text.slice(t.span.start, t.span.end)).toBe(t.quote);
      expect(Number.isFinite(t.value)).toBe(true);
    }
    for (const d of node.deadlines) expect(text.slice(d.span!.start, d.span!.end)).toBe(d.text);
    expect(node.span.start).toBeLessThanOrEqual(node.span.end);
    expect(node.span.end).toBeLessThanOrEqual(text.length);
  }
}

describe('parsePlanText properties', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        parsePlanText(text, 'x.txt');
      }),
      { numRuns: 600 },
    );
  });

  it('every target quote and deadline text is the input at its span', () => {
    fc.assert(fc.property(anyText, checkQuotes), { numRuns: 600 });
  });

  it('is deterministic: same ids, same JSON', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(JSON.stringify(toGoldJson(parsePlanText(text, 'd.txt')))).toBe(JSON.stringify(toGoldJson(parsePlanText(text, 'd.txt'))));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on non-string input from untyped callers', () => {
    expect(parsePlanText(undefined as unknown as string, 'u.txt').nodes).toEqual([]);
  });
});

describe('stable ids', () => {
  it('re-importing an unchanged document yields the same ids; the ids are unique', () => {
    const a = parsePlanText(SEED, 'a.txt');
    const b = parsePlanText(SEED, 'b.txt');
    const ids = (p: typeof a) => [p.id, ...[...walkNodes(p.nodes)].flatMap(({ node }) => [node.id, ...node.targets.map((t) => t.id)])];
    expect(ids(b)).toEqual(ids(a));
    expect(new Set(ids(a)).size).toBe(ids(a).length);
  });

  it('an edit in one task leaves the other tasks’ ids alone', () => {
    const edited = SEED.replace('改造危桥150座', '改造危桥160座');
    const a = parsePlanText(SEED, 'a.txt');
    const b = parsePlanText(edited, 'a.txt');
    const nodeIds = (p: typeof a) => [...walkNodes(p.nodes)].map(({ node }) => node.id);
    expect(nodeIds(b)).toEqual(nodeIds(a));
    const t5 = (p: typeof a) => p.nodes[1].children[0].targets.map((t) => t.id);
    expect(t5(b)).toEqual(t5(a));
  });
});
