// /plans/{planId}/visibility: whether units see each other's reports (the plan's settings).
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireRole, type AppEnv } from '../auth/middleware';
import type { Db } from '../db/connect';
import { ensurePlan } from '../services/plans';
import { setUnitsSeeEachOther, unitsSeeEachOther } from '../services/visibility';
import { Json, PlanIdParam } from './params';

const admin = requireRole('admin');

export function planSettingsRoutes(db: Db, app: OpenAPIHono<AppEnv>): void {
  const Visibility = z.object({ unitsSeeEachOther: z.boolean() }).strict().openapi('PlanVisibility');
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/visibility',
      tags: ['plans'],
      summary: '单位之间能否互相查看填报（默认不能）',
      request: { params: PlanIdParam },
      responses: { 200: Json(Visibility, 'Visibility') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      await ensurePlan(db, planId);
      return c.json({ unitsSeeEachOther: await unitsSeeEachOther(db, planId) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'put',
      path: '/plans/{planId}/visibility',
      tags: ['plans'],
      middleware: [admin] as const,
      summary: '设置单位之间能否互相查看填报（审计）',
      request: { params: PlanIdParam, body: { content: { 'application/json': { schema: Visibility } }, required: true } },
      responses: { 200: Json(Visibility, 'Saved') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      const { unitsSeeEachOther: value } = c.req.valid('json');
      await setUnitsSeeEachOther(db, planId, value, c.get('actor').name);
      return c.json({ unitsSeeEachOther: value }, 200);
    },
  );
}
