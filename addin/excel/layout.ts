// Where things are on the add-in's sheet: the 重点任务清单 columns of model/sheet.ts, then the add-in's
// own 提示 (notes) column and a hidden 截止日期 column used by the "overdue" conditional format.
import { COLUMNS, COLUMN_INDEX } from '../../model/sheet';

// Rows here are 0-based indexes (getRangeByIndexes): *_ROW_INDEX. The export's *_ROW constants
// (server/workbook/export.ts, exceljs) are 1-based row numbers as Excel shows them. The header is index 0.
export const FIRST_DATA_ROW_INDEX = 1; // row 2
export const NOTE_COL = COLUMNS.length; // 提示
export const DUE_COL = COLUMNS.length + 1; // 截止日期 (ISO date of the task's deadline, hidden)
/** 上月累计: last month's stored 累计完成, read-only (校验 checks 累计 against it). After the helpers, as the export does, so COLUMNS keeps its order. */
export const PREV_COL = COLUMNS.length + 2;
export const COL_COUNT = COLUMNS.length + 3;
export const ID_COL = COLUMN_INDEX.id;
export const HEADERS = [...COLUMNS.map((c) => c.header), '提示', '截止日期', '上月累计'];

/** Section rows carry this prefix in the id column so the reader can tell them from item rows. */
export const SECTION_PREFIX = '§';

export const MARK_COLORS = {
  invalid: '#F8D7DA', // red: fails the rules
  rejected: '#F4B183', // orange: the server refused it
  conflict: '#FFE699', // yellow: changed here and on the server
  applied: '#E2EFDA', // green: accepted (cleared on the next sync)
} as const;
export type MarkKind = keyof typeof MARK_COLORS;

/** Locked model columns are shaded grey (help.html: 灰色列不可编辑); input columns stay white. */
export const LOCKED_FILL = '#F2F2F2';

/** The runs [first column, width] of locked model columns on item rows: 序号…完成时限 and 完成率 (admin: 目标值…牵头单位 open). */
export function lockedRuns(admin: boolean): [number, number][] {
  const c = COLUMN_INDEX;
  return admin
    ? [
        [0, c.targetValue],
        [c.deadline, 1],
        [c.rate, 1],
        [PREV_COL, 1],
      ]
    : [
        [0, c.monthDone],
        [c.rate, 1],
        [PREV_COL, 1],
      ];
}

function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/**
 * An Excel-safe sheet name (≤ 31 chars, none of []:*?/\) for a plan and month: "2026-03 <title>".
 * A title cut to fit gets a tag from the plan id ("…~3f2a"), so two plans whose titles share a long
 * prefix get different sheets; `tagged` forces the tag (a sheet of that name is another plan's).
 */
export function sheetNameFor(planTitle: string, period: string, planId?: string, tagged = false): string {
  const title = planTitle.replace(/[\[\]:*?/\\'’]/g, '').replace(/\s+/g, '');
  const full = `${period} ${title}`;
  if (!planId || (!tagged && full.length <= 31)) return full.slice(0, 31).trim();
  const tag = `~${fnv(planId).slice(0, 4)}`;
  return `${full.slice(0, 31 - tag.length).trim()}${tag}`;
}

/** The very hidden state sheet of a plan's month: keyed by plan id and month, not by the sheet's name. */
export function stateSheetNameFor(planId: string, period: string): string {
  return `_qd_${fnv(`${planId}@${period}`)}`;
}
