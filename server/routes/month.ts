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
import { uploadWorkbook } from '../services/workbook-upload';
import { WorkbookError } from '../workbook/errors';
import { annotatedName } from '../workbook/annotate';
import { Problem, problem } from './problem';
import { contactErrors, MonthSubmissions, ReturnResult, SubmitResult, WorkbookSubmitResult } from '../../model/submission';
import { MonthSettings, ReminderLog, RemindResult, WebhookList, WebhookSet } from '../../model/reminders';
import { LedgerCloseResult, LedgerCounts, LedgerItemView, LedgerReopenResult } from '../../model/ledger';
import { Json, PeriodParam, PeriodParams, PlanIdParam } from './params';
import { closeLedgerItem, evidenceFile, ledgerCountsFor, listLedger, reopenLedgerItem, type Evidence, type LedgerFilter } from '../services/ledger';
import { ledgerWorkbook } from '../workbook/ledger-workbook';
import { listWebhooks, reminderLog, remindNow, setWebhook, type ReminderOptions } from '../services/reminders';
import { loadPlan } from '../services/plans';
import { HttpProblem } from './problem';
import type { Context } from 'hono';
import type { Actor } from '../auth/tokens';

const UnitParams = PeriodParams.extend({
  unit: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'unit', in: 'path' } }),
});

/**
 * These routes parsed their parameters in the handler, so a bad one reached the app's onError (ZodError →
 * 400 '请求内容不符合要求'); the hook rethrows the validator's error to keep that answer exactly.
 */
const asBefore = (result: { success: boolean; error?: unknown }): undefined => {
  if (!result.success) throw result.error;
  return undefined;
};

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
  submissionRoutes(db, now, app);
  workbookSubmitRoute(db, now, app);
  monthSettingsRoutes(db, app);
  return app;
}

/** The units' submissions: the list, submitting, returning one. */
function submissionRoutes(db: Db, now: () => Date, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/periods/{period}/submissions',
      tags: ['month'],
      summary: '各单位本月报送状态（未填报/填报中/已报送/逾期报送）、截止日与倒计时',
      request: { params: PeriodParams },
      responses: { 200: Json(MonthSubmissions, 'Status per unit'), 404: Problem('No such plan or month') },
    }),
    async (c) => {
      const { planId, period } = c.req.valid('param');
      await ensurePlan(db, planId);
      return c.json(await listSubmissions(db, planId, period, { now: now() }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/plans/{planId}/periods/{period}/submit',
      tags: ['month'],
      middleware: [requireRole('admin', 'reporter')] as const,
      summary: '报送本单位本月填报（须填报人、联系电话、审核人；有不合格行时拒绝，不保存）',
      request: { params: PeriodParams },
      responses: {
        200: Json(SubmitResult, 'Submitted (or the standing submission: replayed)'),
        400: Problem('Missing fields'),
        422: Problem('Rows invalid (errors name them)'),
      },
    }),
    async (c) => {
      const { planId, period } = c.req.valid('param');
      await ensurePlan(db, planId);
      const b = await body(c);
      return c.json(await submitMonth(db, c.get('actor'), planId, period, { ...b, unit: typeof b.unit === 'string' ? b.unit : undefined }, now()), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/plans/{planId}/periods/{period}/submissions/{unit}/return',
      tags: ['month'],
      middleware: [requireRole('admin')] as const,
      summary: '退回某单位本月报送：{"reason":"…"}（必填）',
      request: { params: UnitParams },
      responses: { 200: Json(ReturnResult, 'Returned'), 400: Problem('No reason'), 409: Problem('Nothing submitted to return') },
    }),
    async (c) => {
      const { planId, period, unit } = c.req.valid('param');
      await ensurePlan(db, planId);
      const b = await body(c);
      return c.json(await returnSubmission(db, c.get('actor'), planId, period, unit, b.reason, now()), 200);
    },
    asBefore,
  );
}

