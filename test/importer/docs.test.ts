// Varied plan documents written for this project (other provinces, cities, departments and shapes the
// seeds lack), each with a hand-annotated expectation in test/fixtures/docs/*.expected.json.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlanText } from '../../model/importer';
import { Plan, walkNodes } from '../../model/plan';
import { diffExpected, type ExpectedDoc } from './expected';

const DIR = new URL('../fixtures/docs/', import.meta.url);
const DOCS = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort();

function load(name: string) {
  const text = readFileSync(new URL(name, DIR), 'utf8');
  return { text, plan: parsePlanText(text, name) };
}

describe('own test documents', () => {
  it('has 6–10 documents', () => {
    expect(DOCS.length).toBeGreaterThanOrEqual(6);
  });
  for (const name of DOCS) {
    it(name, () => {
      const { text, plan } = load(name);
      const expected = JSON.parse(readFileSync(new URL(name.replace(/\.txt$/, '.expected.json'), DIR), 'utf8')) as ExpectedDoc;
      expect(diffExpected(plan, expected)).toEqual([]);
      expect(Plan.safeParse(plan).error).toBeUndefined();
      for (const { node } of walkNodes(plan.nodes)) {
        for (const t of node.targets) expect(text.slice(t.span.start, t.span.end)).toBe(t.quote);
        for (const d of node.deadlines) expect(text.slice(d.span!.start, d.span!.end)).toBe(d.text);
      }
    });
  }

  it('keeps full-width numbers as printed and resolves an explicit-year deadline', () => {
    const { plan } = load('d-weijian-fullwidth.txt');
    const t1 = plan.nodes[0].children[0];
    expect(t1.number).toBe('１');
    expect(t1.deadlines[0]).toMatchObject({ text: '２０２５年６月底前', date: '2025-06-30' });
    expect(t1.targets[0]).toMatchObject({ quote: '１２个', value: 12, unit: '个', kind: 'count' });
  });

  it('keeps traditional text as written while matching it', () => {
    const { plan } = load('c-jiaoyu-fanti.txt');
    expect(plan.script).toBe('traditional');
    const t28 = plan.nodes[1].children[0];
    expect(t28.title).toBe('新建改擴建公辦幼兒園兩百所');
    expect(t28.targets.map((t) => t.quote)).toEqual(['兩百所', '3萬個', '55%']);
    expect(plan.nodes[2].children[1].units).toEqual({ exec: ['高等教育處', '學位辦'] });
  });

  it('takes the plan title, not the covering notice, and its issuer', () => {
    const { plan } = load('b-zhujian-shishi-fangan.txt');
    expect(plan.title).toBe('2023年城市更新和保障性住房建设工作方案');
    expect(plan.issuer).toBe('成都市住房和城乡建设局');
  });

  it('classifies target kinds and comparators from context', () => {
    const { plan } = load('a-shuili-gongzuo-yaodian.txt');
    const byQuote = new Map<string, { kind: string; comparator: string; value: number }>();
    for (const { node } of walkNodes(plan.nodes)) for (const t of node.targets) byQuote.set(t.quote, t);
    expect(byQuote.get('百分之九十')).toMatchObject({ value: 90, kind: 'rate', comparator: 'gte' });
    expect(byQuote.get('3个百分点')).toMatchObject({ kind: 'growth' });
    expect(byQuote.get('16%')).toMatchObject({ kind: 'growth' });
    expect(byQuote.get('45个')).toMatchObject({ kind: 'count' });
    expect(byQuote.get('38.5亿元')).toMatchObject({ kind: 'amount', comparator: 'gte' });
    expect(byQuote.get('1.2亿吨')).toMatchObject({ comparator: 'lte' });
  });
});
