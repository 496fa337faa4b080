// What a closed month published (issue 11): the rows, the stats and the 通报's header as they were when
// the office closed the month. The server stores one per close (versioned, server/services/snapshots.ts);
// stats, workbook, dashboard and 通报 of a closed month are computed from it, never from live data.
import type { LedgerCounts } from './ledger';
import type { PeriodId } from './progress';
import { takesPart, type SheetRow, type SectionRow } from './sheet';
import type { PeriodStats } from './stats';

export const SNAPSHOT_FORMAT = 1;

/** The 通报's header and 版记 as sent (fixed at close). */
export interface BulletinHeader {
  issuer: string;
  /** 期号; null = the month's number (no per-plan sequence set up). */
  issueNumber: number | null;
  /** 成文日期, YYYY-MM-DD: the day the month was closed (China time) unless the office chose another. */
  issuedOn: string;
  copyTo: string | null;
  printedBy: string | null;
}

/** Counts from the 问题台账 as printed in the 通报 (zero when the plan keeps no ledger). */
// The 问题台账 figures of the month (new, closed, open, overdue), as model/ledger.ts counts them.
export type { LedgerCounts } from './ledger';

export interface MonthSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  plan: { id: string; title: string; year: number | null; issuer?: string };
  period: PeriodId;
  deadline: string | null;
  /** buildRows() of the whole plan (with the targets in force that month). */
  rows: SheetRow[];
  stats: PeriodStats;
  /** Last month's stats as the 通报 compared them (the closed version when last month was closed). */
  previous: PeriodStats | null;
  nextDeadline: string | null;
  bulletin: BulletinHeader;
  ledger: LedgerCounts;
  /** Last year's 累计 at the same month by item id (固定资产投资 同比), where stored. */
  lastYear?: Record<string, number | null>;
}

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
