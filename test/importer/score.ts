// Scoring of an imported plan against a gold file, shared by the seed and blind tests: the tree, target
// and deadline comparison of gold-compare.ts plus units found (ANNOTATION.md lead/co/exec, by name).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importPlan, parsePlanText, toGoldJson } from '../../model/importer';
import type { Plan, PlanNode } from '../../model/plan';
import { compareWithGold, type Comparison, type GoldDoc, type GoldNode } from './gold-compare';

export { compareWithGold, type Comparison, type GoldDoc, type GoldNode } from './gold-compare';

export interface Score extends Comparison {
  deadlinesGold: number;
  unitsGold: number; // unit names in the gold file (per node and role)
  unitsFound: number; // of those, named in the same role on the same node
  missingUnits: string[];
}

export function score(plan: Plan, gold: GoldDoc): Score {
  const c = compareWithGold(plan, gold);
  const s: Score = { ...c, deadlinesGold: 0, unitsGold: 0, unitsFound: 0, missingUnits: [] };
  // Nodes are paired by position, as in compareWithGold; a tree difference shows up there.
  const walk = (p: GoldNode[] = [], g: GoldNode[] = [], path: string) => {
    g.forEach((b, i) => {
      const a = p[i] as GoldNode | undefined;
      const here = `${path}/${b.number}`;
      s.deadlinesGold += b.deadlines?.length ?? 0;
      for (const [role, names] of Object.entries(b.units ?? {}))
        for (const name of names) {
          s.unitsGold++;
          if (a?.units?.[role]?.includes(name)) s.unitsFound++;
          else s.missingUnits.push(`${here} ${role}: ${name} (got ${JSON.stringify(a?.units ?? {})})`);
        }
      walk(a?.children, b.children, here);
    });
  };
  walk((toGoldJson(plan) as unknown as GoldDoc).nodes, gold.nodes, '');
  return s;
}

export const BAR_TABLE_HEADER = [
  '| document | read as | tree | target P | target R | deadlines | units | node titles | title year script |',
  '|---|---|---|---|---|---|---|---|---|',
];

/**
 * Scores a plan against its gold file, adds its row to `rows` (BAR_TABLE_HEADER's columns) and asserts
 * the issue's bar: identical tree, target precision and recall ≥ 0.97, all deadlines and units found,
 * and the plan's title, year and script.
 */
export function expectAtBar(rows: string[], name: string, as: string, plan: Plan, gold: GoldDoc): void {
  const s = score(plan, gold);
  const found = s.deadlinesGold - s.missingDeadlines.length;
  const ok = (b: boolean) => (b ? '✓' : '✗');
  rows.push(
    `| ${name} | ${as} | ${s.treeDiffs.length ? `✗ ${s.treeDiffs.length}` : '✓'} | ${s.precision.toFixed(3)} (${s.truePositives}/${s.predicted}) | ${s.recall.toFixed(3)} (${s.truePositives}/${s.gold}) | ${found}/${s.deadlinesGold} | ${s.unitsFound}/${s.unitsGold} | ${s.titlesEqual}/${s.nodes} | ${ok(plan.title === gold.title)} ${ok(plan.year === gold.year)} ${ok(plan.script === gold.script)} |`,
  );
  const detail = [
    ...s.treeDiffs,
    ...s.targetDiffs,
    ...s.missingDeadlines.map((d) => `deadline ${d}`),
    ...s.missingUnits.map((u) => `unit ${u}`),
    plan.title === gold.title ? '' : `title: got ${plan.title}`,
    plan.year === gold.year ? '' : `year: got ${plan.year}`,
  ]
    .filter(Boolean)
    .join('\n');
  if (detail) console.log(`${name}:\n${detail}`);
  expect(s.treeDiffs, detail).toEqual([]);
  expect(s.precision, detail).toBeGreaterThanOrEqual(0.97);
  expect(s.recall, detail).toBeGreaterThanOrEqual(0.97);
  expect(s.missingDeadlines, detail).toEqual([]);
  expect(s.missingUnits, detail).toEqual([]);
  expect({ title: plan.title, year: plan.year, script: plan.script }).toEqual({ title: gold.title, year: gold.year, script: gold.script });
}

/**
 * A blind round: each document of `dir` (NAME.txt beside NAME.gold.json), turned into bytes as `as` says,
 * imported and held to the issue's bar; then the table of all of them is printed.
 */
export function describeBlindRound<As extends string>(
  title: string,
  dir: URL,
  docs: { name: string; as: As }[],
  bytesOf: (text: string, as: As) => Promise<Uint8Array>,
): void {
  const rows: string[] = [];
  describe(title, () => {
    for (const { name, as } of docs) {
      it(`${name} (${as})`, async () => {
        const text = readFileSync(new URL(`${name}.txt`, dir), 'utf8');
        const gold = JSON.parse(readFileSync(new URL(`${name}.gold.json`, dir), 'utf8')) as GoldDoc;
        const plan = await importPlan(await bytesOf(text, as), `${name}.${as.startsWith('docx') ? 'docx' : 'txt'}`);
        expectAtBar(rows, name, as, plan, gold);
      });
    }
    it('prints the table', () => {
      console.log([...BAR_TABLE_HEADER, ...rows].join('\n'));
    });
  });
}

/** For rule tests: a short text parsed as a plan. */
export const parseRule = (text: string) => parsePlanText(text, 'rule.txt');

/** For rule tests on a short text: its nodes, depth first. */
export function flatNodes(text: string): PlanNode[] {
  const out: PlanNode[] = [];
  const walk = (ns: PlanNode[]) => ns.forEach((n) => (out.push(n), walk(n.children)));
  walk(parseRule(text).nodes);
  return out;
}

/** A node's targets as value[-max]|unit|comparator. */
export const targetKeys = (n: PlanNode) => n.targets.map((t) => `${t.value}${t.max !== undefined ? `-${t.max}` : ''}|${t.unit}|${t.comparator}`);

export interface TreeAgreement {
  matched: number;
  goldNodes: number;
  gotNodes: number;
}

/**
 * How much of a tree agrees with the gold one, for rounds scored on the whole set (blind3): nodes are
 * paired by position as in compareWithGold, and a pair counts when kind and printed number agree (its
 * subtree is compared under it either way). The score of a set is Σmatched / Σmax(goldNodes, gotNodes),
 * so a missing node and an extra node both cost.
 */
export function treeAgreement(plan: Plan | undefined, gold: GoldDoc): TreeAgreement {
  const r: TreeAgreement = { matched: 0, goldNodes: 0, gotNodes: 0 };
  const count = (ns: GoldNode[] = []): number => ns.reduce((s, n) => s + 1 + count(n.children), 0);
  r.goldNodes = count(gold.nodes);
  if (!plan) return r;
  const got = (toGoldJson(plan) as unknown as GoldDoc).nodes;
  r.gotNodes = count(got);
  const walk = (p: GoldNode[] = [], g: GoldNode[] = []) => {
    for (let i = 0; i < Math.min(p.length, g.length); i++) {
      if (p[i].kind === g[i].kind && p[i].number === g[i].number) r.matched++;
      walk(p[i].children, g[i].children);
    }
  };
  walk(got, gold.nodes);
  return r;
}
