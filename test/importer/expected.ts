// Hand-annotated expectations for test/fixtures/docs/*.txt, in a compact form:
// { n: printed number, k: kind, t: ["value[-max]|unit|comparator"], d: [deadline as written], u: units, c: children }
import type { Plan, PlanNode } from '../../model/plan';

export interface ExpectedNode {
  n: string;
  k: 'section' | 'task';
  t?: string[];
  d?: string[];
  u?: Record<string, string[]>;
  c?: ExpectedNode[];
}
export interface ExpectedDoc {
  title: string;
  year: number | null;
  script: string;
  nodes: ExpectedNode[];
}

export const targetKey = (t: { value: number; max?: number; unit: string; comparator: string }) =>
  `${t.value}${t.max !== undefined ? `-${t.max}` : ''}|${t.unit}|${t.comparator}`;

/** Every difference between a parsed plan and its expectation, as readable lines (empty: identical). */
export function diffExpected(plan: Plan, exp: ExpectedDoc): string[] {
  const out: string[] = [];
  if (plan.title !== exp.title) out.push(`title: got ${plan.title}, expected ${exp.title}`);
  if (plan.year !== exp.year) out.push(`year: got ${plan.year}, expected ${exp.year}`);
  if (plan.script !== exp.script) out.push(`script: got ${plan.script}, expected ${exp.script}`);
  const walk = (got: PlanNode[], want: ExpectedNode[], path: string) => {
    if (got.length !== want.length)
      out.push(`${path}: ${got.length} children [${got.map((n) => n.number)}], expected ${want.length} [${want.map((n) => n.n)}]`);
    for (let i = 0; i < Math.min(got.length, want.length); i++) {
      const g = got[i];
      const w = want[i];
      const here = `${path}/${w.n}`;
      if (g.number !== w.n || g.kind !== w.k) out.push(`${here}: got ${g.kind} ${g.number}, expected ${w.k} ${w.n}`);
      const gt = g.targets.map(targetKey).sort();
      const wt = [...(w.t ?? [])].sort();
      if (gt.join(',') !== wt.join(',')) out.push(`${here} targets: got [${g.targets.map((t) => `${t.quote}→${targetKey(t)}`)}], expected [${w.t ?? []}]`);
      const gd = g.deadlines.map((d) => d.text).sort();
      const wd = [...(w.d ?? [])].sort();
      if (gd.join(',') !== wd.join(',')) out.push(`${here} deadlines: got [${gd}], expected [${wd}]`);
      if (JSON.stringify(g.units ?? null) !== JSON.stringify(w.u ?? null))
        out.push(`${here} units: got ${JSON.stringify(g.units)}, expected ${JSON.stringify(w.u)}`);
      walk(g.children, w.c ?? [], here);
    }
  };
  walk(plan.nodes, exp.nodes, '');
  return out;
}
