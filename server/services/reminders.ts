// 催报 (issue 10): claim each due reminder once in the database, then deliver it to the unit's (or the
// office's) group robot with retries and backoff. Exactly once per (plan, month, unit, occurrence): the
// claim is an insert into reminder_sends under a unique index, so a second run, a restarted server or a
// second process on the same PostgreSQL finds the row and sends nothing. A claim left by a process that
// died mid-send ('claimed' for longer than STALE_CLAIM_MS) is taken over: at most one duplicate after a crash.
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, lt } from 'drizzle-orm';
import { daysBetween, shanghaiDate } from '../../model/shanghai';
import { currentOccurrence, dueReminders, owes, reminderText, type SendOutcome } from '../../model/reminders';
import type { PeriodId } from '../../model/progress';
import type { SubmissionStatus } from '../../model/submission';
import type { Actor } from '../auth/tokens';
import type { Db } from '../db/connect';
import { audit, periods, plans, reminderAttempts, reminderSends, reminderWebhooks } from '../db/schema';
import { HttpProblem } from '../routes/problem';
import { deliver, robotRequest, ROBOT_KINDS, type RobotKind } from '../reminders/robots';
import { loadMonthSettings } from './month-settings';
import { loadPlan } from './plans';
import { listSubmissions } from './submissions';

export const STALE_CLAIM_MS = 10 * 60_000;

export interface ReminderOptions {
  now?: Date;
  /** Who claims (process instance), for the log. */
  instance?: string;
  fetch?: typeof fetch;
  /** Waits between attempts (its length + 1 = attempts). Default 1 s, 5 s, 30 s. */
  backoffMs?: number[];
  log?: (line: string) => void;
}

/** What one send did: model/reminders.ts SendOutcome (the answer of POST …/remind). */
export type { SendOutcome } from '../../model/reminders';

