// Where things are on the add-in's sheet: the 重点任务清单 columns of model/sheet.ts, then the add-in's
// own 提示 (notes) column and a hidden 到期 column used by the "overdue" conditional format.
import { COLUMNS, COLUMN_INDEX } from '../../model/sheet';

export const HEADER_ROW = 0; // row 1
export const FIRST_DATA_ROW = 1; // row 2
export const NOTE_COL = COLUMNS.length; // 提示
export const DUE_COL = COLUMNS.length + 1; // 到期 (ISO date of the task's deadline, hidden)
export const COL_COUNT = COLUMNS.length + 2;
export const ID_COL = COLUMN_INDEX.id;
export const HEADERS = [...COLUMNS.map((c) => c.header), '提示', '到期'];

/** Section rows carry this prefix in the id column so the reader can tell them from item rows. */
export const SECTION_PREFIX = '§';

export const MARK_COLORS = {
  invalid: '#F8D7DA', // red: fails the rules
  rejected: '#F4B183', // orange: the server refused it
  conflict: '#FFE699', // yellow: changed here and on the server
  applied: '#E2EFDA', // green: accepted (cleared on the next sync)
} as const;
export type MarkKind = keyof typeof MARK_COLORS;

/** An Excel-safe sheet name (≤ 31 chars, none of []:*?/\) for a plan and month. */
export function sheetNameFor(planTitle: string, period: string): string {
  const title = planTitle.replace(/[\[\]:*?/\\'’]/g, '').replace(/\s+/g, '');
  return `${period} ${title}`.slice(0, 31).trim();
}

/** The hidden state sheet paired with a data sheet (a short stable hash: names are limited to 31). */
export function stateSheetNameFor(sheetName: string): string {
  let h = 0x811c9dc5;
  for (const ch of sheetName) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return `_qd_${h.toString(16).padStart(8, '0')}`;
}
