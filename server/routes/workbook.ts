// Workbooks (issue 5): the monthly 重点任务清单 as .xlsx, its upload, and the office's targets workbook.
//
//   GET  /plans/:planId/periods/:period/workbook.xlsx[?unit=NAME][&template=1]   streamed .xlsx
//   POST /plans/:planId/periods/:period/workbook        body: multipart (field "file") or the raw .xlsx
//        200 → WorkbookUploadResponse (model/submission.ts): per-row results of the push protocol + `annotated` (base64 .xlsx with
//              rejected/conflicting cells marked). 4xx problem (nothing stored) for a file that is not
//              a 清单, hostile, or has formulas/merged cells in input columns; its `errors` name the
//              cells, and `annotated` (base64) is included when the problem is in cells.
//   GET  /plans/:planId/targets/workbook.xlsx                                    (admin)
//   POST /plans/:planId/targets/workbook?preview=1   → {batchId, changes: [{targetId, field, old, new}]}
//   POST /plans/:planId/targets/workbook?confirm=ID  → the same file again: applied only if its changes
//        are exactly the previewed ones (ID) and no target changed since; all or nothing; audited.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { WorkbookUploadResponse } from '../../model/submission';
import { TargetsWorkbookApplied, TargetsWorkbookPreview } from '../../model/target-edits';
import { Readable, type Writable } from 'node:stream';
import { requireRole, type AppEnv } from '../auth/middleware';
import type { Db } from '../db/connect';
import { loadPlan } from '../services/plans';
import { workbookMonth } from '../services/month-view';
import { readableUnit } from '../services/visibility';
import { annotatedName } from '../workbook/annotate';
import { WorkbookError } from '../workbook/errors';
import { writeWorkbook } from '../workbook/export';
import { applyTargetsWorkbook, previewTargetsWorkbook, writeTargetsWorkbook } from '../workbook/targets-workbook';
import { uploadWorkbook } from '../services/workbook-upload';
import { previousCumulatives } from '../services/previous';
import { pagedMonth } from '../services/workbook-pages';
import { Coalesce } from './coalesce';
import { HttpProblem, Problem, problem } from './problem';
import { Json, PeriodParams, PlanIdParam } from './params';

/** Plans with more nodes write their strings inline: exceljs keeps the shared-strings table in memory. */
export const INLINE_STRINGS_ABOVE = 10_000;

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const Binary = (description: string) => ({ content: { [XLSX]: { schema: z.string().openapi({ format: 'binary' }) } }, description });

