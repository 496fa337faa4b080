// 报送 (issue 10): a unit's monthly submission, its status against the month's deadline, and what must
// hold before it may submit. The deadline is a date (periods.deadline, the plan's 每月N日 rule, default
// the 28th); reports are on time until 23:59:59 of that day in Asia/Shanghai.
import { z } from 'zod';
import { FieldErrorDoc } from './sync';
import { fieldError, type FieldError } from './errors';
import { addDays, shanghaiInstant } from './shanghai';
import { lightErrors, lightOf, type LightThresholds } from './lights';
import { validateProgress } from './rules';
import type { ItemRow } from './sheet';

export const SUBMISSION_STATUSES = ['未填报', '填报中', '已报送', '逾期报送'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** The first instant that is late: 00:00 Shanghai on the day after the deadline. */
export function lateFrom(deadline: string): Date {
  return shanghaiInstant(addDays(deadline, 1));
}

export function isLate(at: Date, deadline: string): boolean {
  return at.getTime() >= lateFrom(deadline).getTime();
}

export interface SubmissionFacts {
  /** How many of the unit's rows for the month carry anything. */
  reportedRows: number;
  /** The standing submission, if any (a returned one is not standing). */
  submittedAt?: Date | null;
}

/** 未填报 / 填报中 / 已报送 / 逾期报送. A returned submission counts as not submitted (填报中 again). */
export function submissionStatus(f: SubmissionFacts, deadline: string): SubmissionStatus {
  if (f.submittedAt) return isLate(f.submittedAt, deadline) ? '逾期报送' : '已报送';
  return f.reportedRows > 0 ? '填报中' : '未填报';
}

/** Time left before the deadline (negative: how late), with a short Chinese label for the task pane. */
export function countdown(now: Date, deadline: string): { ms: number; label: string } {
  const ms = lateFrom(deadline).getTime() - now.getTime();
  const abs = Math.abs(ms);
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor((abs % 86_400_000) / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const span = days > 0 ? `${days}天${hours}小时` : hours > 0 ? `${hours}小时${minutes}分` : `${minutes}分`;
  return { ms, label: ms > 0 ? `距截止还有${span}` : `已逾期${span}` };
}

/** 填报人, 联系电话, 审核人 (负责人): who stands behind a submission. */
export const SubmissionContact = z
  .object({
    reporter: z.string().trim().min(1).max(50), // 填报人
    phone: z.string().trim().min(1).max(30), // 联系电话
    reviewer: z.string().trim().min(1).max(50), // 审核人
  })
  .strict();
export type SubmissionContact = z.infer<typeof SubmissionContact>;

export const CONTACT_LABELS: Record<keyof SubmissionContact, string> = { reporter: '填报人', phone: '联系电话', reviewer: '审核人' };

/** Field errors of a contact as typed (empty fields, a phone that is not one). */
export function contactErrors(raw: Partial<Record<keyof SubmissionContact, unknown>>): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ['reporter', 'phone', 'reviewer'] as const) {
    const v = raw[key];
    if (typeof v !== 'string' || v.trim() === '') errors.push({ ...fieldError(key, 'REQUIRED'), message: `${CONTACT_LABELS[key]}不能为空` });
    else if ([...v.trim()].length > (key === 'phone' ? 30 : 50)) errors.push(fieldError(key, 'TEXT_TOO_LONG'));
  }
  const phone = typeof raw.phone === 'string' ? raw.phone.trim() : '';
  if (phone && (!/^[0-9+\-() ]{5,30}$/.test(phone) || phone.replace(/\D/g, '').length < 5)) errors.push(fieldError('phone', 'BAD_PHONE'));
  return errors;
}

export interface RowProblem extends FieldError {
  itemId: string;
  number: string;
}

/**
 * Why a unit's rows may not be submitted yet: each stored row re-checked by the entry rules (as they are
 * now, e.g. against last month's 累计) and the 序时进度 light rule. Empty → the unit may submit.
 */
export function submissionBlockers(
  rows: readonly ItemRow[],
  opts: { timeProgress: number; lights: LightThresholds; previousCumulative?: ReadonlyMap<string, number | null> },
): RowProblem[] {
  const out: RowProblem[] = [];
  for (const row of rows) {
    const { values } = row;
    const { errors } = validateProgress(
      { ...values },
      { target: row.target ? { unit: row.unit } : undefined, previousCumulative: opts.previousCumulative?.get(row.itemId) ?? null },
    );
    const all = [...errors, ...lightErrors(lightOf(row, opts.timeProgress, opts.lights), values)];
    for (const e of all) out.push({ ...e, itemId: row.itemId, number: row.number, field: `rows.${row.itemId}.${e.field}` });
  }
  return out;
}