/** POST …/workbook/submit: the workbook upload that also submits. */
function workbookSubmitRoute(db: Db, now: () => Date, app: OpenAPIHono<AppEnv>): void {
  // The workbook upload that also submits: multipart {file, reporter, phone, reviewer}. The rows are
  // applied as by POST …/workbook; the submission follows only when no row was rejected or in conflict
  // (else `submission` is null with the reason), and is itself refused like POST …/submit.
  app.openapi(
    createRoute({
      method: 'post',
      path: '/plans/{planId}/periods/{period}/workbook/submit',
      tags: ['month'],
      middleware: [requireRole('admin', 'reporter')] as const,
      summary: '上传填报表并报送（multipart：file、reporter、phone、reviewer[、unit]）；有未保存的行则只上传、不报送',
      request: { params: PeriodParams },
      responses: {
        200: Json(WorkbookSubmitResult, 'The upload, and the submission or why not'),
        400: Problem('No file or missing contact fields'),
        409: Problem('Another plan or month'),
        413: Problem('Too large'),
        415: Problem('Not multipart / not an .xlsx'),
        422: Problem('Not a 清单, or bad cells (nothing stored)'),
      },
    }),
    async (c) => {
      const { planId, period } = c.req.valid('param');
      await ensurePlan(db, planId);
      if (!(c.req.header('content-type') ?? '').startsWith('multipart/form-data'))
        throw new HttpProblem(415, 'MULTIPART_REQUIRED', '请以 multipart/form-data 上传（字段 file、reporter、phone、reviewer）');
      const form = await c.req.parseBody();
      const file = form.file instanceof File ? form.file : null;
      if (!file) throw new HttpProblem(400, 'NO_FILE', '表单中没有文件（字段名 file）', [{ field: 'file', code: 'REQUIRED', message: '请上传 .xlsx 文件' }]);
      const text = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : undefined);
      const contact = { reporter: text('reporter'), phone: text('phone'), reviewer: text('reviewer') };
      const missing = contactErrors(contact);
      if (missing.length) throw new HttpProblem(400, 'VALIDATION_FAILED', '请填写填报人、联系电话和审核人（未上传、未报送）', missing);
      let upload;
      try {
        upload = await uploadWorkbook(db, c.get('actor'), planId, period, Buffer.from(await file.arrayBuffer()));
      } catch (err) {
        if (!(err instanceof WorkbookError)) throw err;
        return problem(
          c,
          err.status,
          err.code,
          err.message,
          err.errors.map(({ cell, field, code, message }) => ({ cell, field, code, message })),
        ) as never;
      }
      const { annotated, ...rest } = upload;
      const body = { upload: { ...rest, annotated: { filename: annotatedName(file.name || 'upload.xlsx'), base64: annotated.toString('base64') } } };
      if (rest.rejected || rest.conflicts)
        return c.json({ ...body, submission: null, notSubmitted: `有${rest.rejected + rest.conflicts}行未能保存，未报送` }, 200);
      try {
        return c.json({ ...body, submission: await submitMonth(db, c.get('actor'), planId, period, { ...contact, unit: text('unit') }, now()) }, 200);
      } catch (err) {
        // The rows are stored; the submission is refused (e.g. ROWS_INVALID): say why, with the rows.
        if (!(err instanceof HttpProblem)) throw err;
        return c.json({ ...body, submission: null, notSubmitted: err.message, errors: err.errors ?? [] }, 200);
      }
    },
    asBefore,
  );
}

/** The plan's month settings. */
function monthSettingsRoutes(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/month-settings',
      tags: ['month'],
      summary: '序时进度红黄灯阈值与催报规则',
      request: { params: PlanIdParam },
      responses: { 200: Json(MonthSettings, 'The settings (defaults until saved)'), 404: Problem('No such plan') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      await ensurePlan(db, planId);
      return c.json(await loadMonthSettings(db, planId), 200);
    },
    asBefore,
  );
  // The body is parsed here, not by the validator: its errors keep the app's message.
  app.openapi(
    createRoute({
      method: 'put',
      path: '/plans/{planId}/month-settings',
      tags: ['month'],
      middleware: [requireRole('admin')] as const,
      summary: '保存红黄灯阈值与催报规则：{lights?:{yellow,red}, rules?:[…]}',
      request: { params: PlanIdParam },
      responses: { 200: Json(MonthSettings, 'Saved'), 400: Problem('Bad thresholds or rules'), 404: Problem('No such plan') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      const input = MonthSettingsInput.parse(await body(c));
      return c.json(await saveMonthSettings(db, planId, input, c.get('actor').name), 200);
    },
    asBefore,
  );
}

// --- 问题台账 ---
//   GET  /plans/:planId/ledger[?status=open|closed][&unit=][&period=YYYY-MM]
//   GET  /plans/:planId/ledger.xlsx (same filters)                 问题清单台账 workbook
//   GET  /plans/:planId/ledger/counts?period=YYYY-MM               {new, closed, open, overdue}
//   POST /plans/:planId/ledger/:itemId/close    JSON {"note"} or multipart (note, evidence file)
//   POST /plans/:planId/ledger/:itemId/refuse | /reopen   {"reason"}  (admin)
//   GET  /plans/:planId/ledger/:itemId/evidence/:evidenceId        the stored file

const LedgerQuery = z.object({
  status: z.enum(['open', 'closed']).optional(),
  unit: z.string().max(100).optional(),
  period: PeriodParam.optional(),
});

const ItemParams = PlanIdParam.extend({
  itemId: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'itemId', in: 'path' } }),
});
const EvidenceParams = ItemParams.extend({
  evidenceId: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'evidenceId', in: 'path' } }),
});
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** A binary answer, as the bulletin .docx route declares it. */
const Binary = (type: string, description: string) => ({ content: { [type]: { schema: z.string().openapi({ format: 'binary' }) } }, description });

