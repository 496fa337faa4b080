// /plans: list, get (with assignments), import → preview → confirm, soft delete, assignments, periods, rows.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { Plan, walkNodes } from '../../model/plan';
import { requireRole, type AppEnv } from '../auth/middleware';
import { importWithText, type Importer } from '../services/import';
import { parsePlan, type PreviewStore } from '../services/previews';
import { applyReimport, reimportDiff } from '../services/reimport';
import { importWarnings } from '../../model/import-warnings';
import { taskIndex } from '../../model/task-number';
import { listPeriods, setPeriodStatus } from '../services/periods';
import { ensurePlan, loadAssignments, loadPlan, listPlans, putAssignments, restorePlan, savePlan, softDeletePlan } from '../services/plans';
import { cursorNow } from '../services/pull';
import { loadRows } from '../services/rows';
import { readableUnit, setUnitsSeeEachOther, unitsSeeEachOther } from '../services/visibility';
import type { Db } from '../db/connect';
import { Json, PeriodParams, PlanIdParam } from './params';
import { HttpProblem } from './problem';

const Ok = z.object({ ok: z.literal(true) });
export const PlanSummary = z
  .object({
    id: z.string(),
    title: z.string(),
    year: z.number().nullable(),
    script: z.string(),
    source: z.string(),
    taskCount: z.number(),
    targetCount: z.number(),
  })
  .openapi('PlanSummary');
const PlanDoc = z.any().openapi({
  description:
    'The Plan (model/plan.ts: id, title, year, script, source, nodes tree with targets, deadlines, units) plus `assignments`: {[taskId]: {lead: string[], co: string[]}}',
});
const PeriodSchema = z.object({ planId: z.string(), period: z.string(), deadline: z.string(), status: z.enum(['open', 'closed']) }).openapi('Period');
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

/** The first node or target id used twice in a plan, or null (the console's edits must keep ids unique). */
function duplicateIds(plan: Plan): string | null {
  const seen = new Set<string>();
  for (const { node } of walkNodes(plan.nodes))
    for (const id of [node.id, ...node.targets.map((t) => t.id)]) {
      if (seen.has(id)) return id;
      seen.add(id);
    }
  return null;
}

export interface PlanRouteDeps {
  db: Db;
  previews: PreviewStore;
  importer: () => Promise<Importer>;
}

