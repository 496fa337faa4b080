// What a closed month published (issue 11): the rows, the stats and the 通报's header as they were when
// the office closed the month. The server stores one per close (versioned, server/services/snapshots.ts);
// stats, workbook, dashboard and 通报 of a closed month are computed from it, never from live data.
import { z } from 'zod';
import { LedgerCounts } from './ledger';
import { PeriodId } from './progress';
import { SheetRow, takesPart, type SectionRow } from './sheet';
import { PeriodStats } from './stats';

export const SNAPSHOT_FORMAT = 1 as const;

/** The 通报's header and 版记 as sent (fixed at close). */
export const BulletinHeader = z
  .object({
    issuer: z.string(),
    /** 期号; null = the month's number (no per-plan sequence set up). */
    issueNumber: z.number().int().nullable(),
    /** 成文日期, YYYY-MM-DD: the day the month was closed (China time) unless the office chose another. */
    issuedOn: z.string(),
    copyTo: z.string().nullable(),
    printedBy: z.string().nullable(),
  })
  .meta({ id: 'BulletinHeader' });
export type BulletinHeader = z.infer<typeof BulletinHeader>;

// The 问题台账 figures of the month (new, closed, open, overdue), as model/ledger.ts counts them.
export type { LedgerCounts } from './ledger';

export const MonthSnapshot = z
  .object({
    format: z.literal(SNAPSHOT_FORMAT),
    plan: z.object({ id: z.string(), title: z.string(), year: z.number().int().nullable(), issuer: z.string().optional() }),
    period: PeriodId,
    deadline: z.string().nullable(),
    /** buildRows() of the whole plan (with the targets in force that month). */
    rows: z.array(SheetRow),
    stats: PeriodStats,
    /** Last month's stats as the 通报 compared them (the closed version when last month was closed). */
    previous: PeriodStats.nullable(),
    nextDeadline: z.string().nullable(),
    bulletin: BulletinHeader,
    ledger: LedgerCounts,
    /** Last year's 累计 at the same month by item id (固定资产投资 同比), where stored. */
    lastYear: z.record(z.string(), z.number().nullable()).optional(),
  })
  .meta({ id: 'MonthSnapshot' });
export type MonthSnapshot = z.infer<typeof MonthSnapshot>;

/** One close of a month: its version, when and by whom. */
export const SnapshotVersion = z.object({ version: z.number().int(), closedAt: z.string(), closedBy: z.string() }).meta({ id: 'SnapshotVersion' });
export type SnapshotVersion = z.infer<typeof SnapshotVersion>;

/** GET …/snapshots/{version}: one stored close. */
export const SnapshotRecord = SnapshotVersion.extend({ data: MonthSnapshot }).meta({ id: 'SnapshotRecord' });
export type SnapshotRecord = z.infer<typeof SnapshotRecord>;

/** GET …/stats: the month's stats, and the closed version they were read from (null: live). */
export const PeriodStatsView = PeriodStats.extend({ snapshot: SnapshotVersion.nullable() }).meta({ id: 'PeriodStatsView' });
export type PeriodStatsView = z.infer<typeof PeriodStatsView>;

/**
 * One unit's rows out of the whole plan's (what buildRows(plan, {unit}) gives): the items it leads or
 * co-leads, each preceded by the section rows above it that are not yet shown.
 */
export function rowsForUnit(rows: readonly SheetRow[], unit: string | undefined): SheetRow[] {
  if (!unit) return [...rows];
  const out: SheetRow[] = [];
  let pending: SectionRow[] = [];
  for (const row of rows) {
    if (row.kind === 'section') {
      pending = pending.filter((s) => s.depth < row.depth);
      pending.push(row);
      continue;
    }
    if (!takesPart(row, unit)) continue;
    out.push(...pending, row);
    pending = [];
  }
  return out;
}
