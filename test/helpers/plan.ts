// Every Plan the tests and benchmarks build, in one place (the real importer's output has the same shape):
//   samplePlan(opts)    small and configurable: 8 tasks in 2 sections, targets t{i}-m1/-m2, units UNIT_NAMES
//                       (server, month, trust suites and the benchmarks);
//   syntheticPlan(n)    any size with realistic Chinese text (CJK = 3 bytes in UTF-8), deterministic, plus
//                       heavyEntries (the add-in's fill/sync tests and the fill benchmark);
//   seedPlan(id)        the gold annotation of seeds/000 (2023年全省交通运输工作要点) given ids, spans and lead
//                       units — a real plan's shape without waiting for the importer — plus seedRows
//                       (the workbook suites);
//   PLAN / REPORTS      a hand-made 工作要点 and one month of reports (stats, 通报 and dashboard tests: their
//                       expected figures are worked out by hand from the numbers below), entriesFor.
import { readFileSync } from 'node:fs';
import { Plan, type PlanNode, type Target } from '../../model/plan';
import { buildRows, type SheetRow } from '../../model/sheet';
import { EMPTY_PROGRESS, progressKey, type PeriodId, type ProgressValues } from '../../model/progress';

const span00 = { start: 0, end: 0 };
const span01 = { start: 0, end: 1 };

// ── samplePlan ────────────────────────────────────────────────────────────────────────────────────────
export const UNIT_NAMES = ['综合规划处', '建设管理处', '运输服务处', '安全监督处'] as const;

export interface SamplePlanOptions {
  id?: string;
  year?: number;
  tasks?: number; // default 8
  sections?: number; // default 2
  monthlyDay?: number; // a "每月N日前" deadline rule in the document
}

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
      if (i % 2 === 1)
        targets.push({
          id: `t${i}-m1`,
          metric: `任务${i}投资`,
          value: 100 + i,
          unit: '亿元',
          comparator: 'eq' as const,
          kind: 'amount' as const,
          quote: `完成投资${100 + i}亿元`,
          span: span01,
          confidence: 1,
        });
      if (i % 4 === 0)
        targets.push({
          id: `t${i}-m2`,
          metric: `任务${i}里程`,
          value: 50,
          unit: '公里',
          comparator: 'gte' as const,
          kind: 'count' as const,
          quote: '建成50公里',
          span: span01,
          confidence: 0.9,
        });
      children.push({
        id: `t${i}`,
        kind: 'task',
        number: String(i),
        title: `重点任务${i}`,
        text: `${i}.重点任务${i}。`,
        span: span01,
        targets,
        deadlines: i === 1 && opts.monthlyDay ? [{ text: `每月${opts.monthlyDay}日前`, monthlyDay: opts.monthlyDay }] : [{ text: '年底前' }],
        units: { lead: [UNIT_NAMES[i % 4]], co: [UNIT_NAMES[(i + 1) % 4]] },
        children: [],
      });
    }
    nodes.push({
      id: `s${s + 1}`,
      kind: 'section',
      number: '一二三四五六七八九十'[s] ?? String(s + 1),
      title: `第${s + 1}部分`,
      text: '',
      span: span01,
      targets: [],
      deadlines: [],
      children,
    });
  }
  return { id: opts.id ?? 'sample', title: '测试工作要点', year: opts.year ?? 2024, script: 'simplified', source: 'sample.txt', nodes };
}

