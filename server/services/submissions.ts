// 报送 (issue 10): each unit's monthly submission — status per unit, submit (only with valid rows and
// 填报人/联系电话/审核人), and the office's 退回 with a reason. Rules: model/submission.ts.
import { and, eq, sql } from 'drizzle-orm';
import { previousPeriod, type PeriodId } from '../../model/progress';
import { takesPart, type ItemRow } from '../../model/sheet';
import { isReported, timeProgress } from '../../model/stats';
import {
  contactErrors,
  countdown,
  isLate,
  submissionBlockers,
  submissionStatus,
  type MonthSubmissions,
  type SubmissionStatus,
  type SubmitResult,
  type UnitSubmission,
} from '../../model/submission';
import type { Actor } from '../auth/tokens';
import type { Db } from '../db/connect';
import { audit, periods, submissions } from '../db/schema';
import { HttpProblem } from '../routes/problem';
import { loadMonthSettings } from './month-settings';
import { loadEntriesByPeriod, loadRows } from './rows';

export type { MonthSubmissions, UnitSubmission } from '../../model/submission';

async function periodRow(db: Db, planId: string, period: string) {
  const [p] = await db
    .select()
    .from(periods)
    .where(and(eq(periods.planId, planId), eq(periods.period, period)));
  if (!p)
    throw new HttpProblem(404, 'UNKNOWN_PERIOD', `该计划没有月份 ${period}`, [{ field: 'period', code: 'UNKNOWN_PERIOD', message: '该计划没有这个月份' }]);
  return p;
}

const items = (rows: readonly { kind: string }[]) => rows.filter((r): r is ItemRow => r.kind === 'item');

/** Units taking part in the plan (lead or co-lead of some task), in the plan's order. */
export function unitsOf(rows: readonly ItemRow[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const u of [...r.lead, ...r.co]) seen.add(u);
  return [...seen];
}

/** Each unit's status for the month (`onlyUnit`: a reporter's own line). */
export async function listSubmissions(db: Db, planId: string, period: PeriodId, opts: { now?: Date; onlyUnit?: string } = {}): Promise<MonthSubmissions> {
  const now = opts.now ?? new Date();
  const p = await periodRow(db, planId, period);
  const { rows } = await loadRows(db, planId, period);
  const all = items(rows);
  const stored = new Map(
    (
      await db
        .select()
        .from(submissions)
        .where(and(eq(submissions.planId, planId), eq(submissions.period, period)))
    ).map((s) => [s.unit, s]),
  );
  const units = unitsOf(all).filter((u) => !opts.onlyUnit || u === opts.onlyUnit);
  const counts = { 未填报: 0, 填报中: 0, 已报送: 0, 逾期报送: 0 } as Record<SubmissionStatus, number>;
  const list = units.map((unit): UnitSubmission => {
    const mine = all.filter((r) => takesPart(r, unit));
    const reportedRows = mine.filter(isReported).length;
    const s = stored.get(unit);
    const standing = s?.status === 'submitted' ? s : null;
    const status = submissionStatus({ reportedRows, submittedAt: standing?.submittedAt ?? null }, p.deadline);
    counts[status]++;
    return {
      unit,
      status,
      rows: mine.length,
      reportedRows,
      submittedAt: standing ? standing.submittedAt.toISOString() : null,
      contact: s ? { reporter: s.reporter, phone: s.phone, reviewer: s.reviewer } : null,
      returned: s?.status === 'returned' && s.returnReason ? { reason: s.returnReason, by: s.returnedBy ?? '', at: s.returnedAt?.toISOString() ?? '' } : null,
    };
  });
  return { planId, period, deadline: p.deadline, periodStatus: p.status, countdown: countdown(now, p.deadline), counts, units: list };
}

export interface SubmitInput {
  unit?: string;
  reporter?: unknown;
  phone?: unknown;
  reviewer?: unknown;
}

/** The unit an actor submits or acts for: a reporter's own; the office names one. */
function unitFor(actor: Actor, requested?: string): string {
  if (actor.role === 'reporter') {
    if (requested && requested !== actor.unit?.name)
      throw new HttpProblem(403, 'FORBIDDEN_UNIT', '只能报送本单位的填报', [{ field: 'unit', code: 'FORBIDDEN_UNIT', message: '只能报送本单位的填报' }]);
    return actor.unit!.name;
  }
  if (actor.role !== 'admin') throw new HttpProblem(403, 'FORBIDDEN', '无权报送');
  if (!requested) throw new HttpProblem(400, 'UNIT_REQUIRED', '请指定报送单位（unit）', [{ field: 'unit', code: 'REQUIRED', message: '请指定报送单位' }]);
  return requested;
}

/**
 * Submits a unit's month. Refused (nothing stored) with the rows' problems while any row is invalid.
 * Idempotent: submitting again while a submission stands returns it (`replayed`), changing nothing.
 */
