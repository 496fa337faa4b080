// Endpoints the office's console needs beyond the others (issue 9):
//   POST /plans/:planId/assignments/workbook   multipart file = a 分工 table (.xlsx: 序号/任务/牵头单位/配合单位)
//        All rows or none; each problem names its cell.
//   GET|PUT /plans/:planId/reporting-deadline  {day, source: setting|document|default}; PUT {day} moves open months
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { readAssignmentTable } from '../../model/assignment-table';
import { requireRole, type AppEnv } from '../auth/middleware';
import { listUnits } from '../auth/units';
import type { Db } from '../db/connect';
import { ensurePlan, loadPlan, putAssignments } from '../services/plans';
import { cellText } from '../workbook/cell-text';
import { loadWorkbook } from '../workbook/xlsx';
import { checkXlsx } from '../workbook/zipcheck';
import { Json, PlanIdParam } from './params';
import { reportingDeadline, setReportingDay } from '../services/plan-settings';
import { HttpProblem, Problem } from './problem';

export function consoleRoutes(db: Db): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  assignmentWorkbookRoute(db, app);
  reportingDeadlineRoutes(db, app);
  return app;
}

/** The 分工 table upload. */
function assignmentWorkbookRoute(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/plans/{planId}/assignments/workbook',
      tags: ['plans'],
      middleware: [requireRole('admin')] as const,
      summary: '上传分工表（.xlsx：序号、任务、牵头单位、配合单位；multipart 的 file 字段）：全部成功才保存，问题指明单元格',
      request: { params: PlanIdParam },
      responses: { 200: Json(z.object({ applied: z.number() }), 'Applied'), 400: Problem('Refused (nothing stored)') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      await ensurePlan(db, planId);
      if (!(c.req.header('content-type') ?? '').startsWith('multipart/form-data'))
        throw new HttpProblem(415, 'MULTIPART_REQUIRED', '请以 multipart/form-data 上传分工表（字段 file）');
      const form = await c.req.parseBody();
      const file = form.file instanceof File ? form.file : null;
      if (!file || file.size === 0) throw new HttpProblem(400, file ? 'EMPTY_FILE' : 'NO_FILE', file ? '上传的文件为空' : '请上传分工表（表单字段 file）');
      const bytes = Buffer.from(await file.arrayBuffer());
      if (bytes.subarray(0, 4).toString('latin1') === '%PDF') throw new HttpProblem(400, 'NOT_XLSX', '不支持 PDF：请上传 .xlsx 格式的分工表');
      let rows: string[][];
      try {
        await checkXlsx(bytes);
        const wb = await loadWorkbook(bytes);
        const ws = wb.worksheets[0];
        rows = [];
        ws?.eachRow(
          { includeEmpty: true },
          (row, n) => (rows[n - 1] = Array.from({ length: Math.max(row.cellCount, 4) }, (_, i) => cellText(row.getCell(i + 1)))),
        );
        for (let i = 0; i < rows.length; i++) rows[i] ??= [];
      } catch (err) {
        if (err instanceof HttpProblem) throw err;
        throw new HttpProblem(400, 'NOT_XLSX', `无法读取该分工表，请上传 .xlsx 文件（${(err as Error).message.slice(0, 80)}）`);
      }
      const plan = await loadPlan(db, planId);
      const r = readAssignmentTable(
        rows,
        plan.nodes,
        (await listUnits(db)).map((u) => u.name),
      );
      if (!r.ok)
        throw new HttpProblem(
          400,
          'BAD_TABLE',
          `分工表有 ${r.errors.length} 处问题，未做修改：${r.errors
            .slice(0, 3)
            .map((e) => `${e.cell} ${e.message}`)
            .join('；')}`,
          r.errors.map((e) => ({ cell: e.cell, code: e.code, message: e.message })),
        );
      await putAssignments(db, planId, r.assignments, c.get('actor').name);
      return c.json({ applied: r.assignments.length }, 200);
    },
  );
}

const Deadline = z.object({ day: z.number().int(), source: z.enum(['setting', 'document', 'default']) }).openapi('ReportingDeadline');
/** The monthly reporting deadline day. */
function reportingDeadlineRoutes(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/reporting-deadline',
      tags: ['periods'],
      summary: '每月报送截止日：文档中的“每月N日前”，否则为设置值，否则28日',
      request: { params: PlanIdParam },
      responses: { 200: Json(Deadline, 'Deadline day') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      await ensurePlan(db, planId);
      return c.json(await reportingDeadline(db, planId), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'put',
      path: '/plans/{planId}/reporting-deadline',
      tags: ['periods'],
      middleware: [requireRole('admin')] as const,
      summary: '设置每月报送截止日（1–31；超过月末按月末）：未关闭月份的截止日随之调整，已关闭月份不变（审计）',
      request: {
        params: PlanIdParam,
        body: { content: { 'application/json': { schema: z.object({ day: z.number().int().min(1).max(31) }) } }, required: true },
      },
      responses: { 200: Json(Deadline.extend({ moved: z.array(z.string()) }), 'Saved') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      await ensurePlan(db, planId);
      return c.json(await setReportingDay(db, planId, c.req.valid('json').day, c.get('actor').name), 200);
    },
  );
}
