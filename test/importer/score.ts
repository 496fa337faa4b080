// Scoring of an imported plan against a gold file, shared by the seed and blind tests: the tree, target
// and deadline comparison of gold-compare.ts plus units found (ANNOTATION.md lead/co/exec, by name).
import { toGoldJson } from '../../model/importer';
import type { Plan } from '../../model/plan';
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
