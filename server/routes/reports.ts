// Reports for leaders and the planning office: one month's stats, the per-month series and the monthly
// 通报 (.docx). Read-only, open to every role (mounted behind the /api/v1 token check).
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { buildBulletin } from '../../model/bulletin';
import type { Plan } from '../../model/plan';
import { previousPeriod, type Period } from '../../model/progress';
import { buildRows, type TaskAssignment } from '../../model/sheet';
import { computeStats, monthlySeries } from '../../model/stats';
import type { AppEnv } from '../auth/middleware';
import { renderBulletinDocx } from '../bulletin';
import type { Db } from '../db/connect';
import { listPeriods } from '../services/periods';
import { loadAssignments, loadPlan } from '../services/plans';
import { loadEntriesByPeriod } from '../services/rows';
import { Json, PeriodParams, PlanIdParam, PeriodParam } from './params';
import { HttpProblem } from './problem';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式须为 YYYY-MM-DD');
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Today in China (UTC+8): the 成文日期 of a 通报 issued now. */
const chinaToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

interface PlanData {
  plan: Plan;
  periods: Period[];
  assignments: Map<string, TaskAssignment>;
}

async function loadPlanData(db: Db, planId: string): Promise<PlanData> {
  const plan = await loadPlan(db, planId);
  const [periods, assignments] = await Promise.all([listPeriods(db, planId), loadAssignments(db, planId)]);
  return { plan, periods, assignments };
}

function requirePeriod(data: PlanData, period: string): Period | undefined {
  // A plan with its months set up only reports on those; one without (no year) takes any month.
  const p = data.periods.find((x) => x.period === period);
  if (!p && data.periods.length) throw new HttpProblem(404, 'UNKNOWN_PERIOD', `该计划没有这个月份：${period}`);
  return p;
}

async function monthStats(db: Db, data: PlanData, period: string) {
  const p = requirePeriod(data, period);
  const prev = previousPeriod(period);
  const entries = await loadEntriesByPeriod(db, data.plan.id, [period, prev]);
  const statsOf = (month: string, meta?: Period) =>
    computeStats(buildRows(data.plan, { period: month, assignments: data.assignments, entries: entries.get(month) }), {
      period: month,
      year: data.plan.year,
      deadline: meta?.deadline,
      closed: meta ? meta.status === 'closed' : undefined,
    });
  const prevMeta = data.periods.find((x) => x.period === prev);
  return {
    stats: statsOf(period, p),
    previous: prevMeta || entries.has(prev) ? statsOf(prev, prevMeta) : null,
    next: data.periods.find((x) => x.period > period) ?? null,
  };
}

export interface ReportRouteDeps {
  db: Db;
}

export function reportRoutes(deps: ReportRouteDeps): OpenAPIHono<AppEnv> {
  const { db } = deps;
  // Validation failures answer through the /api/v1 app's defaultHook (zod-openapi resolves it from the parent).
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'get', path: '/plans/{planId}/periods/{period}/stats', tags: ['reports'],
      summary: '月度统计：按板块、牵头单位、状态的完成情况，报送/未报送单位，滞后、逾期、低于序时进度的事项',
      request: { params: PeriodParams },
      responses: { 200: Json(z.any(), 'PeriodStats (model/stats.ts)') },
    }),
    async (c) => {
      const { planId, period } = c.req.valid('param');
      const { stats } = await monthStats(db, await loadPlanData(db, planId), period);
      return c.json(stats, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/plans/{planId}/stats/monthly', tags: ['reports'],
      summary: '逐月趋势：报送率、平均完成率、序时进度、各状态事项数（到最近有填报的月份或本月为止）',
      request: { params: PlanIdParam, query: z.object({ until: PeriodParam.optional() }) },
      responses: { 200: Json(z.any(), '{series: MonthPoint[]} (model/stats.ts)') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      const data = await loadPlanData(db, planId);
      const entries = await loadEntriesByPeriod(db, planId);
      const lastReported = [...entries.keys()].sort().at(-1) ?? '';
      const thisMonth = chinaToday().slice(0, 7);
      const until = c.req.valid('query').until ?? (lastReported > thisMonth ? lastReported : thisMonth);
      const months = (data.periods.length ? data.periods.map((p) => p.period) : [...entries.keys()]).filter((m) => m <= until);
      const series = monthlySeries(
        months.map((period) => ({ period, rows: buildRows(data.plan, { period, assignments: data.assignments, entries: entries.get(period) }) })),
        data.plan.year,
      );
      return c.json({ planId, until, series }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/plans/{planId}/periods/{period}/bulletin.docx', tags: ['reports'],
      summary: '月度通报（Word）：总体情况、各单位报送情况、滞后任务、下步工作',
      request: {
        params: PeriodParams,
        query: z.object({ issuedOn: IsoDate.optional(), issuer: z.string().min(1).max(60).optional(), issue: z.coerce.number().int().min(1).max(999).optional() }),
      },
      responses: { 200: { content: { [DOCX]: { schema: z.any() } }, description: 'The 通报 as .docx' } },
    }),
    async (c) => {
      const { planId, period } = c.req.valid('param');
      const q = c.req.valid('query');
      const data = await loadPlanData(db, planId);
      const { stats, previous, next } = await monthStats(db, data, period);
      const bulletin = buildBulletin(stats, {
        planTitle: data.plan.title,
        issuer: q.issuer ?? data.plan.issuer,
        issuedOn: q.issuedOn ?? chinaToday(),
        issueNumber: q.issue,
        previous,
        nextDeadline: next?.deadline ?? null,
      });
      const buf = await renderBulletinDocx(bulletin);
      const name = `重点任务推进情况通报-${period}.docx`;
      return new Response(new Uint8Array(buf), {
        status: 200,
        headers: {
          'content-type': DOCX,
          'content-length': String(buf.length),
          'content-disposition': `attachment; filename="bulletin-${period}.docx"; filename*=UTF-8''${encodeURIComponent(name)}`,
        },
      }) as never;
    },
  );

  return app;
}
