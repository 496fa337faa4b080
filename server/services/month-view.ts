// One month as the reports show it (issue 11): for an open month computed from live data (plan with the
// targets in force that month, assignments, entries); for a closed month read from the snapshot taken
// when it was closed (server/services/snapshots.ts), so later edits never change what was published.
import { and, desc, eq, inArray, max, sql } from 'drizzle-orm';
import type { Plan } from '../../model/plan';
import { itemIdOf, previousPeriod, type Period, type PeriodId } from '../../model/progress';
import { buildRows, type SheetRow, type StoredEntry, type TaskAssignment } from '../../model/sheet';
import { rowsForUnit, SNAPSHOT_FORMAT, type BulletinHeader, type MonthSnapshot, type SnapshotRecord } from '../../model/snapshot';
import { computeStats, type PeriodStats } from '../../model/stats';
import { planAsOf, type TargetRevision } from '../../model/target-history';
import type { Db } from '../db/connect';
import { bulletinSettings, periodSnapshots } from '../db/schema';
import { ledgerCountsForBulletin } from './ledger-counts';
import { listPeriods } from './periods';
import { ensurePlan, loadAssignments, loadPlan } from './plans';
import { loadEntriesByPeriod, loadRows } from './rows';
import { loadTargetHistories } from './target-revisions';

/** A date in China (UTC+8), YYYY-MM-DD. */
export const chinaDate = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

export interface PlanContext {
  plan: Plan;
  periods: Period[];
  assignments: Map<string, TaskAssignment>;
  histories: Map<string, TargetRevision[]>;
}

export async function loadPlanContext(db: Db, planId: string): Promise<PlanContext> {
  // One query at a time: `db` may be the closing transaction (one connection).
  const plan = await loadPlan(db, planId);
  const periods = await listPeriods(db, planId);
  const assignments = await loadAssignments(db, planId);
  const histories = await loadTargetHistories(db, planId);
  return { plan, periods, assignments, histories };
}

/** Whole-plan rows of a month from live data, with the targets in force that month. */
export function liveRows(ctx: PlanContext, period: PeriodId, entries?: ReadonlyMap<string, StoredEntry>, unit?: string): SheetRow[] {
  return buildRows(planAsOf(ctx.plan, ctx.histories, period), { period, assignments: ctx.assignments, entries, unit });
}

export type { SnapshotRecord } from '../../model/snapshot';

/** The latest snapshot of a month (or the given version); null when it was never closed. */
export async function loadSnapshot(db: Db, planId: string, period: PeriodId, version?: number): Promise<SnapshotRecord | null> {
  const where = [eq(periodSnapshots.planId, planId), eq(periodSnapshots.period, period)];
  if (version !== undefined) where.push(eq(periodSnapshots.version, version));
  const [r] = await db
    .select()
    .from(periodSnapshots)
    .where(and(...where))
    .orderBy(desc(periodSnapshots.version))
    .limit(1);
  return r ? { version: r.version, closedAt: r.closedAt.toISOString(), closedBy: r.closedBy, data: r.data as MonthSnapshot } : null;
}

export async function listSnapshots(db: Db, planId: string, period: PeriodId): Promise<Omit<SnapshotRecord, 'data'>[]> {
  const rows = await db
    .select({ version: periodSnapshots.version, closedAt: periodSnapshots.closedAt, closedBy: periodSnapshots.closedBy })
    .from(periodSnapshots)
    .where(and(eq(periodSnapshots.planId, planId), eq(periodSnapshots.period, period)));
  return rows.sort((a, b) => a.version - b.version).map((r) => ({ version: r.version, closedAt: r.closedAt.toISOString(), closedBy: r.closedBy }));
}

/** The 通报 header for a month: settings, 期号 (kept once a month was numbered, else the next in sequence). */
async function bulletinHeader(db: Db, plan: Plan, period: PeriodId, issuedOn: string): Promise<BulletinHeader> {
  const [s] = await db.select().from(bulletinSettings).where(eq(bulletinSettings.planId, plan.id));
  let issueNumber: number | null = null;
  if (s) {
    // Only the numbers, not whole snapshots: closing order is issuing order; a month closed again keeps its number.
    const numbers = await db
      .select({ period: periodSnapshots.period, n: sql<number | null>`(${periodSnapshots.data}->'bulletin'->>'issueNumber')::int` })
      .from(periodSnapshots)
      .where(eq(periodSnapshots.planId, plan.id));
    const own = numbers.find((x) => x.period === period && x.n !== null);
    const used = numbers.filter((x) => x.period !== period && x.n !== null).map((x) => Number(x.n));
    issueNumber = own ? Number(own.n) : used.length ? Math.max(...used) + 1 : s.firstIssueNumber;
  }
  return { issuer: s?.issuer ?? plan.issuer ?? '规划办公室', issueNumber, issuedOn, copyTo: s?.copyTo ?? null, printedBy: s?.printedBy ?? null };
}

/**
 * Last year's 累计 at the same month, by item id: the same plan's entries for that month (a plan carried
 * over a year keeps its target ids). Empty when there are none.
 */