/** A reporter sees its own unit's items; the office and viewers see all. */
function scoped(actor: Actor, f: LedgerFilter): LedgerFilter {
  return actor.role === 'reporter' ? { ...f, unit: actor.unit?.name ?? '\u0000' } : f;
}

async function closeInput(c: Context<AppEnv>): Promise<{ note?: unknown; evidence: Evidence | null }> {
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await c.req.parseBody();
    const file = form.evidence instanceof File ? form.evidence : null;
    return { note: form.note, evidence: file ? { name: file.name || 'evidence', type: file.type, bytes: Buffer.from(await file.arrayBuffer()) } : null };
  }
  const b = await body(c);
  return { note: b.note, evidence: null };
}

export function ledgerRoutes(deps: { db: Db; now?: () => Date }): OpenAPIHono<AppEnv> {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const app = new OpenAPIHono<AppEnv>();
  ledgerListRoutes(db, now, app);
  ledgerItemRoutes(db, now, app);
  return app;
}

/** The ledger as JSON and as a workbook, and one month's counts. */
function ledgerListRoutes(db: Db, now: () => Date, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/ledger',
      tags: ['ledger'],
      summary: '问题台账（由各月“存在问题”生成；未销号的逐月结转）',
      request: { params: PlanIdParam, query: LedgerQuery },
      responses: { 200: Json(z.object({ items: z.array(LedgerItemView) }), 'Ledger items') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      await ensurePlan(db, planId);
      return c.json({ items: await listLedger(db, planId, scoped(c.get('actor'), c.req.valid('query')), now()) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/ledger.xlsx',
      tags: ['ledger'],
      summary: '问题清单台账（.xlsx，筛选同 GET …/ledger）',
      request: { params: PlanIdParam, query: LedgerQuery },
      responses: { 200: Binary(XLSX, 'The ledger workbook'), 404: Problem('No such plan') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      const q = c.req.valid('query');
      const plan = await loadPlan(db, planId);
      const buf = await ledgerWorkbook(plan.title, await listLedger(db, planId, scoped(c.get('actor'), q), now()));
      const name = `${plan.title}-问题清单台账${q.period ? `-${q.period}` : ''}.xlsx`;
      return c.body(new Uint8Array(buf), 200, {
        'content-type': XLSX,
        'content-disposition': `attachment; filename="ledger.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
        'cache-control': 'no-store',
      });
    },
    asBefore,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/ledger/counts',
      tags: ['ledger'],
      summary: '某月问题数：新增、销号、未销号（结转）、逾期',
      request: { params: PlanIdParam, query: z.object({ period: PeriodParam }) },
      responses: { 200: Json(LedgerCounts, 'Counts for the month') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      await ensurePlan(db, planId);
      return c.json(await ledgerCountsFor(db, planId, c.req.valid('query').period), 200);
    },
  );
}

/** One ledger item: closing it, refusing or reopening the close, its evidence. */
function ledgerItemRoutes(db: Db, now: () => Date, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/plans/{planId}/ledger/{itemId}/close',
      tags: ['ledger'],
      middleware: [requireRole('admin', 'reporter')] as const,
      summary: '销号：{"note":"…"}（必填；空则 400，不保存）；multipart 可附佐证材料（evidence：PDF/PNG/JPG/DOCX/XLSX，≤5 MB）',
      request: { params: ItemParams },
      responses: {
        200: Json(LedgerCloseResult, 'Closed'),
        400: Problem('Empty note'),
        409: Problem('Already closed'),
        413: Problem('File too large'),
        415: Problem('File type'),
      },
    }),
    async (c) => {
      const { planId, itemId } = c.req.valid('param');
      await ensurePlan(db, planId);
      return c.json(await closeLedgerItem(db, c.get('actor'), planId, itemId, await closeInput(c), now()), 200);
    },
  );

  for (const action of ['refuse', 'reopen'] as const) {
    // The body {"reason"} is read by the service (400 REASON_REQUIRED naming the field), not the validator.
    app.openapi(
      createRoute({
        method: 'post',
        path: `/plans/{planId}/ledger/{itemId}/${action}`,
        tags: ['ledger'],
        middleware: [requireRole('admin')] as const,
        summary: action === 'refuse' ? '不予销号：{"reason":"…"}（必填），问题重新打开' : '重新打开已销号的问题：{"reason":"…"}（必填）',
        request: { params: ItemParams },
        responses: { 200: Json(LedgerReopenResult, 'Open again'), 400: Problem('No reason'), 409: Problem('Not closed') },
      }),
      async (c) => {
        const { planId, itemId } = c.req.valid('param');
        await ensurePlan(db, planId);
        return c.json(await reopenLedgerItem(db, c.get('actor'), planId, itemId, (await body(c)).reason, action), 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/ledger/{itemId}/evidence/{evidenceId}',
      tags: ['ledger'],
      summary: '销号佐证材料（原文件；填报单位只能看本单位的）',
      request: { params: EvidenceParams },
      responses: {
        200: { content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } }, description: 'The stored file, as its own type' },
        403: Problem('Another unit’s item'),
        404: Problem('No such evidence'),
      },
    }),
    async (c) => {
      const { planId, itemId, evidenceId } = c.req.valid('param');
      const ev = await evidenceFile(db, planId, itemId, evidenceId);
      const actor = c.get('actor');
      if (actor.role === 'reporter') {
        const visible = await listLedger(db, planId, scoped(actor, {}), now());
        if (!visible.some((i) => i.id === itemId)) throw new HttpProblem(403, 'FORBIDDEN', '无权查看该佐证材料');
      }
      return c.body(new Uint8Array(ev.bytes), 200, {
        'content-type': ev.contentType,
        'content-disposition': `attachment; filename="evidence"; filename*=UTF-8''${encodeURIComponent(ev.name)}`,
        'x-content-type-options': 'nosniff',
      });
    },
    asBefore,
  );
}

// --- 催报 ---
//   POST /plans/:planId/periods/:period/remind   {units?: [...], requestId?}   一键催报 (admin), once per requestId
//   GET  /plans/:planId/reminders[?period=]      every send and attempt (admin)
//   GET  /plans/:planId/webhooks · PUT {unit ('' = office), kind wecom|dingtalk|feishu, url, secret?}  (admin)
export function reminderRoutes(deps: { db: Db; now?: () => Date; reminders?: Omit<ReminderOptions, 'now'> }): OpenAPIHono<AppEnv> {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/plans/{planId}/periods/{period}/remind',
      tags: ['reminders'],
      middleware: [requireRole('admin')] as const,
      summary: '一键催报：{units?:[…], requestId?}（默认催所有未报送的单位；同一 requestId 只发一次）',
      request: { params: PeriodParams },
      responses: { 200: Json(RemindResult, 'One outcome per unit reminded'), 400: Problem('Bad units or requestId'), 404: Problem('No such plan') },
    }),
    async (c) => {
      const { planId, period } = c.req.valid('param');
      const b = z
        .object({ units: z.array(z.string().min(1).max(100)).max(500).optional(), requestId: z.string().max(64).optional() })
        .strict()
        .parse(await body(c));
      const results = await remindNow(db, c.get('actor'), planId, period, b, { ...deps.reminders, now: now() });
      return c.json({ results }, 200);
    },
    asBefore,
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/reminders',
      tags: ['reminders'],
      middleware: [requireRole('admin')] as const,
      summary: '催报记录（每次发送及每次尝试，新的在前）',
      request: { params: PlanIdParam, query: z.object({ period: PeriodParam.optional() }) },
      responses: { 200: Json(ReminderLog, 'The sends'), 404: Problem('No such plan') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      const { period } = c.req.valid('query');
      await ensurePlan(db, planId);
      return c.json({ sends: await reminderLog(db, planId, period) }, 200);
    },
    asBefore,
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{planId}/webhooks',
      tags: ['reminders'],
      middleware: [requireRole('admin')] as const,
      summary: '各单位的群机器人（只显示主机名）',
      request: { params: PlanIdParam },
      responses: { 200: Json(WebhookList, 'The robots'), 404: Problem('No such plan') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      await ensurePlan(db, planId);
      return c.json({ webhooks: await listWebhooks(db, planId) }, 200);
    },
    asBefore,
  );
  app.openapi(
    createRoute({
      method: 'put',
      path: '/plans/{planId}/webhooks',
      tags: ['reminders'],
      middleware: [requireRole('admin')] as const,
      summary: "设置群机器人：{unit（'' = 办公室群）, kind wecom|dingtalk|feishu, url, secret?}",
      request: { params: PlanIdParam },
      responses: { 200: Json(WebhookSet, 'Stored'), 400: Problem('Bad kind or url'), 404: Problem('No such plan') },
    }),
    async (c) => {
      const { planId } = c.req.valid('param');
      return c.json(await setWebhook(db, c.get('actor'), planId, await body(c)), 200);
    },
    asBefore,
  );
  return app;
}
