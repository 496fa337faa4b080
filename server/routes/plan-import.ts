// /plans/import: a document → a preview (stored, correctable) → confirm; and /plans/{planId}/edit, which
// opens the live plan as a preview confirmed by the re-import rules.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ImportPreview, NewImportPreview, SavedImportPreview } from '../../model/import-preview';
import { importWarnings } from '../../model/import-warnings';
import { Plan, walkNodes } from '../../model/plan';
import { PlanDiff } from '../../model/plan-diff';
import { requireRole, type AppEnv } from '../auth/middleware';
import { importWithText } from '../services/import';
import { parsePlan } from '../services/previews';
import { applyReimport, reimportDiff } from '../services/reimport';
import { ensurePlan, loadPlan, savePlan } from '../services/plans';
import { Json, PlanIdParam } from './params';
import { HttpProblem } from './problem';
import type { PlanRouteDeps } from './plans';

// A correction is checked by the handler (400 BAD_PLAN naming each field), not by the request validator:
// the document says it is a Plan, the schema lets any JSON through to that check.
const PlanInput = z
  .unknown()
  .openapi({ allOf: [{ $ref: '#/components/schemas/Plan' }], description: '更正后的计划（不符合格式时 400 BAD_PLAN，逐项指明字段）' } as never);
const PreviewParam = z.object({ previewId: z.string().max(100) });
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

export function planImportRoutes(deps: PlanRouteDeps, app: OpenAPIHono<AppEnv>): void {
  importRoute(deps, app);
  previewRoutes(deps, app);
  editRoute(deps, app);
  confirmRoute(deps, app);
}

/** POST /plans/import: a document becomes a preview. */
function importRoute(deps: PlanRouteDeps, app: OpenAPIHono<AppEnv>): void {
  const { db } = deps;

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
      responses: { 200: Json(NewImportPreview, 'Preview') },
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
}

/** Reading and correcting a preview. */
function previewRoutes(deps: PlanRouteDeps, app: OpenAPIHono<AppEnv>): void {
  const { db } = deps;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/import/{previewId}',
      tags: ['plans'],
      middleware: [requireRole('admin', 'viewer')] as const,
      summary: '读取导入预览（保存在数据库中：重启后仍在，其他服务进程也可确认）',
      request: { params: PreviewParam },
      responses: { 200: Json(ImportPreview, 'Preview') },
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
      request: { params: PreviewParam, body: { content: { 'application/json': { schema: z.object({ plan: PlanInput }) } }, required: true } },
      responses: { 200: Json(SavedImportPreview, 'Saved') },
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
}

/** Editing a stored plan through a new preview. */
function editRoute(deps: PlanRouteDeps, app: OpenAPIHono<AppEnv>): void {
  const { db } = deps;
  app.openapi(
    createRoute({
      method: 'post',
      path: '/plans/{planId}/edit',
      tags: ['plans'],
      middleware: [admin] as const,
      summary: '修改现行计划：以现行计划开一个预览（同导入预览一样更正），确认后按重新导入的规则生效（id 不变、有填报的归档、审计）',
      request: { params: PlanIdParam },
      responses: { 200: Json(NewImportPreview, 'Preview of the live plan') },
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
}

/** Confirming a preview: the plan is stored. */
function confirmRoute(deps: PlanRouteDeps, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/plans/import/{previewId}/confirm',
      tags: ['plans'],
      middleware: [admin] as const,
      summary: '确认导入',
      request: { params: PreviewParam },
      responses: { 200: Json(z.object({ planId: z.string(), diff: PlanDiff.optional() }), 'Stored (a re-import: with what changed)') },
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
}
