// 调整目标: a target's figures from a month on. Earlier months keep the figures they had; each month's
// 完成率 (and so 序时进度 comparisons) use the target in force in that month. Pure: the server stores
// revisions (server/db/schema.ts target_revisions) and asks these functions what applies when.
import { fieldError, type FieldError } from './errors';
import { z } from 'zod';
import { Comparator, type Plan, type PlanNode, type Target } from './plan';
import type { PeriodId } from './progress';

export type TargetFigures = { value: number; max: number | null; unit: string; comparator: Target['comparator'] };

/** An explicit confirmation that figures in `from` become figures in `to` by multiplying with `factor`. */
export const UnitConversion = z.object({ from: z.string(), to: z.string(), factor: z.number() }).meta({ id: 'UnitConversion' });
export type UnitConversion = z.infer<typeof UnitConversion>;

export const TargetRevision = z
  .object({
    value: z.number(),
    max: z.number().nullable(),
    unit: z.string(),
    comparator: Comparator,
    /** The first month it applies to; null = the original figures, from the start of the plan. */
    fromPeriod: z.string().nullable(),
    reason: z.string().nullable().optional(),
    actor: z.string().optional(),
    at: z.string().optional(),
    conversion: UnitConversion.nullable().optional(),
  })
  .meta({ id: 'TargetRevision' });
export type TargetRevision = z.infer<typeof TargetRevision>;

/** GET …/targets/{targetId}/history. */
export const TargetHistory = z
  .object({
    targetId: z.string(),
    metric: z.string(),
    version: z.number().int(),
    /** Oldest first; the first entry (fromPeriod null) is the figure as imported, when revised at all. */
    revisions: z.array(TargetRevision),
  })
  .meta({ id: 'TargetHistory' });
export type TargetHistory = z.infer<typeof TargetHistory>;

/** POST …/targets/{targetId}/revisions: the target's new version and its whole history. */
export const RevisionResult = z.object({ version: z.number().int(), replayed: z.boolean(), history: TargetHistory }).meta({ id: 'TargetRevisionResult' });
export type RevisionResult = z.infer<typeof RevisionResult>;

const sortKey = (r: Pick<TargetRevision, 'fromPeriod'>) => r.fromPeriod ?? '';

/** The revision in force in `period`: the one with the latest fromPeriod ≤ period; null when none is. */
export function revisionInForce<R extends Pick<TargetRevision, 'fromPeriod'>>(history: readonly R[], period: PeriodId): R | null {
  let best: R | null = null;
  for (const r of history) if (sortKey(r) <= period && (best === null || sortKey(r) >= sortKey(best))) best = r;
  return best;
}

/** A target with the figures in force in `period` (unchanged when it has no history). */
export function targetAsOf<T extends Pick<Target, 'value' | 'max' | 'unit' | 'comparator'>>(
  target: T,
  history: readonly TargetRevision[] | undefined,
  period: PeriodId,
): T {
  const r = history?.length ? revisionInForce(history, period) : null;
  if (!r) return target;
  const { max: _max, ...rest } = target;
  return { ...rest, value: r.value, ...(r.max != null ? { max: r.max } : {}), unit: r.unit, comparator: r.comparator } as unknown as T;
}

/** The plan as it stood in `period`: every revised target replaced by its figures in force then. */
export function planAsOf(plan: Plan, histories: ReadonlyMap<string, readonly TargetRevision[]>, period: PeriodId): Plan {
  if (histories.size === 0) return plan;
  const mapNode = (n: PlanNode): PlanNode => ({
    ...n,
    targets: n.targets.map((t) => targetAsOf(t, histories.get(t.id), period)),
    children: n.children.map(mapNode),
  });
  return { ...plan, nodes: plan.nodes.map(mapNode) };
}

export interface RevisionRequest {
  fromPeriod: PeriodId;
  value: number;
  max?: number | null;
  unit?: string;
  comparator?: Target['comparator'];
  reason: string;
  confirmUnitConversion?: UnitConversion;
}

export interface RevisionContext {
  /** The figures in force now (the latest revision, or the target as imported). */
  current: TargetFigures;
  /** The target's revisions so far (may be empty). */
  history: readonly Pick<TargetRevision, 'fromPeriod'>[];
  /** The plan's closed months: a revision may not reach back into what was published. */
  closedPeriods: readonly PeriodId[];
}

/**
 * Checks a 调整目标 request: a reason, a month after the last revision and after every closed month,
 * a real change, max ≥ value, and a unit change only with its conversion confirmed (from = the old
 * unit, to = the new one, factor > 0). Returns the new figures or the errors, each naming its field.
 */
export function checkRevision(
  req: RevisionRequest,
  ctx: RevisionContext,
): { ok: true; figures: TargetFigures; conversion: UnitConversion | null } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const figures: TargetFigures = {
    value: req.value,
    max: req.max === undefined ? (ctx.current.max !== null && req.value <= ctx.current.max ? ctx.current.max : null) : req.max,
    unit: (req.unit ?? ctx.current.unit).trim(),
    comparator: req.comparator ?? ctx.current.comparator,
  };
  if (!req.reason.trim()) errors.push(fieldError('reason', 'REASON_REQUIRED'));
  const last = ctx.history.reduce<string | null>((m, r) => (r.fromPeriod && (!m || r.fromPeriod > m) ? r.fromPeriod : m), null);
  if (last && req.fromPeriod <= last) errors.push(fieldError('fromPeriod', 'REVISION_ORDER', `上一次调整从${last}起`));
  const lastClosed = [...ctx.closedPeriods].sort().at(-1);
  if (lastClosed && req.fromPeriod <= lastClosed) errors.push(fieldError('fromPeriod', 'REVISION_IN_CLOSED_MONTH', `已关闭至${lastClosed}`));
  if (figures.max !== null && figures.max < figures.value) errors.push(fieldError('max', 'MAX_BELOW_VALUE'));
  let conversion: UnitConversion | null = null;
  if (figures.unit !== ctx.current.unit) {
    const c = req.confirmUnitConversion;
    const confirmed = c && c.from === ctx.current.unit && c.to === figures.unit && Number.isFinite(c.factor) && c.factor > 0;
    if (!confirmed) errors.push(fieldError('confirmUnitConversion', 'UNIT_CHANGE_UNCONFIRMED', `${ctx.current.unit} → ${figures.unit}`));
    else conversion = { from: c.from, to: c.to, factor: c.factor };
  }
  const same =
    figures.value === ctx.current.value &&
    figures.max === ctx.current.max &&
    figures.unit === ctx.current.unit &&
    figures.comparator === ctx.current.comparator;
  if (same) errors.push(fieldError('value', 'NO_CHANGE'));
  return errors.length ? { ok: false, errors } : { ok: true, figures, conversion };
}
