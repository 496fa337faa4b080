// A seed Plan for workbook tests: the gold annotation of seeds/000 (2023年全省交通运输工作要点) given
// ids, spans and lead units, so the tests run on a real plan's shape (sections with 亿元 targets, tasks
// with several targets, tasks without any) without waiting for the importer.
import { readFileSync } from 'node:fs';
import { Plan, type PlanNode, type Target } from '../../model/plan';
import { buildRows, type SheetRow } from '../../model/sheet';
import type { ProgressValues } from '../../model/progress';

interface GoldTarget { metric: string; value: number; max?: number; unit: string; comparator: Target['comparator']; kind: Target['kind']; quote: string }
interface GoldNode { kind: 'section' | 'task'; number: string; title: string; targets: GoldTarget[]; deadlines: string[]; children?: GoldNode[] }

const UNITS = ['综合规划处', '建设管理处', '公路局', '运输管理局'];

export function seedPlan(id = 'plan-2023'): Plan {
  const gold = JSON.parse(readFileSync(new URL('../fixtures/gold/000_77af737a269cc6b4.gold.json', import.meta.url), 'utf8'));
  let n = 0;
  let t = 0;
  const convert = (g: GoldNode): PlanNode => {
    const nodeId = `n${++n}`;
    return {
      id: nodeId,
      kind: g.kind,
      number: g.number,
      title: g.title,
      text: g.title,
      span: { start: 0, end: 0 },
      targets: g.targets.map((x) => ({ ...x, id: `t${++t}`, span: { start: 0, end: 0 }, confidence: 1 })),
      // "2月末" is the one deadline in this plan that resolves to a date.
      deadlines: g.deadlines.map((text) => (text === '2月末' ? { text, date: '2023-02-28' } : { text })),
      units: g.kind === 'task' ? { lead: [UNITS[n % UNITS.length]], co: n % 3 === 0 ? [UNITS[(n + 1) % UNITS.length]] : [] } : undefined,
      children: (g.children ?? []).map(convert),
    };
  };
  return Plan.parse({ id, title: gold.title, year: gold.year, script: gold.script, source: gold.document, nodes: gold.nodes.map(convert) });
}

/** Rows with some entries filled in, as the server's loadRows would return them. */
export function seedRows(plan: Plan, period = '2023-05', unit?: string): SheetRow[] {
  const base = buildRows(plan, { period, unit });
  const entries = new Map<string, { version: number; values: ProgressValues }>();
  base.forEach((r, i) => {
    if (r.kind !== 'item' || i % 3 !== 0) return;
    const cum = r.target ? Math.round(r.target.value * 0.4) : null;
    entries.set(r.key, {
      version: 1 + (i % 4),
      values: {
        monthDone: cum === null ? null : Math.round(r.target!.value * 0.05),
        cumulative: cum,
        status: i % 9 === 0 ? '滞后' : '推进中',
        progress: `已完成第${i}批次工作，正在推进`,
        problems: i % 9 === 0 ? '征地拆迁进度慢' : null,
        nextSteps: i % 9 === 0 ? '加强调度' : null,
      },
    });
  });
  return buildRows(plan, { period, unit, entries });
}
