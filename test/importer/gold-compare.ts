// Compares an imported plan with a gold file (ANNOTATION.md format): node tree, target precision and
// recall on (value, max, unit, comparator) per node, and deadlines found.
import { toGoldJson } from '../../model/importer';
import type { Plan } from '../../model/plan';

export interface GoldTarget {
  value: number;
  max?: number;
  unit: string;
  comparator: string;
  kind?: string;
  quote?: string;
}
export interface GoldNode {
  kind: string;
  number: string;
  title: string;
  targets: GoldTarget[];
  deadlines?: string[];
  units?: Record<string, string[]>;
  children?: GoldNode[];
}
export interface GoldDoc {
  document?: string;
  title: string;
  year: number | null;
  script: string;
  nodes: GoldNode[];
}

export interface Comparison {
  treeDiffs: string[]; // empty when kinds, numbers and nesting are identical
  truePositives: number;
  predicted: number;
  gold: number;
  precision: number;
  recall: number;
  missingDeadlines: string[];
  targetDiffs: string[];
  kindsEqual: number; // matched targets whose kind (amount/count/level/rate/growth) equals the gold kind
  titlesEqual: number; // nodes whose title equals the gold title exactly (informative: titles are judgement calls)
  nodes: number;
}

const key = (t: GoldTarget) => `${t.value}|${t.max ?? ''}|${t.unit}|${t.comparator}`;

/** Multiset matching of target keys: how many match, and how many of those also agree on kind. */
function matchCount(pred: GoldTarget[], gold: GoldTarget[]): { n: number; kinds: number } {
  const left = new Map<string, GoldTarget[]>();
  for (const t of gold) left.set(key(t), [...(left.get(key(t)) ?? []), t]);
  let n = 0;
  let kinds = 0;
  for (const t of pred) {
    const candidates = left.get(key(t)) ?? [];
    if (candidates.length) {
      n++;
      const same = candidates.findIndex((g) => g.kind === t.kind);
      if (same >= 0) kinds++;
      candidates.splice(same >= 0 ? same : 0, 1);
    }
  }
  return { n, kinds };
}

export function compareWithGold(plan: Plan, gold: GoldDoc): Comparison {
  const got = toGoldJson(plan) as unknown as GoldDoc;
  const r: Comparison = {
    treeDiffs: [],
    truePositives: 0,
    predicted: 0,
    gold: 0,
    precision: 1,
    recall: 1,
    missingDeadlines: [],
    targetDiffs: [],
    titlesEqual: 0,
    kindsEqual: 0,
    nodes: 0,
  };
  const walk = (p: GoldNode[] = [], g: GoldNode[] = [], path: string) => {
    if (p.length !== g.length)
      r.treeDiffs.push(`${path}: ${p.length} children, gold has ${g.length} (${p.map((n) => n.number).join(' ')} vs ${g.map((n) => n.number).join(' ')})`);
    for (let i = 0; i < Math.min(p.length, g.length); i++) {
      const a = p[i];
      const b = g[i];
      const here = `${path}/${b.number}`;
      if (a.kind !== b.kind || a.number !== b.number) r.treeDiffs.push(`${here}: got ${a.kind} ${a.number}, gold ${b.kind} ${b.number}`);
      r.nodes++;
      if (a.title === b.title) r.titlesEqual++;
      const { n: tp, kinds } = matchCount(a.targets, b.targets);
      r.kindsEqual += kinds;
      r.truePositives += tp;
      r.predicted += a.targets.length;
      r.gold += b.targets.length;
      if (tp !== a.targets.length || tp !== b.targets.length)
        r.targetDiffs.push(
          `${here}: got [${a.targets.map((t) => t.quote + ':' + key(t)).join(', ')}] gold [${b.targets.map((t) => t.quote + ':' + key(t)).join(', ')}]`,
        );
      for (const d of b.deadlines ?? []) if (!(a.deadlines ?? []).includes(d)) r.missingDeadlines.push(`${here}: ${d}`);
      walk(a.children, b.children, here);
    }
  };
  walk(got.nodes, gold.nodes, '');
  r.precision = r.predicted ? r.truePositives / r.predicted : r.gold ? 0 : 1;
  r.recall = r.gold ? r.truePositives / r.gold : 1;
  return r;
}