interface Job {
  planId: string;
  period: string;
  unit: string;
  occurrence: string;
  text: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Inserts the claim row; false when another run already holds or sent it. */
async function claim(db: Db, job: Job, instance: string, now: Date): Promise<number | null> {
  const [row] = await db
    .insert(reminderSends)
    .values({ ...job, status: 'claimed', claimedBy: instance, claimedAt: now })
    .onConflictDoNothing()
    .returning({ id: reminderSends.id });
  if (row) return row.id;
  const [stale] = await db
    .update(reminderSends)
    .set({ claimedBy: instance, claimedAt: now })
    .where(
      and(
        eq(reminderSends.planId, job.planId),
        eq(reminderSends.period, job.period),
        eq(reminderSends.unit, job.unit),
        eq(reminderSends.occurrence, job.occurrence),
        eq(reminderSends.status, 'claimed'),
        lt(reminderSends.claimedAt, new Date(now.getTime() - STALE_CLAIM_MS)),
      ),
    )
    .returning({ id: reminderSends.id });
  return stale?.id ?? null;
}

async function webhookFor(db: Db, planId: string, unit: string) {
  const rows = await db
    .select()
    .from(reminderWebhooks)
    .where(and(eq(reminderWebhooks.planId, planId), inArray(reminderWebhooks.unit, [unit, ''])));
  return rows.find((r) => r.unit === unit) ?? rows.find((r) => r.unit === '') ?? null;
}

async function send(db: Db, job: Job, opts: ReminderOptions): Promise<SendOutcome> {
  const now = opts.now ?? new Date();
  const instance = opts.instance ?? 'server';
  const log = opts.log ?? console.log;
  const id = await claim(db, job, instance, now);
  if (id === null) return { ...job, status: 'skipped', attempts: 0 };
  const hook = await webhookFor(db, job.planId, job.unit);
  if (!hook) {
    await db.update(reminderSends).set({ status: 'no-webhook', lastError: '未配置群机器人地址' }).where(eq(reminderSends.id, id));
    log(`催报未发送（未配置群机器人）：${job.planId} ${job.period} ${job.unit} ${job.occurrence}`);
    return { ...job, status: 'no-webhook', attempts: 0 };
  }
  const backoff = opts.backoffMs ?? [1000, 5000, 30_000];
  const maxAttempts = backoff.length + 1;
  let attempts = 0;
  let lastError: string | null = null;
  while (attempts < maxAttempts) {
    // The text always names the unit: the office's group sees every unit's reminders.
    const result = await deliver(robotRequest(hook.kind as RobotKind, hook.url, hook.secret, job.text, new Date()), opts.fetch);
    attempts++;
    await db.insert(reminderAttempts).values({ sendId: id, ok: result.ok, httpStatus: result.status, error: result.error });
    if (result.ok) {
      await db.update(reminderSends).set({ status: 'sent', attempts, sentAt: new Date(), lastError: null }).where(eq(reminderSends.id, id));
      log(`催报已发送（${hook.kind}，第${attempts}次尝试）：${job.planId} ${job.period} ${job.unit} ${job.occurrence}`);
      return { ...job, status: 'sent', attempts };
    }
    lastError = result.error;
    log(`催报发送失败（${hook.kind}，第${attempts}次）：${job.planId} ${job.period} ${job.unit}：${result.error}`);
    await db.update(reminderSends).set({ attempts, lastError }).where(eq(reminderSends.id, id));
    if (attempts < maxAttempts) await sleep(backoff[attempts - 1]);
  }
  await db.update(reminderSends).set({ status: 'failed', attempts, lastError }).where(eq(reminderSends.id, id));
  return { ...job, status: 'failed', attempts };
}

/** One scheduler tick: every plan's due reminders, claimed and sent. */
export async function runReminders(db: Db, opts: ReminderOptions = {}): Promise<SendOutcome[]> {
  const now = opts.now ?? new Date();
  const out: SendOutcome[] = [];
  for (const p of await db.select({ id: plans.id, title: plans.title }).from(plans).where(isNull(plans.deletedAt)).orderBy(asc(plans.id))) {
    const { rules } = await loadMonthSettings(db, p.id);
    const months = await db
      .select()
      .from(periods)
      .where(and(eq(periods.planId, p.id), eq(periods.status, 'open')));
    for (const m of months) {
      // Load the month's statuses only when some rule is due now.
      if (!rules.some((r) => currentOccurrence(r, m.deadline, now))) continue;
      const subs = await listSubmissions(db, p.id, m.period, { now });
      const due = dueReminders([{ ...m, units: subs.units }], rules, now);
      for (const d of due) {
        const status = subs.units.find((u) => u.unit === d.unit)!.status;
        const text = reminderText({ planTitle: p.title, period: m.period, deadline: m.deadline, unit: d.unit, offsetDays: d.offsetDays, status });
        out.push(await send(db, { planId: p.id, period: m.period, unit: d.unit, occurrence: d.key, text }, { ...opts, now }));
      }
    }
  }
  return out;
}

/** 一键催报: the office reminds every unit still owing the month (or the ones named), once per request id. */
export async function remindNow(
  db: Db,
  actor: Actor,
  planId: string,
  period: PeriodId,
  input: { units?: string[]; requestId?: string },
  opts: ReminderOptions = {},
): Promise<SendOutcome[]> {
  const now = opts.now ?? new Date();
  const plan = await loadPlan(db, planId);
  const subs = await listSubmissions(db, planId, period, { now });
  const requestId = input.requestId ?? randomUUID();
  if (!/^[A-Za-z0-9_-]{4,64}$/.test(requestId))
    throw new HttpProblem(400, 'BAD_REQUEST_ID', 'requestId 须为 4–64 位字母、数字、-、_', [
      { field: 'requestId', code: 'INVALID_FORMAT', message: 'requestId 格式不正确' },
    ]);
  const unknown = (input.units ?? []).filter((u) => !subs.units.some((s) => s.unit === u));
  if (unknown.length)
    throw new HttpProblem(400, 'UNKNOWN_UNIT', `不是本计划的单位：${unknown.join('、')}`, [
      { field: 'units', code: 'UNKNOWN_UNIT', message: '不是本计划的单位' },
    ]);
  const targets = subs.units.filter((u) => (input.units ? input.units.includes(u.unit) : owes(u.status as SubmissionStatus)));
  const offsetDays = daysBetween(subs.deadline, shanghaiDate(now));
  await db.insert(audit).values({
    planId,
    entity: 'reminder',
    entityId: `${planId}/${period}`,
    action: 'remind',
    actor: actor.name,
    new: { units: targets.map((t) => t.unit), requestId },
  });
  const out: SendOutcome[] = [];
  for (const u of targets) {
    const text = reminderText({ planTitle: plan.title, period, deadline: subs.deadline, unit: u.unit, offsetDays, status: u.status as SubmissionStatus });
    out.push(await send(db, { planId, period, unit: u.unit, occurrence: `manual@${requestId}`, text }, { ...opts, now, instance: actor.name }));
  }
  return out;
}

/** The send log of a plan (optionally one month), newest first, with every attempt. */
export async function reminderLog(db: Db, planId: string, period?: string) {
  const where = period ? and(eq(reminderSends.planId, planId), eq(reminderSends.period, period)) : eq(reminderSends.planId, planId);
  const sends = await db.select().from(reminderSends).where(where).orderBy(desc(reminderSends.id)).limit(1000);
  const attempts = sends.length
    ? await db
        .select()
        .from(reminderAttempts)
        .where(
          inArray(
            reminderAttempts.sendId,
            sends.map((s) => s.id),
          ),
        )
        .orderBy(asc(reminderAttempts.id))
    : [];
  return sends.map((s) => ({
    ...s,
    attempts: attempts.filter((a) => a.sendId === s.id).map((a) => ({ at: a.at.toISOString(), ok: a.ok, httpStatus: a.httpStatus, error: a.error })),
  }));
}

/** Sets (or with url null removes) a unit's robot; unit '' = the office's group. Audited without the secret. */
export async function setWebhook(db: Db, actor: Actor, planId: string, input: { unit?: unknown; kind?: unknown; url?: unknown; secret?: unknown }) {
  const unit = typeof input.unit === 'string' ? input.unit.trim() : '';
  const kind = input.kind as RobotKind;
  if (!ROBOT_KINDS.includes(kind))
    throw new HttpProblem(400, 'BAD_KIND', '群机器人类型须为 wecom（企业微信）、dingtalk（钉钉）或 feishu（飞书）', [
      { field: 'kind', code: 'INVALID_VALUE', message: '类型不正确' },
    ]);
  let url: URL;
  try {
    url = new URL(String(input.url ?? ''));
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error();
  } catch {
    throw new HttpProblem(400, 'BAD_URL', '群机器人地址须为 http(s) 网址', [{ field: 'url', code: 'INVALID_FORMAT', message: '地址格式不正确' }]);
  }
  const secret = typeof input.secret === 'string' && input.secret.trim() ? input.secret.trim() : null;
  await loadPlan(db, planId);
  await db.transaction(async (tx) => {
    const values = { planId, unit, kind, url: url.toString(), secret, updatedBy: actor.name, updatedAt: new Date() };
    await tx
      .insert(reminderWebhooks)
      .values(values)
      .onConflictDoUpdate({ target: [reminderWebhooks.planId, reminderWebhooks.unit], set: values });
    await tx.insert(audit).values({
      planId,
      entity: 'webhook',
      entityId: `${planId}/${unit || '(office)'}`,
      action: 'set',
      actor: actor.name,
      new: { unit, kind, host: url.host, signed: !!secret },
    });
  });
  return { unit, kind, host: url.host, signed: !!secret };
}

export async function listWebhooks(db: Db, planId: string) {
  const rows = await db.select().from(reminderWebhooks).where(eq(reminderWebhooks.planId, planId));
  // The URL carries the robot's key: show only the host.
  return rows.map((r) => ({
    unit: r.unit,
    kind: r.kind,
    host: new URL(r.url).host,
    signed: !!r.secret,
    updatedBy: r.updatedBy,
    updatedAt: r.updatedAt.toISOString(),
  }));
}

/** The scheduler in server/main.ts: a tick every `intervalMs`, one tick at a time. */
export function startReminderScheduler(db: Db, opts: { intervalMs?: number; log?: (line: string) => void } = {}): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runReminders(db, { log: opts.log, instance: `pid${process.pid}` });
    } catch (err) {
      (opts.log ?? console.error)(`催报调度出错：${(err as Error).message}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.intervalMs ?? 60_000);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