export async function loadLastYear(db: Db, planId: string, period: PeriodId): Promise<Record<string, number | null>> {
  const [y, m] = period.split('-');
  const before = `${Number(y) - 1}-${m}`;
  const entries = (await loadEntriesByPeriod(db, planId, [before])).get(before);
  const out: Record<string, number | null> = {};
  for (const [key, e] of entries ?? []) if (e.values.cumulative !== null) out[itemIdOf(key)] = e.values.cumulative;
  return out;
}

/** What an open month shows now, in the shape a snapshot stores (`closing` marks it closed). */
export async function liveMonth(db: Db, planId: string, period: PeriodId, opts: { closing?: boolean; now?: Date } = {}): Promise<MonthSnapshot> {
  const ctx = await loadPlanContext(db, planId);
  const meta = ctx.periods.find((p) => p.period === period);
  const prev = previousPeriod(period);
  const prevMeta = ctx.periods.find((p) => p.period === prev);
  const entries = await loadEntriesByPeriod(db, planId, [period, prev]);
  const rows = liveRows(ctx, period, entries.get(period));
  const stats = computeStats(rows, {
    period,
    year: ctx.plan.year,
    deadline: meta?.deadline,
    closed: opts.closing ? true : meta ? meta.status === 'closed' : undefined,
  });
  let previous: PeriodStats | null = null;
  const prevSnap = prevMeta?.status === 'closed' ? await loadSnapshot(db, planId, prev) : null;
  if (prevSnap) previous = prevSnap.data.stats;
  else if (prevMeta || entries.has(prev)) {
    previous = computeStats(liveRows(ctx, prev, entries.get(prev)), {
      period: prev,
      year: ctx.plan.year,
      deadline: prevMeta?.deadline,
      closed: prevMeta ? prevMeta.status === 'closed' : undefined,
    });
  }
  const next = ctx.periods.find((x) => x.period > period) ?? null;
  const { id, title, year, issuer } = ctx.plan;
  return {
    format: SNAPSHOT_FORMAT,
    plan: { id, title, year, ...(issuer ? { issuer } : {}) },
    period,
    deadline: meta?.deadline ?? null,
    rows,
    stats,
    previous,
    nextDeadline: next?.deadline ?? null,
    bulletin: await bulletinHeader(db, ctx.plan, period, chinaDate(opts.now ?? new Date())),
    ledger: await ledgerCountsForBulletin(db, planId, period),
    lastYear: await loadLastYear(db, planId, period),
  };
}

export interface MonthView {
  data: MonthSnapshot;
  /** Set when the month is read from its snapshot. */
  snapshot: Omit<SnapshotRecord, 'data'> | null;
}

/**
 * A month for stats, workbook, dashboard and 通报: the snapshot when the month is closed (the latest
 * version, or `version`), else live. A closed month without a snapshot (closed before snapshots existed)
 * is read live.
 */
export async function monthView(db: Db, planId: string, period: PeriodId, opts: { version?: number; periods?: Period[] } = {}): Promise<MonthView | null> {
  const periods = opts.periods ?? (await listPeriods(db, planId));
  const meta = periods.find((p) => p.period === period);
  if (opts.version !== undefined || meta?.status === 'closed') {
    const snap = await loadSnapshot(db, planId, period, opts.version);
    if (snap) {
      const { data, ...rest } = snap;
      return { data, snapshot: rest };
    }
    if (opts.version !== undefined) return null;
  }
  return { data: await liveMonth(db, planId, period), snapshot: null };
}

/** The months that are closed and have a snapshot: their latest rows (for the trend series). */
export async function closedMonthRows(db: Db, planId: string, months: PeriodId[]): Promise<Map<PeriodId, SheetRow[]>> {
  const out = new Map<PeriodId, SheetRow[]>();
  if (!months.length) return out;
  const latest = await db
    .select({ period: periodSnapshots.period, version: max(periodSnapshots.version) })
    .from(periodSnapshots)
    .where(and(eq(periodSnapshots.planId, planId), inArray(periodSnapshots.period, months)))
    .groupBy(periodSnapshots.period);
  for (const l of latest) {
    const snap = await loadSnapshot(db, planId, l.period, l.version ?? undefined);
    if (snap) out.set(l.period, snap.data.rows);
  }
  return out;
}

/**
 * A month's rows for the workbook (route and CLI): a closed month's as they were closed (one unit's cut
 * from them: model/snapshot.ts rowsForUnit), else live; null when `version` names no snapshot.
 */
export async function workbookMonth(
  db: Db,
  planId: string,
  period: PeriodId,
  unit: string | undefined,
  version?: number,
): Promise<{ plan: Plan; rows: SheetRow[]; lastYear: Map<string, number | null> } | null> {
  await ensurePlan(db, planId);
  const closed = version !== undefined || (await listPeriods(db, planId)).some((p) => p.period === period && p.status === 'closed');
  const view = closed ? await monthView(db, planId, period, { version }) : null;
  if (version !== undefined && !view?.snapshot) return null;
  if (view?.snapshot) {
    const { plan, rows, lastYear } = view.data;
    return { plan: { ...plan, script: 'simplified', source: '', nodes: [] }, rows: rowsForUnit(rows, unit), lastYear: new Map(Object.entries(lastYear ?? {})) };
  }
  return { ...(await loadRows(db, planId, period, { unit })), lastYear: new Map(Object.entries(await loadLastYear(db, planId, period))) };
}