function attachment(name: string): string {
  return `attachment; filename="qingdan.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The upload's bytes: a multipart form's first file (field "file" preferred) or the raw body. */
async function uploadedBytes(c: Context<AppEnv>): Promise<{ bytes: Buffer; name: string }> {
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await c.req.parseBody();
    const file = (form.file instanceof File ? form.file : Object.values(form).find((v): v is File => v instanceof File)) ?? null;
    if (!file) throw new WorkbookError('NO_FILE', '表单中没有文件（字段名 file）', 400);
    return { bytes: Buffer.from(await file.arrayBuffer()), name: file.name || 'upload.xlsx' };
  }
  const bytes = Buffer.from(await c.req.arrayBuffer());
  if (bytes.length === 0) throw new WorkbookError('NO_FILE', '请求体为空：请上传 .xlsx 文件', 400);
  return { bytes, name: c.req.query('name') ?? 'upload.xlsx' };
}

/** Remembers the uploaded file's name on a WorkbookError, for the annotated copy's name. */
const named =
  (name: string) =>
  (err: unknown): never => {
    if (err instanceof WorkbookError) err.filename = name;
    throw err;
  };

/** A WorkbookError's problem: its cells, and the annotated copy when it has one (server/app.ts onError). */
export function workbookProblem(c: Context, err: WorkbookError, name = err.filename): Response {
  const errors = err.errors.map(({ cell, sheet, row, field, code, message }) => ({ cell, sheet, row, field, code, message }));
  const annotated = err.annotated && { filename: annotatedName(name), contentType: XLSX, base64: err.annotated.toString('base64') };
  return problem(c, err.status, err.code, err.message, errors, annotated ? { annotated } : undefined);
}

function streamed(c: Context, filename: string, write: (out: Writable) => Promise<void>, log: (s: string) => void): Response {
  // The zip's hundreds of tiny header chunks go out as a few pieces (server/routes/coalesce.ts).
  const out = new Coalesce();
  // Errors after the first byte cannot change the status: destroy the stream so the client sees a cut
  // download (never a valid-looking partial file), and log why.
  write(out).catch((err) => {
    log(`workbook export failed: ${(err as Error).stack ?? err}`);
    out.destroy(err as Error);
  });
  return c.body(Readable.toWeb(out) as ReadableStream, 200, { 'content-type': XLSX, 'content-disposition': attachment(filename), 'cache-control': 'no-store' });
}

export function workbookRoutes(deps: { db: Db; log?: (line: string) => void }): OpenAPIHono<AppEnv> {
  const { db } = deps;
  const log = deps.log ?? ((s: string) => console.error(s));
  const app = new OpenAPIHono<AppEnv>();
  monthWorkbookRoutes(db, log, app);
  targetsWorkbookRoutes(db, log, app);
  return app;
}

/** One month's workbook: download and upload. */
function monthWorkbookRoutes(db: Db, log: (line: string) => void, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/periods/{period}/workbook.xlsx',
      tags: ['workbook'],
      summary: '导出月度重点任务清单（.xlsx；?unit= 某单位；?template=1 空白模板）',
      request: {
        params: PeriodParams,
        query: z.object({ unit: z.string().max(100).optional(), template: z.enum(['0', '1']).optional(), version: z.coerce.number().int().min(1).optional() }),
      },
      responses: { 200: Binary('The workbook'), 404: Problem('No such plan') },
    }),
    async (c) => {
      const { planId, period } = c.req.valid('param');
      const q = c.req.valid('query');
      const unit = await readableUnit(db, c.get('actor'), planId, q.unit);
      const template = q.template === '1';
      // A live month: rows read from the database page by page as the sheet is written (issue 13); null
      // when the month is closed (read with the plan's row).
      const paged = q.version === undefined ? await pagedMonth(db, planId, period, { unit }) : null;
      if (paged) {
        const name = `${paged.plan.title}-重点任务清单-${period}${unit ? `-${unit}` : ''}${template ? '-模板' : ''}.xlsx`;
        const inlineStrings = paged.nodes > INLINE_STRINGS_ABOVE;
        return streamed(c, name, (out) => writeWorkbook(out, { plan: paged.plan, period, pages: paged.pages, unit, template, inlineStrings }), log);
      }
      const month = await workbookMonth(db, planId, period, unit, q.version);
      if (!month) throw new HttpProblem(404, 'UNKNOWN_SNAPSHOT', `该月份没有第${q.version}版关账记录`);
      const { plan, rows, lastYear } = month;
      const name = `${plan.title}-重点任务清单-${period}${unit ? `-${unit}` : ''}${template ? '-模板' : ''}.xlsx`;
      const previous = template ? undefined : await previousCumulatives(db, planId, period);
      return streamed(c, name, (out) => writeWorkbook(out, { plan, period, rows, unit, template, lastYear, previous }), log);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/plans/{planId}/periods/{period}/workbook',
      tags: ['workbook'],
      middleware: [requireRole('admin', 'reporter')] as const,
      summary: '上传填好的清单（multipart 字段 file，或请求体即 .xlsx）：逐行结果 + 批注副本（base64）',
      request: { params: PeriodParams },
      responses: {
        200: Json(WorkbookUploadResponse, 'Per-row results'),
        409: Problem('Another plan or month'),
        413: Problem('Too large / zip bomb / too many rows'),
        415: Problem('Not an .xlsx'),
        422: Problem('Not a 清单, or bad cells (nothing stored)'),
      },
    }),
    async (c) => {
      const { planId, period } = c.req.valid('param');
      const { bytes, name } = await uploadedBytes(c);
      const { annotated, ...rest } = await uploadWorkbook(db, c.get('actor'), planId, period, bytes).catch(named(name));
      return c.json({ ...rest, annotated: { filename: annotatedName(name), contentType: XLSX, base64: annotated.toString('base64') } }, 200);
    },
  );
}

/** The targets workbook: download and upload. */
function targetsWorkbookRoutes(db: Db, log: (line: string) => void, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/targets/workbook.xlsx',
      tags: ['workbook'],
      middleware: [requireRole('admin')] as const,
      summary: '导出指标表（管理员修改目标值后上传）',
      request: { params: PlanIdParam },
      responses: { 200: Binary('The targets workbook') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      const plan = await loadPlan(db, planId);
      return streamed(c, `${plan.title}-指标表.xlsx`, (out) => writeTargetsWorkbook(db, out, plan), log);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/plans/{planId}/targets/workbook',
      tags: ['workbook'],
      middleware: [requireRole('admin')] as const,
      summary: '上传指标表：?preview=1 预览每处修改（旧值→新值）；?confirm=batchId 原文件再次上传，整体生效并审计',
      request: { params: PlanIdParam, query: z.object({ preview: z.enum(['1']).optional(), confirm: z.string().min(8).max(100).optional() }) },
      responses: {
        200: Json(z.union([TargetsWorkbookPreview, TargetsWorkbookApplied]), 'Preview (?preview=1) or applied results (?confirm=)'),
        409: Problem('Changed since preview'),
        422: Problem('Bad workbook'),
      },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      const q = c.req.valid('query');
      const { bytes, name } = await uploadedBytes(c);
      if (q.confirm) return c.json(await applyTargetsWorkbook(db, c.get('actor'), planId, bytes, q.confirm).catch(named(name)), 200);
      return c.json(await previewTargetsWorkbook(db, planId, bytes).catch(named(name)), 200);
    },
  );
}
