// The three seed documents against their gold files: tree identical, target precision/recall ≥ 0.97,
// all gold deadlines found. The figures are computed here and printed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlanText } from '../../model/importer';
import { compareWithGold, type GoldDoc } from './gold-compare';

const SEEDS = ['000_77af737a269cc6b4', '002_ac1de0dfc230e160', '003_f2a014f6b69704ec'];

describe('seed documents vs gold', () => {
  for (const id of SEEDS) {
    it(id, () => {
      const text = readFileSync(new URL(`../../seeds/${id}.txt`, import.meta.url), 'utf8');
      const gold = JSON.parse(readFileSync(new URL(`../fixtures/gold/${id}.gold.json`, import.meta.url), 'utf8')) as GoldDoc;
      const plan = parsePlanText(text, `${id}.txt`);
      const c = compareWithGold(plan, gold);
      console.log(
        `${id}: precision ${c.precision.toFixed(3)} (${c.truePositives}/${c.predicted}), recall ${c.recall.toFixed(3)} (${c.truePositives}/${c.gold}), tree diffs ${c.treeDiffs.length}, missing deadlines ${c.missingDeadlines.length}, titles equal ${c.titlesEqual}/${c.nodes}, kinds equal ${c.kindsEqual}/${c.truePositives}`,
      );
      expect(c.treeDiffs).toEqual([]);
      expect(c.precision, c.targetDiffs.join('\n')).toBeGreaterThanOrEqual(0.97);
      expect(c.recall, c.targetDiffs.join('\n')).toBeGreaterThanOrEqual(0.97);
      expect(c.missingDeadlines).toEqual([]);
      expect(c.titlesEqual / c.nodes).toBeGreaterThanOrEqual(0.85);
      expect(c.kindsEqual / c.truePositives).toBeGreaterThanOrEqual(0.9);
      expect(plan.year).toBe(gold.year);
      expect(plan.script).toBe(gold.script);
      expect(plan.title).toBe(gold.title);
    });
  }

  it('resolves the seed deadlines against the plan year', () => {
    const text = readFileSync(new URL('../../seeds/003_f2a014f6b69704ec.txt', import.meta.url), 'utf8');
    const plan = parsePlanText(text, '003.txt');
    const all = new Map<string, { date?: string; monthlyDay?: number }>();
    const walk = (nodes: typeof plan.nodes) => nodes.forEach((n) => (n.deadlines.forEach((d) => all.set(d.text, d)), walk(n.children)));
    walk(plan.nodes);
    expect(all.get('到2020年底')?.date).toBe('2020-12-31');
    expect(all.get('年底前')?.date).toBe('2020-12-31');
    expect(all.get('每月28日前')?.monthlyDay).toBe(28);
    const p000 = parsePlanText(readFileSync(new URL('../../seeds/000_77af737a269cc6b4.txt', import.meta.url), 'utf8'), '000.txt');
    const t9 = p000.nodes[1].children.find((n) => n.number === '9')!;
    expect(t9.deadlines[0]).toMatchObject({ text: '2月末', date: '2023-02-28' });
    const t11 = p000.nodes[1].children.find((n) => n.number === '11')!;
    expect(t11.deadlines[0].text).toBe('在“十四五”期间');
    expect(t11.deadlines[0].date).toBeUndefined();
  });
});
