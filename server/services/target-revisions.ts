// 调整目标 (issue 11): a target change that applies from a month on. The revision rows are the history;
// `targets` keeps the latest figures (what the targets workbook shows and edits). Which figures a month
// uses: model/target-history.ts planAsOf over loadTargetHistories().
import { and, asc, eq } from 'drizzle-orm';
import { anyText } from '../db/any-of';
import { fieldError, type FieldError } from '../../model/errors';
import type { Target } from '../../model/plan';
import {
  checkRevision,
  type RevisionRequest,
  type TargetFigures,
  type TargetHistory,
  type TargetRevision,
  type UnitConversion,
} from '../../model/target-history';
import type { Actor } from '../auth/tokens';
import type { Db } from '../db/connect';
import { audit, periods, targetRevisions, targets } from '../db/schema';

type RevisionRow = typeof targetRevisions.$inferSelect;
const toRevision = (r: RevisionRow): TargetRevision => ({
  fromPeriod: r.fromPeriod,
  value: r.value,
  max: r.max,
  unit: r.unit,
  comparator: r.comparator as Target['comparator'],
  reason: r.reason,
  actor: r.actor,
  at: r.at.toISOString(),
  conversion: (r.conversion as UnitConversion | null) ?? null,
});

/** Every revised target's history, oldest first; targets never revised are absent. `targetIds`: only those. */
export async function loadTargetHistories(db: Db, planId: string, targetIds?: readonly string[]): Promise<Map<string, TargetRevision[]>> {
  const where = targetIds ? and(eq(targetRevisions.planId, planId), anyText(targetRevisions.targetId, targetIds)) : eq(targetRevisions.planId, planId);
  const rows = await db.select().from(targetRevisions).where(where).orderBy(asc(targetRevisions.id));
  const out = new Map<string, TargetRevision[]>();
  for (const r of rows) {
    if (!out.has(r.targetId)) out.set(r.targetId, []);
    out.get(r.targetId)!.push(toRevision(r));
  }
  return out;
}

export type { TargetHistory } from '../../model/target-history';

export async function targetHistory(db: Db, planId: string, targetId: string): Promise<TargetHistory | null> {
  const [t] = await db
    .select()
    .from(targets)
    .where(and(eq(targets.planId, planId), eq(targets.id, targetId)));
  if (!t) return null;
  const rows = await db
    .select()
    .from(targetRevisions)
    .where(and(eq(targetRevisions.planId, planId), eq(targetRevisions.targetId, targetId)))
    .orderBy(asc(targetRevisions.id));
  const revisions = rows.length
    ? rows.map(toRevision)
    : [
        {
          fromPeriod: null,
          value: t.value,
          max: t.max,
          unit: t.unit,
          comparator: t.comparator as Target['comparator'],
          reason: null,
          actor: t.updatedBy ?? undefined,
          at: t.updatedAt.toISOString(),
          conversion: null,
        },
      ];
  return { targetId, metric: t.metric, version: t.version, revisions };
}

export type ReviseOutcome =
  | { ok: true; version: number; replayed: boolean; history: TargetHistory }
  | { ok: false; status: 400 | 404 | 409; code: string; message: string; errors: FieldError[] };

/**
 * Records a revision from `req.fromPeriod` on and makes it the target's current figures, in one
 * transaction (target row locked), audited. `baseVersion` when given must be the target's version
 * (409 otherwise). Refused: see model/target-history.ts checkRevision.
 */
