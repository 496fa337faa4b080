// A synthetic work plan of any size with realistic Chinese text (CJK = 3 bytes in UTF-8), for the
// add-in's fill/sync tests and the fill benchmark. Deterministic: same n → same plan.
import type { Plan, PlanNode, Target } from '../../model/plan';
import type { ProgressValues } from '../../model/progress';

const VERBS = ['加快推进', '着力提升', '全面完成', '持续深化', '统筹推进', '扎实开展'];
const THINGS = ['综合交通运输体系建设', '农村公路提档升级改造', '高速公路网络互联互通', '水运航道整治工程', '城乡客运一体化示范', '智慧交通平台建设'];
const UNITS = ['亿元', '公里', '个', '%', '万人次'];
const LEADS = ['省交通运输厅', '省发展改革委', '省财政厅', '省自然资源厅', '省住房城乡建设厅'];
const NUMS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export function syntheticPlan(tasks: number, opts: { tasksPerSection?: number; id?: string } = {}): Plan {
  const per = opts.tasksPerSection ?? 50;
  const sections: PlanNode[] = [];
  for (let t = 0; t < tasks; t++) {
    const s = Math.floor(t / per);
    if (!sections[s]) {
      sections[s] = {
        id: `s${s + 1}`, kind: 'section', number: NUMS[s % 10] + (s >= 10 ? String(s) : ''), title: `${VERBS[s % VERBS.length]}${THINGS[s % THINGS.length]}`,
        text: '', span: { start: 0, end: 0 }, targets: [], deadlines: [], children: [],
      };
    }
    const unit = UNITS[t % UNITS.length];
    const target: Target = {
      id: `t${t + 1}.1`, metric: `${THINGS[t % THINGS.length].slice(0, 6)}完成量`, value: 100 + (t % 400), unit,
      comparator: 'eq', kind: unit === '%' ? 'rate' : 'amount', quote: '', span: { start: 0, end: 0 }, confidence: 1,
    };
    sections[s].children.push({
      id: `t${t + 1}`, kind: 'task', number: String(t + 1),
      title: `${VERBS[t % VERBS.length]}${THINGS[(t * 7) % THINGS.length]}，完成年度投资和建设任务（第${t + 1}项）`,
      text: '', span: { start: 0, end: 0 },
      targets: t % 5 === 4 ? [] : [target], // every fifth task has no figure: one row on the task itself
      deadlines: [{ text: `${(t % 12) + 1}月底前`, date: `2026-${String((t % 12) + 1).padStart(2, '0')}-28` }],
      units: { lead: [LEADS[t % LEADS.length]], co: t % 3 ? [] : [LEADS[(t + 1) % LEADS.length]] },
      children: [],
    });
  }
  return { id: opts.id ?? 'plan-synthetic', title: '2026年全省交通运输工作要点', year: 2026, script: 'simplified', source: 'synthetic.txt', nodes: sections };
}

/** Reported entries with long Chinese texts for every item key: a mid-year sheet (3 bytes per char). */
export function heavyEntries(keys: string[], chars = 300): Map<string, { version: number; values: ProgressValues }> {
  const text = (n: number) => '按计划推进项目前期工作和征地拆迁，完成年度投资任务'.repeat(Math.ceil(n / 24)).slice(0, n);
  return new Map(keys.map((k) => [k, { version: 1, values: { monthDone: 3, cumulative: 12, status: '推进中', progress: text(chars), problems: text(80), nextSteps: text(80) } }]));
}