// ── syntheticPlan ─────────────────────────────────────────────────────────────────────────────────────
const VERBS = ['加快推进', '着力提升', '全面完成', '持续深化', '统筹推进', '扎实开展'];
const THINGS = ['综合交通运输体系建设', '农村公路提档升级改造', '高速公路网络互联互通', '水运航道整治工程', '城乡客运一体化示范', '智慧交通平台建设'];
const SYNTH_UNITS = ['亿元', '公里', '个', '%', '万人次'];
const LEADS = ['省交通运输厅', '省发展改革委', '省财政厅', '省自然资源厅', '省住房城乡建设厅'];
const NUMS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export function syntheticPlan(tasks: number, opts: { tasksPerSection?: number; id?: string } = {}): Plan {
  const per = opts.tasksPerSection ?? 50;
  const sections: PlanNode[] = [];
  for (let t = 0; t < tasks; t++) {
    const s = Math.floor(t / per);
    if (!sections[s]) {
      sections[s] = {
        id: `s${s + 1}`,
        kind: 'section',
        number: NUMS[s % 10] + (s >= 10 ? String(s) : ''),
        title: `${VERBS[s % VERBS.length]}${THINGS[s % THINGS.length]}`,
        text: '',
        span: { start: 0, end: 0 },
        targets: [],
        deadlines: [],
        children: [],
      };
    }
    const unit = SYNTH_UNITS[t % SYNTH_UNITS.length];
    const target: Target = {
      id: `t${t + 1}.1`,
      metric: `${THINGS[t % THINGS.length].slice(0, 6)}完成量`,
      value: 100 + (t % 400),
      unit,
      comparator: 'eq',
      kind: unit === '%' ? 'rate' : 'amount',
      quote: '',
      span: { start: 0, end: 0 },
      confidence: 1,
    };
    sections[s].children.push({
      id: `t${t + 1}`,
      kind: 'task',
      number: String(t + 1),
      title: `${VERBS[t % VERBS.length]}${THINGS[(t * 7) % THINGS.length]}，完成年度投资和建设任务（第${t + 1}项）`,
      text: '',
      span: { start: 0, end: 0 },
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
  return new Map(
    keys.map((k) => [
      k,
      { version: 1, values: { monthDone: 3, cumulative: 12, status: '推进中', progress: text(chars), problems: text(80), nextSteps: text(80) } },
    ]),
  );
}

// ── seedPlan ──────────────────────────────────────────────────────────────────────────────────────────
interface GoldTarget {
  metric: string;
  value: number;
  max?: number;
  unit: string;
  comparator: Target['comparator'];
  kind: Target['kind'];
  quote: string;
}
interface GoldNode {
  kind: 'section' | 'task';
  number: string;
  title: string;
  targets: GoldTarget[];
  deadlines: string[];
  children?: GoldNode[];
}

const SEED_UNITS = ['综合规划处', '建设管理处', '公路局', '运输管理局'];

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
      units: g.kind === 'task' ? { lead: [SEED_UNITS[n % SEED_UNITS.length]], co: n % 3 === 0 ? [SEED_UNITS[(n + 1) % SEED_UNITS.length]] : [] } : undefined,
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

// ── PLAN / REPORTS (hand-made, 2026-06) ───────────────────────────────────────────────────────────────
function target(id: string, metric: string, value: number, unit: string, kind: Target['kind']): Target {
  return { id, metric, value, unit, comparator: 'eq', kind, quote: `${value}${unit}`, span: span00, confidence: 1 };
}
function node(id: string, kind: PlanNode['kind'], number: string, title: string, extra: Partial<PlanNode> = {}): PlanNode {
  return { id, kind, number, title, text: title, span: span00, targets: [], deadlines: [], children: [], ...extra };
}
const lead = (...names: string[]) => ({ lead: names });

export const PLAN: Plan = {
  id: 'p2026',
  title: '2026年全省交通运输工作要点',
  year: 2026,
  script: 'simplified',
  source: 'fixture.txt',
  nodes: [
    node('s1', 'section', '一', '着力加快交通项目建设', {
      targets: [target('t-invest', '交通建设投资', 278, '亿元', 'amount')],
      units: lead('规划处'),
      children: [
        node('k1', 'task', '1', '加快高速公路建设', {
          targets: [target('t-km', '高速公路续建里程', 631, '公里', 'amount'), target('t-total', '高速公路通车总里程', 4643, '公里', 'level')],
          deadlines: [{ text: '年底前' }],
          units: lead('建设管理处'),
        }),
        node('k2', 'task', '2', '推进普通国省道改造', {
          targets: [target('t-road', '普通国省道改造', 500, '公里', 'amount')],
          deadlines: [{ text: '6月底前' }],
          units: lead('公路局'),
        }),
      ],
    }),
    node('s2', 'section', '二', '提升运输服务水平', {
      children: [
        node('k3', 'task', '3', '推进城乡客运一体化', { deadlines: [{ text: '9月底前' }], units: { lead: ['运输处'], co: ['公路局'] } }),
        node('k4', 'task', '4', '建设“四好农村路”', { targets: [target('t-rural', '新改建农村公路', 3000, '公里', 'amount')], units: lead('公路局') }),
        node('k5', 'task', '5', '发展智慧交通'),
      ],
    }),
    node('s3', 'section', '三', '守牢安全生产底线', {
      children: [node('k6', 'task', '6', '开展安全生产专项整治', { deadlines: [{ text: '2026年3月底前' }], units: lead('安监处') })],
    }),
  ],
};

export const PERIOD: PeriodId = '2026-06';

const v = (x: Partial<ProgressValues>): ProgressValues => ({ ...EMPTY_PROGRESS, ...x });
/** What the units reported for 2026-06, by item id. */
export const REPORTS: Record<string, ProgressValues> = {
  't-invest': v({ monthDone: 25, cumulative: 120, status: '推进中', progress: '完成投资120亿元' }),
  't-km': v({ monthDone: 60, cumulative: 400, status: '推进中' }),
  't-road': v({ monthDone: 21, cumulative: 301, status: '滞后', problems: '征地拆迁进度慢', nextSteps: '协调地方政府加快征拆' }),
  't-rural': v({ monthDone: 400, cumulative: 3100, status: '已完成' }),
  k6: v({ status: '已完成', progress: '专项整治已完成' }),
};

export function entriesFor(period: PeriodId, reports: Record<string, ProgressValues> = REPORTS) {
  return new Map(Object.entries(reports).map(([id, values]) => [progressKey(id, period), { version: 1, values }]));
}
