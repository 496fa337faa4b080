// /plans: list, get (with assignments), soft delete and restore, and the tasks' 牵头/配合单位.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { PlanDoc } from '../../model/plan';
import { PlanSummary } from '../../model/sync';
import { taskIndex } from '../../model/task-number';
import { requireRole, type AppEnv } from '../auth/middleware';
import type { Db } from '../db/connect';
import { ensurePlan, loadAssignments, loadPlan, listPlans, putAssignments, restorePlan, softDeletePlan } from '../services/plans';
import { Json, PlanIdParam } from './params';
import { HttpProblem } from './problem';

const Ok = z.object({ ok: z.literal(true) }).openapi('Ok');
const Assignments = z.object({
  assignments: z
    .array(
      z
        .object({
          taskId: z.string().min(1).optional(),
          task: z.string().trim().min(1).max(50).optional().openapi({ description: '任务序号（文档中的编号，如 "3"、"二.3"），可代替 taskId' }),
          lead: z.array(z.string().trim().min(1)).default([]),
          co: z.array(z.string().trim().min(1)).default([]),
        })
        .refine((a) => !!a.taskId !== !!a.task, { message: '请给出 taskId 或 task（任务序号）其中之一' }),
    )
    .max(20_000),
});
const admin = requireRole('admin');

export function planCrudRoutes(db: Db, app: OpenAPIHono<AppEnv>): void {
  planReadDeleteRoutes(db, app);
  restoreRoute(db, app);
  assignmentRoute(db, app);
}

/** The plans, one plan, deleting one. */
function planReadDeleteRoutes(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({ method: 'get', path: '/plans', tags: ['plans'], summary: '计划列表', responses: { 200: Json(z.array(PlanSummary), 'Plans') } }),
    async (c) => c.json(await listPlans(db), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}',
      tags: ['plans'],
      summary: '计划详情（任务树、指标、牵头配合单位）',
      request: { params: PlanIdParam },
      responses: { 200: Json(PlanDoc, 'Plan') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      const plan = await loadPlan(db, planId);
      return c.json({ ...plan, assignments: Object.fromEntries(await loadAssignments(db, planId)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/plans/{planId}',
      tags: ['plans'],
      middleware: [admin] as const,
      summary: '删除计划（软删除，可恢复）；已有填报的计划须在 confirmTitle 中填写计划标题',
      request: {
        params: PlanIdParam,
        body: { content: { 'application/json': { schema: z.object({ confirmTitle: z.string().max(500).optional() }) } }, required: false },
      },
      responses: { 200: Json(Ok, 'Deleted') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      const body = (c.req.valid('json') as { confirmTitle?: string } | undefined) ?? {};
      const r = await softDeletePlan(db, planId, c.get('actor').name, body.confirmTitle);
      if (!r.ok && r.reason === 'not_found') throw new HttpProblem(404, 'NOT_FOUND', `找不到计划：${planId}`);
      if (!r.ok && r.reason === 'confirm_title') {
        const message = `该计划已有 ${r.reports} 条填报：删除前请在 confirmTitle 中填写计划标题《${r.title}》`;
        throw new HttpProblem(400, 'CONFIRM_TITLE', message, [{ field: 'confirmTitle', code: 'CONFIRM_TITLE', message }]);
      }
      return c.json({ ok: true as const }, 200);
    },
  );
}

/** Restoring a deleted plan. */
function restoreRoute(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/plans/{planId}/restore',
      tags: ['plans'],
      middleware: [admin] as const,
      summary: '恢复已删除的计划（审计）',
      request: { params: PlanIdParam },
      responses: { 200: Json(Ok, 'Restored') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      if (!(await restorePlan(db, planId, c.get('actor').name))) throw new HttpProblem(404, 'NOT_DELETED', `没有已删除的计划：${planId}`);
      return c.json({ ok: true as const }, 200);
    },
  );
}

/** The 牵头/配合 units of the plan's tasks. */
function assignmentRoute(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'put',
      path: '/plans/{planId}/assignments',
      tags: ['plans'],
      middleware: [admin] as const,
      summary: '批量设置牵头/配合单位',
      request: { params: PlanIdParam, body: { content: { 'application/json': { schema: Assignments } }, required: true } },
      responses: { 200: Json(Ok, 'Saved') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      await ensurePlan(db, planId); // 404 for an unknown plan
      const rows = c.req.valid('json').assignments;
      const find = rows.some((a) => a.task) ? taskIndex((await loadPlan(db, planId)).nodes) : null;
      const input = rows.map((a, i) => {
        if (a.taskId) return { taskId: a.taskId, lead: a.lead, co: a.co };
        const hit = find!(a.task!);
        if (!hit.ok)
          throw new HttpProblem(400, hit.code, `第${i + 1}行：${hit.message}，未做修改`, [
            { field: `assignments.${i}.task`, code: hit.code, message: hit.message },
          ]);
        return { taskId: hit.id, lead: a.lead, co: a.co };
      });
      await putAssignments(db, planId, input, c.get('actor').name);
      return c.json({ ok: true as const }, 200);
    },
  );
}
