// A small hand-made 工作要点 and one month of reports, shared by the stats, 通报 and dashboard tests.
// The expected figures in those tests are worked out by hand from the numbers below.
import type { Plan, PlanNode, Target } from '../../model/plan';
import { EMPTY_PROGRESS, progressKey, type PeriodId, type ProgressValues } from '../../model/progress';

const span = { start: 0, end: 0 };
function target(id: string, metric: string, value: number, unit: string, kind: Target['kind']): Target {
  return { id, metric, value, unit, comparator: 'eq', kind, quote: `${value}${unit}`, span, confidence: 1 };
}
function node(id: string, kind: PlanNode['kind'], number: string, title: string, extra: Partial<PlanNode> = {}): PlanNode {
  return { id, kind, number, title, text: title, span, targets: [], deadlines: [], children: [], ...extra };
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
