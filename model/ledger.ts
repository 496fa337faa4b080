// 问题台账 (issue 10): every non-empty 存在问题 opens (or keeps up to date) a ledger item; an item is
// closed only by 销号 with a note. Pure derivation and counting; storage is server/services/ledger.ts.
//
// Identity: the same item while a row keeps saying the same thing. Key = item (task or target) + the
// text (whitespace-normalised). The month it first appears is 'raisedIn'; later months with the same
// text only refresh 整改措施 (下步计划) and lastSeenIn. A changed text is a new item; the old one stays open
// until 销号 (an office does not want a problem to vanish because a unit rephrased it).
import { z } from 'zod';
import { hash53 } from './ids';
import { nextPeriod } from './period-math';
import { PeriodId, periodEnd } from './progress';
import type { ItemRow } from './sheet';

export interface DerivedItem {
  key: string;
  itemId: string;
  taskId: string;
  task: string; // "3 重点任务3 · 任务3投资"
  unit: string; // the unit that reported it (lead unit when the office entered it)
  owner: string; // the lead unit(s), who answer for the 整改
  text: string;
  measures: string | null; // 整改措施 = 下步计划 of the latest month with this text
  raisedIn: PeriodId;
  lastSeenIn: PeriodId;
  due: string; // 整改期限: the end of the month after it was raised
}

export function normaliseText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function ledgerKey(itemId: string, text: string): string {
  return `${itemId}#${hash53(normaliseText(text)).toString(36)}`;
}

/** 整改期限 of an item raised in `period`: by the end of the next month's report. */
export function ledgerDue(period: PeriodId): string {
  return periodEnd(nextPeriod(period));
}

/** The unit named in updated_by ("综合规划处#7"), or null for the office ("admin#1"). */
export function unitOfActor(updatedBy: string | null | undefined): string | null {
  if (!updatedBy) return null;
  const name = updatedBy.replace(/#\d+$/, '');
  return name === 'admin' || name === 'viewer' || name === 'reporter' || name === 'test' ? null : name;
}

/** Rows of several months (oldest first is not required) → one derived item per key. */
export function deriveLedgerItems(months: readonly { period: PeriodId; rows: readonly (ItemRow & { updatedBy?: string | null })[] }[]): DerivedItem[] {
  const byKey = new Map<string, DerivedItem>();
  for (const { period, rows } of [...months].sort((a, b) => a.period.localeCompare(b.period))) {
    for (const row of rows) {
      const text = row.values.problems ? normaliseText(row.values.problems) : '';
      if (!text) continue;
      const key = ledgerKey(row.itemId, text);
      const owner = row.lead.join('、') || '未分配';
      const seen = byKey.get(key);
      if (seen) {
        seen.lastSeenIn = period;
        seen.measures = row.values.nextSteps ?? seen.measures;
        continue;
      }
      byKey.set(key, {
        key,
        itemId: row.itemId,
        taskId: row.taskId,
        task: `${row.number} ${row.task}${row.metric ? ` · ${row.metric}` : ''}`,
        unit: unitOfActor(row.updatedBy) ?? owner,
        owner,
        text,
        measures: row.values.nextSteps,
        raisedIn: period,
        lastSeenIn: period,
        due: ledgerDue(period),
      });
    }
  }
  return [...byKey.values()];
}

export interface LedgerState {
  raisedIn: PeriodId;
  due: string;
  status: 'open' | 'closed';
  /** The Shanghai month it was closed in (null while open). */
  closedIn: PeriodId | null;
}

/** Open at the end of `period`: raised by then and not closed by then — what carries into the next month. */
export function openAt(item: LedgerState, period: PeriodId): boolean {
  return item.raisedIn <= period && (item.status === 'open' || (item.closedIn !== null && item.closedIn > period));
}

export const LedgerCounts = z
  .object({
    period: PeriodId,
    new: z.number().int(), // raised this month
    closed: z.number().int(), // 销号 this month
    open: z.number().int(), // open at the end of the month (carried forward)
    overdue: z.number().int(), // open at the end of the month and past its 整改期限
  })
  .meta({ id: 'LedgerCounts' });
export type LedgerCounts = z.infer<typeof LedgerCounts>;

/** The 通报's ledger figures for a month. */
export function ledgerCounts(items: readonly LedgerState[], period: PeriodId): LedgerCounts {
  const end = periodEnd(period);
  let n = 0,
    closed = 0,
    open = 0,
    overdue = 0;
  for (const it of items) {
    if (it.raisedIn === period) n++;
    if (it.status === 'closed' && it.closedIn === period) closed++;
    if (openAt(it, period)) {
      open++;
      if (it.due < end) overdue++;
    }
  }
  return { period, new: n, closed, open, overdue };
}

/** A ledger item as the API lists it (GET …/ledger). */
export const LedgerEvidence = z
  .object({ id: z.number().int(), name: z.string(), contentType: z.string(), size: z.number().int() })
  .meta({ id: 'LedgerEvidence' });
export const LedgerItemView = z
  .object({
    id: z.number().int(),
    status: z.enum(['open', 'closed']),
    text: z.string(),
    task: z.string(),
    taskId: z.string(),
    itemId: z.string(),
    unit: z.string(),
    owner: z.string(),
    raisedIn: z.string(),
    lastSeenIn: z.string(),
    measures: z.string().nullable(),
    due: z.string(),
    overdue: z.boolean(),
    closedAt: z.string().nullable(),
    closedBy: z.string().nullable(),
    closeNote: z.string().nullable(),
    reviewNote: z.string().nullable(),
    evidence: z.array(LedgerEvidence),
  })
  .meta({ id: 'LedgerItem' });
export type LedgerItemView = z.infer<typeof LedgerItemView>;

/** POST …/ledger/{itemId}/close: the 销号 (a retry of the same one: replayed, without evidenceId). */
export const LedgerCloseResult = z
  .object({
    id: z.number().int(),
    status: z.literal('closed'),
    closedAt: z.string(),
    evidenceId: z.number().int().nullable().optional(),
    replayed: z.boolean(),
  })
  .meta({ id: 'LedgerCloseResult' });
export type LedgerCloseResult = z.infer<typeof LedgerCloseResult>;

/** POST …/ledger/{itemId}/refuse | reopen: the item open again, with the office's reason. */
export const LedgerReopenResult = z.object({ id: z.number().int(), status: z.literal('open'), reviewNote: z.string() }).meta({ id: 'LedgerReopenResult' });
export type LedgerReopenResult = z.infer<typeof LedgerReopenResult>;