export async function submitMonth(db: Db, actor: Actor, planId: string, period: PeriodId, input: SubmitInput, now = new Date()): Promise<SubmitResult> {
  const unit = unitFor(actor, input.unit);
  const errors = contactErrors(input);
  if (errors.length) throw new HttpProblem(400, 'VALIDATION_FAILED', '请填写填报人、联系电话和审核人', errors);
  const contact = { reporter: String(input.reporter).trim(), phone: String(input.phone).trim(), reviewer: String(input.reviewer).trim() };
  const p = await periodRow(db, planId, period);
  if (p.status === 'closed') throw new HttpProblem(409, 'PERIOD_CLOSED', '该月份已关闭，不能再报送');
  const { plan, rows } = await loadRows(db, planId, period, { unit });
  const mine = items(rows);
  if (!mine.length)
    throw new HttpProblem(400, 'NOT_A_UNIT_OF_PLAN', `“${unit}”不牵头或配合本计划的任何任务`, [
      { field: 'unit', code: 'NOT_A_UNIT_OF_PLAN', message: '该单位没有本计划的任务' },
    ]);
  if (!mine.some(isReported)) throw new HttpProblem(422, 'NOTHING_REPORTED', '本月尚未填报任何内容，不能报送');
  const prev = previousPeriod(period);
  const prevEntries = (await loadEntriesByPeriod(db, planId, [prev])).get(prev);
  const previousCumulative = new Map(mine.map((r) => [r.itemId, prevEntries?.get(`${r.itemId}@${prev}`)?.values.cumulative ?? null]));
  const { lights } = await loadMonthSettings(db, planId);
  const blockers = submissionBlockers(mine, { timeProgress: timeProgress(period, plan.year), lights, previousCumulative });
  if (blockers.length) {
    throw new HttpProblem(
      422,
      'ROWS_INVALID',
      `有${new Set(blockers.map((b) => b.itemId)).size}行填报不符合要求，请修改后再报送`,
      blockers.map((b) => ({ field: b.field, code: b.code, message: `第${b.number}项：${b.message}` })),
    );
  }
  return db.transaction(async (tx) => {
    const values = {
      planId,
      period,
      unit,
      status: 'submitted',
      submittedAt: now,
      ...contact,
      submittedBy: actor.name,
      returnedAt: null,
      returnedBy: null,
      returnReason: null,
    };
    // Only a missing or returned submission is (re)written: a standing one wins, so retries change nothing.
    const written = await tx
      .insert(submissions)
      .values(values)
      .onConflictDoUpdate({
        target: [submissions.planId, submissions.period, submissions.unit],
        set: values,
        setWhere: sql`${submissions.status} <> 'submitted'`,
      })
      .returning();
    const late = isLate(now, p.deadline);
    if (written.length) {
      await tx.insert(audit).values({
        planId,
        entity: 'submission',
        entityId: `${planId}/${period}/${unit}`,
        action: 'submit',
        actor: actor.name,
        new: { ...contact, submittedAt: now.toISOString(), late },
      });
      return { unit, period, status: late ? '逾期报送' : '已报送', submittedAt: now.toISOString(), contact, replayed: false };
    }
    const [s] = await tx
      .select()
      .from(submissions)
      .where(and(eq(submissions.planId, planId), eq(submissions.period, period), eq(submissions.unit, unit)));
    return {
      unit,
      period,
      status: isLate(s.submittedAt, p.deadline) ? '逾期报送' : '已报送',
      submittedAt: s.submittedAt.toISOString(),
      contact: { reporter: s.reporter, phone: s.phone, reviewer: s.reviewer },
      replayed: true,
    };
  });
}

/** The office sends a submission back with a reason; the unit sees the reason and submits again. */
export async function returnSubmission(db: Db, actor: Actor, planId: string, period: PeriodId, unit: string, reason: unknown, now = new Date()) {
  const text = typeof reason === 'string' ? reason.trim() : '';
  if (!text) throw new HttpProblem(400, 'REASON_REQUIRED', '退回须说明原因', [{ field: 'reason', code: 'REQUIRED', message: '退回原因不能为空' }]);
  if ([...text].length > 500)
    throw new HttpProblem(400, 'TEXT_TOO_LONG', '退回原因最多500字', [{ field: 'reason', code: 'TEXT_TOO_LONG', message: '最多500字' }]);
  await periodRow(db, planId, period);
  return db.transaction(async (tx) => {
    const where = and(eq(submissions.planId, planId), eq(submissions.period, period), eq(submissions.unit, unit));
    const [done] = await tx
      .update(submissions)
      .set({ status: 'returned', returnedAt: now, returnedBy: actor.name, returnReason: text })
      .where(and(where, eq(submissions.status, 'submitted')))
      .returning();
    if (!done) throw new HttpProblem(409, 'NOT_SUBMITTED', `“${unit}”本月没有待退回的报送`);
    await tx.insert(audit).values({
      planId,
      entity: 'submission',
      entityId: `${planId}/${period}/${unit}`,
      action: 'return',
      actor: actor.name,
      old: { status: 'submitted', submittedAt: done.submittedAt.toISOString() },
      new: { status: 'returned', reason: text },
    });
    return { unit, period, status: 'returned' as const, reason: text, returnedAt: now.toISOString() };
  });
}
