// A hand-made Plan for tests and benchmarks (the real importer's output has the same shape).
// Tasks alternate between a figure target (unit 亿元/公里) and none; units lead/co from a fixed list.
import type { Plan, PlanNode } from '../../model/plan';

export const UNIT_NAMES = ['综合规划处', '建设管理处', '运输服务处', '安全监督处'] as const;

export interface SamplePlanOptions {
  id?: string;
  year?: number;
  tasks?: number; // default 8
  sections?: number; // default 2
  monthlyDay?: number; // a "每月N日前" deadline rule in the document
}

const span = { start: 0, end: 1 };

/**
 * Task i (1-based) has id `t{i}`; odd tasks carry one target `t{i}-m1` (unit 亿元), multiples of 4 a
 * second `t{i}-m2` (unit 公里). Task i is led by UNIT_NAMES[i % 4] and co-led by UNIT_NAMES[(i+1) % 4].
 */
export function samplePlan(opts: SamplePlanOptions = {}): Plan {
  const tasks = opts.tasks ?? 8;
  const sections = opts.sections ?? 2;
  const perSection = Math.ceil(tasks / sections);
  const nodes: PlanNode[] = [];
  for (let s = 0; s < sections; s++) {
    const children: PlanNode[] = [];
    for (let i = s * perSection + 1; i <= Math.min(tasks, (s + 1) * perSection); i++) {
      const targets = [];
      if (i % 2 === 1) targets.push({ id: `t${i}-m1`, metric: `任务${i}投资`, value: 100 + i, unit: '亿元', comparator: 'eq' as const, kind: 'amount' as const, quote: `完成投资${100 + i}亿元`, span, confidence: 1 });
      if (i % 4 === 0) targets.push({ id: `t${i}-m2`, metric: `任务${i}里程`, value: 50, unit: '公里', comparator: 'gte' as const, kind: 'count' as const, quote: '建成50公里', span, confidence: 0.9 });
      children.push({
        id: `t${i}`, kind: 'task', number: String(i), title: `重点任务${i}`, text: `${i}.重点任务${i}。`, span, targets,
        deadlines: i === 1 && opts.monthlyDay ? [{ text: `每月${opts.monthlyDay}日前`, monthlyDay: opts.monthlyDay }] : [{ text: '年底前' }],
        units: { lead: [UNIT_NAMES[i % 4]], co: [UNIT_NAMES[(i + 1) % 4]] },
        children: [],
      });
    }
    nodes.push({ id: `s${s + 1}`, kind: 'section', number: '一二三四五六七八九十'[s] ?? String(s + 1), title: `第${s + 1}部分`, text: '', span, targets: [], deadlines: [], children });
  }
  return { id: opts.id ?? 'sample', title: '测试工作要点', year: opts.year ?? 2024, script: 'simplified', source: 'sample.txt', nodes };
}
