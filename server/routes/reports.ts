// Reports for leaders and the planning office: one month's stats, the per-month series and the monthly
// 通报 (.docx). Read-only, open to every role (mounted behind the /api/v1 token check).
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { buildBulletin } from '../../model/bulletin';
import type { Period } from '../../model/progress';
import { monthlySeries, MonthlySeries } from '../../model/stats';
import { PeriodStatsView, SnapshotRecord, SnapshotVersion } from '../../model/snapshot';
import type { AppEnv } from '../auth/middleware';
import { renderBulletinDocx } from '../bulletin';
import type { Db } from '../db/connect';
import { listPeriods } from '../services/periods';
import { ensurePlan } from '../services/plans';
import { chinaDate, closedMonthRows, listSnapshots, liveRows, loadPlanContext, loadSnapshot, monthView } from '../services/month-view';
import { loadEntriesByPeriod } from '../services/rows';
import { Json, PeriodParams, PlanIdParam, PeriodParam } from './params';
import { HttpProblem } from './problem';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式须为 YYYY-MM-DD');
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
/** ?version=N: an earlier snapshot of a closed month (issue 11). */
const VersionQuery = z.coerce.number().int().min(1).max(100000).optional();

/** Today in China (UTC+8): the 成文日期 of a 通报 issued now. */
const chinaToday = () => chinaDate(new Date());

async function requireMonth(db: Db, planId: string, period: string, version?: number, periods?: Period[]) {
  const list = periods ?? (await listPeriods(db, planId));
  // A plan with its months set up only reports on those; one without (no year) takes any month.
  if (list.length && !list.some((x) => x.period === period)) throw new HttpProblem(404, 'UNKNOWN_PERIOD', `该计划没有这个月份：${period}`);
  const view = await monthView(db, planId, period, { version, periods: list });
  if (!view) throw new HttpProblem(404, 'UNKNOWN_SNAPSHOT', `该月份没有第${version}版关账记录`);
  return view;
}

export interface ReportRouteDeps {
  db: Db;
}

export function reportRoutes(deps: ReportRouteDeps): OpenAPIHono<AppEnv> {
  const { db } = deps;
  // Validation failures answer through the /api/v1 app's defaultHook (zod-openapi resolves it from the parent).
  const app = new OpenAPIHono<AppEnv>();
  statsRoutes(db, app);
  bulletinRoute(db, app);
  snapshotRoutes(db, app);
  return app;
}

/** One month's stats and the per-month series. */
function statsRoutes(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/periods/{period}/stats',
      tags: ['reports'],
      summary: '月度统计：按板块、牵头单位、状态的完成情况，报送/未报送单位，滞后、逾期、低于序时进度的事项',
      request: { params: PeriodParams, query: z.object({ version: VersionQuery }) },
      responses: { 200: Json(PeriodStatsView, 'PeriodStats (model/stats.ts) + snapshot: the closed version read, or null (live)') },
    }),
    async (c) => {
      const { planId, period } = c.req.valid('param');
      await ensurePlan(db, planId);
      const view = await requireMonth(db, planId, period, c.req.valid('query').version);
      return c.json({ ...view.data.stats, snapshot: view.snapshot }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/stats/monthly',
      tags: ['reports'],
      summary: '逐月趋势：报送率、平均完成率、序时进度、各状态事项数（到最近有填报的月份或本月为止）',
      request: { params: PlanIdParam, query: z.object({ until: PeriodParam.optional() }) },
      responses: { 200: Json(MonthlySeries, 'The per-month series (model/stats.ts MonthPoint)') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      const data = await loadPlanContext(db, planId);
      const entries = await loadEntriesByPeriod(db, planId);
      const lastReported = [...entries.keys()].sort().at(-1) ?? '';
      const thisMonth = chinaToday().slice(0, 7);
      const until = c.req.valid('query').until ?? (lastReported > thisMonth ? lastReported : thisMonth);
      const months = (data.periods.length ? data.periods.map((p) => p.period) : [...entries.keys()]).filter((m) => m <= until);
      // Closed months as they were closed (issue 11); open ones live, with the targets in force then.
      const closed = await closedMonthRows(
        db,
        planId,
        data.periods.filter((p) => p.status === 'closed' && p.period <= until).map((p) => p.period),
      );
      const series = monthlySeries(
        months.map((period) => ({ period, rows: closed.get(period) ?? liveRows(data, period, entries.get(period)) })),
        data.plan.year,
      );
      return c.json({ planId, until, closedMonths: [...closed.keys()].sort(), series }, 200);
    },
  );
}

/** The monthly 通报 as .docx. */
function bulletinRoute(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/periods/{period}/bulletin.docx',
      tags: ['reports'],
      summary: '月度通报（Word）：总体情况、各单位报送情况、滞后任务、下步工作',
      request: {
        params: PeriodParams,
        query: z.object({
          issuedOn: IsoDate.optional(),
          issuer: z.string().min(1).max(60).optional(),
          issue: z.coerce.number().int().min(1).max(999).optional(),
          version: VersionQuery,
        }),
      },
      responses: { 200: { content: { [DOCX]: { schema: z.string().openapi({ format: 'binary' }) } }, description: 'The 通报 as .docx' } },
    }),
    async (c) => {
      const { planId, period } = c.req.valid('param');
      const q = c.req.valid('query');
      await ensurePlan(db, planId);
      const { data } = await requireMonth(db, planId, period, q.version);
      // A closed month's 通报 is the one sent: its header and date were fixed at close (issue 11).
      const bulletin = buildBulletin(data.stats, {
        planTitle: data.plan.title,
        issuer: q.issuer ?? data.bulletin.issuer,
        issuedOn: q.issuedOn ?? data.bulletin.issuedOn,
        issueNumber: q.issue ?? data.bulletin.issueNumber ?? undefined,
        previous: data.previous,
        nextDeadline: data.nextDeadline,
        copyTo: data.bulletin.copyTo,
        printedBy: data.bulletin.printedBy,
        ledger: data.ledger,
        rows: data.rows,
        lastYear: new Map(Object.entries(data.lastYear ?? {})),
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
}

/** A closed month's snapshots: the versions and one of them. */
function snapshotRoutes(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/periods/{period}/snapshots',
      tags: ['reports'],
      summary: '关账记录：该月每次关闭时记录的版本（重新开放后再关闭为新版本）',
      request: { params: PeriodParams },
      responses: {
        200: Json(z.object({ period: z.string(), versions: z.array(SnapshotVersion) }), 'Versions'),
      },
    }),
    async (c) => {
      const { planId, period } = c.req.valid('param');
      await ensurePlan(db, planId);
      return c.json({ period, versions: await listSnapshots(db, planId, period) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/periods/{period}/snapshots/{version}',
      tags: ['reports'],
      summary: '某一版关账记录：各行的目标、数值、状态、文字与统计（model/snapshot.ts MonthSnapshot）',
      request: {
        params: PeriodParams.extend({
          version: z.coerce
            .number()
            .int()
            .min(1)
            .openapi({ param: { name: 'version', in: 'path' } }),
        }),
      },
      responses: { 200: Json(SnapshotRecord, '{version, closedAt, closedBy, data: MonthSnapshot}') },
    }),
    async (c) => {
      const { planId, period, version } = c.req.valid('param');
      await ensurePlan(db, planId);
      const snap = await loadSnapshot(db, planId, period, version);
      if (!snap) throw new HttpProblem(404, 'UNKNOWN_SNAPSHOT', `该月份没有第${version}版关账记录`);
      return c.json(snap, 200);
    },
  );
}