export async function reviseTarget(
  db: Db,
  actor: Actor,
  planId: string,
  targetId: string,
  req: RevisionRequest & { baseVersion?: number },
): Promise<ReviseOutcome> {
  return db.transaction(async (tx) => {
    const [cur] = await tx
      .select()
      .from(targets)
      .where(and(eq(targets.planId, planId), eq(targets.id, targetId)))
      .for('update');
    if (!cur)
      return {
        ok: false,
        status: 404,
        code: 'UNKNOWN_KEY',
        message: `找不到该指标：${targetId}`,
        errors: [fieldError('targetId', 'UNKNOWN_KEY', targetId)],
      } as const;
    if (req.baseVersion !== undefined && req.baseVersion !== cur.version) {
      return {
        ok: false,
        status: 409,
        code: 'CONFLICT',
        message: `该指标已被修改（当前版本${cur.version}），请刷新后重试`,
        errors: [fieldError('baseVersion', 'UNKNOWN_KEY', `当前版本${cur.version}`)],
      } as const;
    }
    const history = await tx
      .select()
      .from(targetRevisions)
      .where(and(eq(targetRevisions.planId, planId), eq(targetRevisions.targetId, targetId)))
      .orderBy(asc(targetRevisions.id));
    if (isRetry(history.at(-1), req)) {
      return { ok: true, version: cur.version, replayed: true, history: (await targetHistory(tx as unknown as Db, planId, targetId))! } as const;
    }
    const closed = await tx
      .select({ period: periods.period })
      .from(periods)
      .where(and(eq(periods.planId, planId), eq(periods.status, 'closed')));
    const current: TargetFigures = { value: cur.value, max: cur.max, unit: cur.unit, comparator: cur.comparator as Target['comparator'] };
    const check = checkRevision(req, { current, history, closedPeriods: closed.map((p) => p.period) });
    if (!check.ok) {
      const code = check.errors[0].code;
      return { ok: false, status: 400, code, message: check.errors.map((e) => e.message).join('；'), errors: check.errors } as const;
    }
    const updated = await recordRevision(tx as unknown as Db, actor, { planId, targetId, req, cur, current, first: history.length === 0, ...check });
    const h = await targetHistory(tx as unknown as Db, planId, targetId);
    return { ok: true, version: updated.version, replayed: false, history: h! } as const;
  });
}

/** A retry of the revision just recorded (same month, figures and reason) answers as before. */
function isRetry(last: RevisionRow | undefined, req: RevisionRequest): boolean {
  return (
    !!last &&
    last.fromPeriod === req.fromPeriod &&
    last.value === req.value &&
    last.reason === req.reason.trim() &&
    (req.unit === undefined || req.unit.trim() === last.unit) &&
    (req.comparator === undefined || req.comparator === last.comparator) &&
    (req.max === undefined || req.max === last.max)
  );
}

interface RevisionWrite {
  planId: string;
  targetId: string;
  req: RevisionRequest;
  cur: typeof targets.$inferSelect;
  current: TargetFigures;
  /** No revision recorded yet: the figures before it are stored first. */
  first: boolean;
  figures: TargetFigures;
  conversion: UnitConversion | null;
}

/** The revision's rows: the one before the first revision, the revision, the target's new figures, the audit. */
async function recordRevision(tx: Db, actor: Actor, w: RevisionWrite): Promise<typeof targets.$inferSelect> {
  const { planId, targetId, req, cur, current } = w;
  const check = { figures: w.figures, conversion: w.conversion };
  const now = new Date();
  if (w.first) {
    // The figures as they were before any revision, in force until the first one.
    await tx
      .insert(targetRevisions)
      .values({ planId, targetId, fromPeriod: null, ...current, reason: null, actor: cur.updatedBy ?? 'import', at: cur.updatedAt });
  }
  await tx.insert(targetRevisions).values({
    planId,
    targetId,
    fromPeriod: req.fromPeriod,
    ...check.figures,
    reason: req.reason.trim(),
    conversion: check.conversion,
    actor: actor.name,
    at: now,
  });
  const [updated] = await tx
    .update(targets)
    .set({ ...check.figures, version: cur.version + 1, updatedBy: actor.name, updatedAt: now })
    .where(and(eq(targets.planId, planId), eq(targets.id, targetId)))
    .returning();
  await tx.insert(audit).values({
    planId,
    entity: 'target',
    entityId: targetId,
    action: 'revise',
    actor: actor.name,
    at: now,
    old: { version: cur.version, ...current },
    new: { version: updated.version, ...check.figures, fromPeriod: req.fromPeriod, reason: req.reason.trim(), conversion: check.conversion },
  });
  return updated;
}

/**
 * A plain target edit (targets batch / targets workbook) corrects the figures currently in force: the
 * latest revision row follows it, so the history never disagrees with the target.
 */
export async function correctLatestRevision(tx: Db, planId: string, targetId: string, figures: TargetFigures): Promise<void> {
  const rows = await tx
    .select({ id: targetRevisions.id })
    .from(targetRevisions)
    .where(and(eq(targetRevisions.planId, planId), eq(targetRevisions.targetId, targetId)))
    .orderBy(asc(targetRevisions.id));
  const last = rows.at(-1);
  if (last) await tx.update(targetRevisions).set(figures).where(eq(targetRevisions.id, last.id));
}
