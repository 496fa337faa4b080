// 催报 (issue 10): which reminder falls due for which unit at a given instant. Pure: the service claims
// each (plan, month, unit, occurrence) once in the database and sends it; this file only decides.
import { z } from 'zod';
import { addDays, daysBetween, shanghaiDate, shanghaiInstant } from './shanghai';
import type { SubmissionStatus } from './submission';

/**
 * A rule: `offsetDays` from the month's deadline (−3 = three days before, 0 = on the day, 1 = the day
 * after), sent at `hour`:00 Shanghai time; `daily` repeats it every day after that while the unit has
 * not submitted (at most `maxDays` times).
 */
export const ReminderRule = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,30}$/),
    offsetDays: z.number().int().min(-27).max(31),
    hour: z.number().int().min(0).max(23).default(9),
    daily: z.boolean().default(false),
    maxDays: z.number().int().min(1).max(31).default(10),
  })
  .strict();
export type ReminderRule = z.infer<typeof ReminderRule>;

export const DEFAULT_RULES: ReminderRule[] = [
  { id: 'before-3', offsetDays: -3, hour: 9, daily: false, maxDays: 1 },
  { id: 'on-day', offsetDays: 0, hour: 9, daily: false, maxDays: 1 },
  { id: 'overdue', offsetDays: 1, hour: 9, daily: true, maxDays: 10 },
];

/** A reminder missed by more than this (server down) is not sent late: the next occurrence covers it. */
export const CATCH_UP_MS = 24 * 3600_000;

export interface Occurrence {
  rule: string;
  /** Unique within the rule and month: the Shanghai date it is for ('overdue@2025-01-02'). */
  key: string;
  fireAt: Date;
  /** Days relative to the deadline (negative: before). */
  offsetDays: number;
}

/** The occurrence of `rule` current at `now` for a month due on `deadline`, if any. */
export function currentOccurrence(rule: ReminderRule, deadline: string, now: Date): Occurrence | null {
  const first = addDays(deadline, rule.offsetDays);
  const today = shanghaiDate(now);
  const n = rule.daily ? daysBetween(first, today) : 0;
  if (n < 0 || (rule.daily && n >= rule.maxDays)) return null;
  // Today's occurrence, or (before its hour) yesterday's if it is still inside the catch-up window.
  for (const i of rule.daily ? [n, n - 1] : [0]) {
    if (i < 0) continue;
    const date = addDays(first, i);
    const fireAt = shanghaiInstant(date, rule.hour);
    const age = now.getTime() - fireAt.getTime();
    if (age >= 0 && age < CATCH_UP_MS) return { rule: rule.id, key: `${rule.id}@${date}`, fireAt, offsetDays: rule.offsetDays + i };
  }
  return null;
}

/** Units still owing the month's report: nothing submitted (a returned submission owes again). */
export function owes(status: SubmissionStatus): boolean {
  return status === '未填报' || status === '填报中';
}

export interface DueReminder extends Occurrence {
  period: string;
  unit: string;
}

/** Every (unit, occurrence) due at `now` across the plan's open months. */
export function dueReminders(
  months: readonly { period: string; deadline: string; status: string; units: readonly { unit: string; status: SubmissionStatus }[] }[],
  rules: readonly ReminderRule[],
  now: Date,
): DueReminder[] {
  const out: DueReminder[] = [];
  for (const m of months) {
    if (m.status !== 'open') continue;
    for (const rule of rules) {
      const occ = currentOccurrence(rule, m.deadline, now);
      if (!occ) continue;
      for (const u of m.units) if (owes(u.status)) out.push({ ...occ, period: m.period, unit: u.unit });
    }
  }
  return out;
}

/** The reminder text (all three robots send plain text). */
export function reminderText(r: { planTitle: string; period: string; deadline: string; unit: string; offsetDays: number; status: SubmissionStatus }): string {
  const [y, m] = r.period.split('-');
  const when = r.offsetDays < 0 ? `距报送截止还有${-r.offsetDays}天` : r.offsetDays === 0 ? '今天是报送截止日' : `已逾期${r.offsetDays}天`;
  return `【催报】${r.unit}：《${r.planTitle}》${y}年${Number(m)}月工作进展请于${r.deadline.slice(5, 7)}月${Number(r.deadline.slice(8))}日24时前报送（${when}，当前状态：${r.status}）。`;
}

// --- The answers of the month-settings and 催报 routes (server/routes/month.ts) ---

/** GET/PUT …/month-settings: the 序时进度 light thresholds and the 催报 rules. */
export const MonthSettings = z
  .object({ lights: z.object({ yellow: z.number(), red: z.number() }), rules: z.array(ReminderRule) })
  .meta({ id: 'MonthSettings' });
export type MonthSettings = z.infer<typeof MonthSettings>;

/** One reminder sent (or tried) to one unit. */
export const SendOutcome = z
  .object({
    planId: z.string(),
    period: z.string(),
    unit: z.string(),
    occurrence: z.string(),
    /** The message as sent (or as it would have been). */
    text: z.string(),
    status: z.enum(['sent', 'failed', 'no-webhook', 'skipped']),
    attempts: z.number().int(),
  })
  .meta({ id: 'SendOutcome' });
export type SendOutcome = z.infer<typeof SendOutcome>;

/** POST …/remind. */
export const RemindResult = z.object({ results: z.array(SendOutcome) }).meta({ id: 'RemindResult' });

/** GET …/reminders: one claimed send with every attempt (times as ISO strings). */
export const ReminderSend = z
  .object({
    id: z.number().int(),
    planId: z.string(),
    period: z.string(),
    unit: z.string(),
    occurrence: z.string(),
    status: z.string(),
    text: z.string(),
    attempts: z.array(z.object({ at: z.string(), ok: z.boolean(), httpStatus: z.number().int().nullable(), error: z.string().nullable() })),
    lastError: z.string().nullable(),
    claimedBy: z.string(),
    claimedAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'ReminderSend' });
export const ReminderLog = z.object({ sends: z.array(ReminderSend) }).meta({ id: 'ReminderLog' });

/** PUT …/webhooks: what was stored (the URL carries the robot's key: only its host is shown). */
export const WebhookSet = z
  .object({ unit: z.string(), kind: z.enum(['wecom', 'dingtalk', 'feishu']), host: z.string(), signed: z.boolean() })
  .meta({ id: 'WebhookSet' });
/** GET …/webhooks: one robot per unit ('' = the office's group). */
export const WebhookView = z
  .object({ unit: z.string(), kind: z.string(), host: z.string(), signed: z.boolean(), updatedBy: z.string(), updatedAt: z.string() })
  .meta({ id: 'WebhookView' });
export const WebhookList = z.object({ webhooks: z.array(WebhookView) }).meta({ id: 'WebhookList' });