export function planRoutes(deps: PlanRouteDeps, app: OpenAPIHono<AppEnv>): void {
  const { db } = deps;

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
      method: 'post',
      path: '/plans/import',
      tags: ['plans'],
      middleware: [admin] as const,
      summary: '导入文档（.txt/.docx）→ 预览。multipart 的 file 字段，或原始请求体加 ?name=文件名',
      request: {
        query: z.object({
          name: z.string().max(200).optional(),
          replaces: z
            .string()
            .max(200)
            .optional()
            .openapi({ description: '重新导入：修订后的文档替换这个已有计划（预览中给出与现行计划的差异；确认后 id 不变，已有填报的任务归档而不删除）' }),
        }),
      },
      responses: { 200: Json(z.object({ previewId: z.string(), plan: PlanDoc }), 'Preview') },
    }),
    async (c) => {
      let bytes: Uint8Array;
      let name = c.req.valid('query').name;
      const replaces = c.req.valid('query').replaces ?? null;
      if (replaces) await ensurePlan(db, replaces);
      if ((c.req.header('content-type') ?? '').startsWith('multipart/form-data')) {
        const form = await c.req.parseBody();
        const file = form.file;
        if (!(file instanceof File)) throw new HttpProblem(400, 'NO_FILE', '请上传文件（表单字段 file）');
        bytes = new Uint8Array(await file.arrayBuffer());
        name ??= file.name;
      } else {
        bytes = new Uint8Array(await c.req.arrayBuffer());
      }
      if (!name) throw new HttpProblem(400, 'NO_NAME', '请提供文件名（?name=xxx.docx），用于识别格式');
      if (bytes.length === 0) throw new HttpProblem(400, 'EMPTY_FILE', '上传的文件为空');
      const { plan, text } = await importWithText(await deps.importer(), bytes, name);
      const previewId = await deps.previews.put(plan, text, name, c.get('actor').name, replaces);
      const diff = replaces ? await reimportDiff(db, replaces, plan) : null;
      return c.json({ previewId, name, plan, sourceText: text, warnings: importWarnings(plan), replacesPlanId: replaces, diff }, 200);
    },
  );

  const PreviewParam = z.object({ previewId: z.string().max(100) });
  const PreviewDoc = z
    .object({
      previewId: z.string(),
      name: z.string(),
      plan: PlanDoc,
      sourceText: z.string(),
      warnings: z.array(z.any()),
      replacesPlanId: z.string().nullable(),
      diff: z.any(),
      createdBy: z.string(),
      updatedAt: z.string(),
    })
    .openapi('ImportPreview');
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/import/{previewId}',
      tags: ['plans'],
      middleware: [requireRole('admin', 'viewer')] as const,
      summary: '读取导入预览（保存在数据库中：重启后仍在，其他服务进程也可确认）',
      request: { params: PreviewParam },
      responses: { 200: Json(PreviewDoc, 'Preview') },
    }),
    async (c) => {
      const p = await deps.previews.get(c.req.valid('param').previewId);
      if (!p) throw new HttpProblem(404, 'PREVIEW_NOT_FOUND', '预览不存在或已过期，请重新上传');
      const diff = p.replacesPlanId ? await reimportDiff(db, p.replacesPlanId, p.plan) : null;
      return c.json(
        {
          previewId: p.id,
          name: p.name,
          plan: p.plan,
          sourceText: p.sourceText,
          warnings: importWarnings(p.plan),
          replacesPlanId: p.replacesPlanId,
          diff,
          createdBy: p.createdBy,
          updatedAt: p.updatedAt,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/plans/import/{previewId}',
      tags: ['plans'],
      middleware: [admin] as const,
      summary: '保存对预览的更正（整个计划：标题、节点、指标、期限、单位）；不符合计划格式时 400，不保存',
      request: { params: PreviewParam, body: { content: { 'application/json': { schema: z.object({ plan: PlanDoc }) } }, required: true } },
      responses: { 200: Json(z.object({ previewId: z.string(), plan: PlanDoc, warnings: z.array(z.any()) }), 'Saved') },
    }),
    async (c) => {
      const { previewId } = c.req.valid('param');
      const parsed = parsePlan((c.req.valid('json') as { plan: unknown }).plan);
      if (!parsed.ok)
        throw new HttpProblem(
          400,
          'BAD_PLAN',
          '更正后的计划不符合格式，未保存',
          parsed.issues.map((i) => ({ field: i.field, code: 'BAD_PLAN', message: i.message })),
        );
      const dup = duplicateIds(parsed.plan);
      if (dup) throw new HttpProblem(400, 'DUPLICATE_ID', `编号重复：${dup}，未保存`, [{ field: 'plan', code: 'DUPLICATE_ID', message: `编号重复：${dup}` }]);
      if (!(await deps.previews.update(previewId, parsed.plan))) throw new HttpProblem(404, 'PREVIEW_NOT_FOUND', '预览不存在或已过期，请重新上传');
      return c.json({ previewId, plan: parsed.plan, warnings: importWarnings(parsed.plan) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/plans/{planId}/edit',
      tags: ['plans'],
      middleware: [admin] as const,
      summary: '修改现行计划：以现行计划开一个预览（同导入预览一样更正），确认后按重新导入的规则生效（id 不变、有填报的归档、审计）',
      request: { params: PlanIdParam },
      responses: { 200: Json(z.object({ previewId: z.string(), plan: PlanDoc }), 'Preview of the live plan') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      const plan = await loadPlan(db, planId);
      // The source pane shows the stored node texts; the spans point into the original document, so the
      // console highlights a target only where the text at its span is its quote.
      const text = [...walkNodes(plan.nodes)]
        .map(({ node }) => node.text)
        .filter(Boolean)
        .join('\n');
      const bare = plan;
      const previewId = await deps.previews.put(bare, text, `${plan.title}（修改）`, c.get('actor').name, planId);
      return c.json(
        {
          previewId,
          name: `${plan.title}（修改）`,
          plan: bare,
          sourceText: text,
          warnings: importWarnings(bare),
          replacesPlanId: planId,
          diff: await reimportDiff(db, planId, bare),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/plans/import/{previewId}/confirm',
      tags: ['plans'],
      middleware: [admin] as const,
      summary: '确认导入',
      request: { params: PreviewParam },
      responses: { 200: Json(z.object({ planId: z.string(), diff: z.any().optional() }), 'Stored (a re-import: with what changed)') },
    }),
    async (c) => {
      const actor = c.get('actor').name;
      const done = await deps.previews.take(c.req.valid('param').previewId, async (tx, plan, replaces) => {
        const parsed = Plan.safeParse(plan);
        if (!parsed.success) throw new HttpProblem(400, 'BAD_PLAN', '导入结果不符合计划格式');
        if (replaces) return { planId: replaces, diff: await applyReimport(tx, replaces, parsed.data, actor) };
        return { planId: await savePlan(tx, parsed.data, actor) };
      });
      if (!done) throw new HttpProblem(404, 'PREVIEW_NOT_FOUND', '预览不存在或已过期，请重新上传');
      return c.json(done, 200);
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
            rows: z.array(z.any()),
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