/** One unit's state for the month (GET …/submissions). */
export const UnitSubmission = z
  .object({
    unit: z.string(),
    status: z.enum(SUBMISSION_STATUSES),
    rows: z.number().int(),
    reportedRows: z.number().int(),
    submittedAt: z.string().nullable(),
    contact: SubmissionContact.nullable(),
    /** The office's last 退回 (shown to the unit until it submits again). */
    returned: z.object({ reason: z.string(), by: z.string(), at: z.string() }).nullable(),
  })
  .meta({ id: 'UnitSubmission' });
export type UnitSubmission = z.infer<typeof UnitSubmission>;

export const MonthSubmissions = z
  .object({
    planId: z.string(),
    period: z.string(),
    deadline: z.string(),
    periodStatus: z.string(),
    countdown: z.object({ ms: z.number(), label: z.string() }),
    counts: z.record(z.enum(SUBMISSION_STATUSES), z.number().int()),
    units: z.array(UnitSubmission),
  })
  .meta({ id: 'MonthSubmissions' });
export type MonthSubmissions = z.infer<typeof MonthSubmissions>;

/** POST …/submit: the submission stored, or the standing one (replayed). */
export const SubmitResult = z
  .object({
    unit: z.string(),
    period: z.string(),
    status: z.enum(['已报送', '逾期报送']),
    submittedAt: z.string(),
    contact: SubmissionContact,
    replayed: z.boolean(),
  })
  .meta({ id: 'SubmitResult' });
export type SubmitResult = z.infer<typeof SubmitResult>;

/** POST …/submissions/:unit/return: the submission sent back, with the reason. */
export const ReturnResult = z
  .object({ unit: z.string(), period: z.string(), status: z.literal('returned'), reason: z.string(), returnedAt: z.string() })
  .meta({ id: 'ReturnResult' });
export type ReturnResult = z.infer<typeof ReturnResult>;

const CellNotice = <C extends string>(code: C) =>
  z.object({ cell: z.string(), sheet: z.string(), row: z.number(), field: z.string(), code: z.literal(code), message: z.string() });

/** The rows of an uploaded workbook as stored (server/workbook/upload-apply.ts UploadResult), the annotated copy as base64. */
export const WorkbookUploadSummary = z
  .object({
    batchId: z.string(),
    replayed: z.boolean(),
    sheet: z.string(),
    headerRow: z.number(),
    matchedBy: z.enum(['id', 'text']),
    applied: z.number(),
    conflicts: z.number(),
    rejected: z.number(),
    unchanged: z.number(),
    rows: z.array(
      z.object({
        row: z.number(),
        key: z.string(),
        outcome: z.enum(['applied', 'conflict', 'rejected']),
        version: z.number().optional(),
        errors: z.array(FieldErrorDoc).optional(),
        conflict: z.object({ code: z.enum(['STALE_FILE', 'CHANGED_BY_OTHER']), message: z.string(), changedBy: z.string(), changedAt: z.string() }).optional(),
      }),
    ),
    ignored: z.array(CellNotice('LOCKED_IGNORED')),
    converted: z.array(CellNotice('AMOUNT_CONVERTED')),
    annotated: z.object({ filename: z.string(), base64: z.string() }),
  })
  .meta({ id: 'WorkbookUploadSummary' });
/** POST …/workbook: the same summary, the annotated copy with its content type (the .xlsx one). */
export const WorkbookUploadResponse = WorkbookUploadSummary.extend({
  annotated: WorkbookUploadSummary.shape.annotated.extend({ contentType: z.string() }),
}).meta({ id: 'WorkbookUploadResponse' });

/** POST …/workbook/submit: the upload, then the submission — or null with why it was not made. */
export const WorkbookSubmitResult = z
  .object({
    upload: WorkbookUploadSummary,
    submission: SubmitResult.nullable(),
    notSubmitted: z.string().optional(),
    errors: z.array(FieldErrorDoc.extend({ itemId: z.string().optional(), number: z.string().optional() })).optional(),
  })
  .meta({ id: 'WorkbookSubmitResult' });
export type WorkbookSubmitResult = z.infer<typeof WorkbookSubmitResult>;
