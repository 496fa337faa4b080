// Issue 11: 调整目标 (a target change from a month on, with its history) and the 通报 settings.
//   POST /plans/:planId/targets/:targetId/revisions   (admin) {fromPeriod, value, max?, unit?, comparator?, reason, confirmUnitConversion?, baseVersion?}
//   GET  /plans/:planId/targets/:targetId/history     value, unit, from month, who, why — oldest first
//   GET  /plans/:planId/targets/history               every revised target's history
//   GET|PUT /plans/:planId/bulletin-settings          issuer, 期号 start, 抄送, 印发机关 (PUT: admin)
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { BulletinSettings, BulletinSettingsView } from '../../model/bulletin-settings';
import { Comparator } from '../../model/plan';
import { RevisionResult, TargetHistory } from '../../model/target-history';
import { requireRole, type AppEnv } from '../auth/middleware';
import type { Db } from '../db/connect';
import { getBulletinSettings, putBulletinSettings } from '../services/bulletin-settings';
import { ensurePlan } from '../services/plans';
import { loadTargetHistories, reviseTarget, targetHistory } from '../services/target-revisions';
import { Json, PeriodParam, PlanIdParam } from './params';
import { HttpProblem, Problem, problem } from './problem';

const TargetParams = PlanIdParam.extend({
  targetId: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'targetId', in: 'path' } }),
});

const Revision = z
  .object({
    fromPeriod: PeriodParam.openapi({ description: '从哪个月起适用（YYYY-MM）；之前的月份保留原目标', example: '2024-07' }),
    value: z.number().finite().nonnegative(),
    max: z.number().finite().nonnegative().nullable().optional(),
    unit: z.string().trim().min(1).max(20).optional(),
    comparator: Comparator.optional(),
    reason: z.string().max(500),
    /** Required when `unit` changes: the office confirms how old figures convert (公里 → 千米, factor 1). */
    confirmUnitConversion: z
      .object({ from: z.string().min(1).max(20), to: z.string().min(1).max(20), factor: z.number().finite().positive() })
      .strict()
      .optional(),
    baseVersion: z.number().int().nonnegative().optional(),
  })
  .strict()
  .openapi('TargetRevisionRequest');

const Settings = BulletinSettings;

const admin = requireRole('admin');

export function targetRoutes(db: Db, app: OpenAPIHono<AppEnv>): void {
  revisionRoute(db, app);
  historyRoutes(db, app);
  bulletinSettingsRoutes(db, app);
}

/** 调整目标: a target's new value from a month on. */
function revisionRoute(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/plans/{planId}/targets/{targetId}/revisions',
      tags: ['targets'],
      middleware: [admin] as const,
      summary: '调整目标：从某月起适用新目标（之前月份保留原值）；改单位须确认换算；记录原因与调整人',
      request: { params: TargetParams, body: { content: { 'application/json': { schema: Revision } }, required: true } },
      responses: {
        200: Json(RevisionResult, '{version, replayed, history}'),
        400: Problem('Refused (nothing stored)'),
        404: Problem('No such target'),
        409: Problem('Changed since baseVersion'),
      },
    }),
    async (c) => {
      const { planId, targetId } = c.req.valid('param');
      await ensurePlan(db, planId);
      const r = await reviseTarget(db, c.get('actor'), planId, targetId, c.req.valid('json'));
      if (!r.ok) return problem(c, r.status, r.code, r.message, r.errors) as never;
      return c.json({ version: r.version, replayed: r.replayed, history: r.history }, 200);
    },
  );
}

/** The revisions of one target and of every revised target. */
function historyRoutes(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/targets/{targetId}/history',
      tags: ['targets'],
      summary: '目标调整记录：目标值、单位、起始月份、调整人、原因',
      request: { params: TargetParams },
      responses: { 200: Json(TargetHistory, 'TargetHistory') },
    }),
    async (c) => {
      const { planId, targetId } = c.req.valid('param');
      await ensurePlan(db, planId);
      const h = await targetHistory(db, planId, targetId);
      if (!h) throw new HttpProblem(404, 'UNKNOWN_KEY', `找不到该指标：${targetId}`);
      return c.json(h, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/targets/history',
      tags: ['targets'],
      summary: '所有调整过的目标及其调整记录',
      request: { params: PlanIdParam },
      responses: { 200: Json(z.object({ targets: z.array(TargetHistory.pick({ targetId: true, revisions: true })) }), '{targets: {targetId, revisions}[]}') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      await ensurePlan(db, planId);
      const all = await loadTargetHistories(db, planId);
      return c.json({ targets: [...all].map(([targetId, revisions]) => ({ targetId, revisions })) }, 200);
    },
  );
}

/** The 通报 settings. */
function bulletinSettingsRoutes(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/bulletin-settings',
      tags: ['reports'],
      summary: '通报设置：发文机关、期号起始、抄送、印发机关',
      request: { params: PlanIdParam },
      responses: { 200: Json(BulletinSettingsView, 'BulletinSettings + configured') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      await ensurePlan(db, planId);
      return c.json(await getBulletinSettings(db, planId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/plans/{planId}/bulletin-settings',
      tags: ['reports'],
      middleware: [admin] as const,
      summary: '修改通报设置（已关闭月份的通报不受影响：其发文信息在关闭时已固定）',
      request: { params: PlanIdParam, body: { content: { 'application/json': { schema: Settings } }, required: true } },
      responses: { 200: Json(Settings, 'Saved') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      await ensurePlan(db, planId);
      return c.json(await putBulletinSettings(db, planId, c.req.valid('json'), c.get('actor').name), 200);
    },
  );
}
