// /plans/{planId}/periods: the months, closing and reopening them, and a month's 清单 rows.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { SheetRow } from '../../model/sheet';
import { requireRole, type AppEnv } from '../auth/middleware';
import type { Db } from '../db/connect';
import { listPeriods, setPeriodStatus } from '../services/periods';
import { ensurePlan } from '../services/plans';
import { cursorNow } from '../services/pull';
import { loadRows } from '../services/rows';
import { readableUnit } from '../services/visibility';
import { Json, PeriodParams, PlanIdParam } from './params';
import { HttpProblem } from './problem';

const PeriodSchema = z.object({ planId: z.string(), period: z.string(), deadline: z.string(), status: z.enum(['open', 'closed']) }).openapi('Period');
const admin = requireRole('admin');

export function periodRoutes(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/periods',
      tags: ['periods'],
      summary: '月度填报周期',
      request: { params: PlanIdParam },
      responses: { 200: Json(z.array(PeriodSchema), 'Periods') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      await ensurePlan(db, planId);
      return c.json(await listPeriods(db, planId), 200);
    },
  );

  for (const action of ['close', 'reopen'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/plans/{planId}/periods/{period}/${action}`,
        tags: ['periods'],
        middleware: [admin] as const,
        summary: action === 'close' ? '关闭月份（不再接受填报）' : '重新开放月份：须 {"reason":"…"}（为空则 400 REASON_REQUIRED，不修改）；原因记入审计',
        request: {
          params: PeriodParams,
          body: { content: { 'application/json': { schema: z.object({ reason: z.string().max(500).optional() }) } }, required: false },
        },
        responses: { 200: Json(PeriodSchema, 'Period') },
      }),
      async (c) => {
        const { planId, period } = c.req.valid('param');
        const reason = (((c.req.valid('json') as { reason?: string } | undefined) ?? {}).reason ?? '').trim();
        if (action === 'reopen' && !reason)
          throw new HttpProblem(400, 'REASON_REQUIRED', '重新开放月份须填写原因（reason），未做修改', [
            { field: 'reason', code: 'REQUIRED', message: '请填写重新开放的原因' },
          ]);
        await ensurePlan(db, planId);
        const p = await setPeriodStatus(db, planId, period, action === 'close' ? 'closed' : 'open', c.get('actor').name, reason || undefined);
        if (!p) throw new HttpProblem(404, 'UNKNOWN_PERIOD', `该计划没有这个月份：${period}`);
        return c.json(p, 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/periods/{period}/rows',
      tags: ['periods'],
      summary: '月度重点任务清单的行（model/sheet.ts buildRows）',
      request: { params: PeriodParams, query: z.object({ unit: z.string().max(100).optional() }) },
      responses: {
        200: Json(
          z.object({
            period: z.string(),
            rows: z.array(SheetRow),
            cursor: z.string().openapi({ description: '从这些行之后拉取变更的游标（GET …/changes?since=）' }),
          }),
          'Rows',
        ),
      },
    }),
    async (c) => {
      const { planId, period } = c.req.valid('param');
      const cursor = await cursorNow(db); // before the read, so nothing committed meanwhile is skipped
      const unit = await readableUnit(db, c.get('actor'), planId, c.req.valid('query').unit);
      const { rows } = await loadRows(db, planId, period, { unit });
      return c.json({ period, rows, cursor }, 200);
    },
  );
}
