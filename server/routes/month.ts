// The month-end loop (issue 10): 报送, 退回, 问题台账 + 销号, 催报, and the settings behind them.
//
//   GET  /plans/:planId/periods/:period/submissions            each unit's 未填报/填报中/已报送/逾期报送
//   POST /plans/:planId/periods/:period/submit                 {reporter, phone, reviewer, unit?}  (reporter; admin names unit)
//   POST /plans/:planId/periods/:period/submissions/:unit/return  {reason}   (admin)
//   GET  /plans/:planId/month-settings · PUT (admin)           {lights:{yellow,red}, rules:[…]}
//   (ledger and reminder routes: ledgerRoutes / reminderRoutes below)
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireRole, type AppEnv } from '../auth/middleware';
import type { Db } from '../db/connect';
import { ensurePlan } from '../services/plans';
import { loadMonthSettings, MonthSettingsInput, saveMonthSettings } from '../services/month-settings';
import { listSubmissions, returnSubmission, submitMonth } from '../services/submissions';
import { Json, PeriodParams, PlanIdParam } from './params';

const Problem = (description: string) => ({ content: { 'application/problem+json': { schema: z.any() } }, description });

const SubmissionsResponse = z
  .object({
    planId: z.string(), period: z.string(), deadline: z.string(), periodStatus: z.string(),
    countdown: z.object({ ms: z.number(), label: z.string() }),
    counts: z.record(z.string(), z.number()),
    units: z.array(z.object({
      unit: z.string(), status: z.enum(['未填报', '填报中', '已报送', '逾期报送']), rows: z.number(), reportedRows: z.number(),
      submittedAt: z.string().nullable(), contact: z.any(), returned: z.any(),
    })),
  })
  .openapi('MonthSubmissions');

/** A JSON body, or {} when there is none (the services check the fields and name them). */
async function body(c: { req: { json(): Promise<unknown>; header(n: string): string | undefined } }): Promise<Record<string, unknown>> {
  if (!(c.req.header('content-type') ?? '').includes('json')) return {};
  const b = await c.req.json();
  return b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

export function monthRoutes(deps: { db: Db; now?: () => Date }): OpenAPIHono<AppEnv> {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'get', path: '/plans/{planId}/periods/{period}/submissions', tags: ['month'],
      summary: '各单位本月报送状态（未填报/填报中/已报送/逾期报送）、截止日与倒计时',
      request: { params: PeriodParams }, responses: { 200: Json(SubmissionsResponse, 'Status per unit'), 404: Problem('No such plan or month') },
    }),
    async (c) => {
      const { planId, period } = c.req.valid('param');
      await ensurePlan(db, planId);
      return c.json(await listSubmissions(db, planId, period, { now: now() }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/plans/{planId}/periods/{period}/submit', tags: ['month'], middleware: [requireRole('admin', 'reporter')] as const,
      summary: '报送本单位本月填报（须填报人、联系电话、审核人；有不合格行时拒绝，不保存）',
      request: { params: PeriodParams },
      responses: { 200: Json(z.any(), 'Submitted (or the standing submission: replayed)'), 400: Problem('Missing fields'), 422: Problem('Rows invalid (errors name them)') },
    }),
    async (c) => {
      const { planId, period } = c.req.valid('param');
      await ensurePlan(db, planId);
      const b = await body(c);
      return c.json(await submitMonth(db, c.get('actor'), planId, period, { ...b, unit: typeof b.unit === 'string' ? b.unit : undefined }, now()), 200);
    },
  );

  app.post('/plans/:planId/periods/:period/submissions/:unit/return', requireRole('admin'), async (c) => {
    const { planId, period, unit } = PeriodParams.extend({ unit: z.string().min(1).max(100) }).parse(c.req.param());
    await ensurePlan(db, planId);
    const b = await body(c);
    return c.json(await returnSubmission(db, c.get('actor'), planId, period, unit, b.reason, now()), 200);
  });

  app.get('/plans/:planId/month-settings', async (c) => {
    const { planId } = PlanIdParam.parse(c.req.param());
    await ensurePlan(db, planId);
    return c.json(await loadMonthSettings(db, planId), 200);
  });
  app.put('/plans/:planId/month-settings', requireRole('admin'), async (c) => {
    const { planId } = PlanIdParam.parse(c.req.param());
    const input = MonthSettingsInput.parse(await body(c));
    return c.json(await saveMonthSettings(db, planId, input, c.get('actor').name), 200);
  });

  return app;
}
