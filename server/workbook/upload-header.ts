// Where the 清单's table starts in an uploaded sheet: the row whose cells are the COLUMNS headers
// (wherever a program moved it, in the sheet's first rows), and the message when no sheet has one.
import { COLUMNS, INPUT_KEYS, type SheetColumnKey } from '../../model/sheet';
import { cellText } from './cell-text';
import { WorkbookError } from './errors';
import { VERSION_HEADER } from './export';
import type { Cell, Workbook, Worksheet } from './xlsx';

/** Headers compare without spaces and the required-field star (*任务 = 任务). */
export const norm = (s: string) => s.replace(/[\s*＊]/g, '');
const HEADER_KEYS = new Map<string, SheetColumnKey>(COLUMNS.map((c) => [norm(c.header), c.key]));
/** The header is looked for in this many first rows of a sheet. */
export const HEADER_SCAN_ROWS = 30;

export interface Header {
  row: number;
  /** Column (1-based) of each header found; a column the user deleted is absent. */
  cols: Partial<Record<SheetColumnKey, number>>;
  /** The hidden column with the version each row was exported at, when kept. */
  versionCol?: number;
}

/** The header when this row is one: the 任务 column and at least two input columns. `values`: column → value. */
export function headerOf(row: number, values: ReadonlyMap<number, unknown>): Header | null {
  const cols: Partial<Record<SheetColumnKey, number>> = {};
  let versionCol: number | undefined;
  for (const c of [...values.keys()].sort((a, b) => a - b)) {
    const text = norm(cellText({ value: values.get(c) as Cell['value'] }));
    const key = HEADER_KEYS.get(text);
    if (key && cols[key] === undefined) cols[key] = c;
    if (text === VERSION_HEADER) versionCol = c;
  }
  const inputs = INPUT_KEYS.filter((k) => cols[k] !== undefined).length;
  if (cols.task === undefined || inputs < 2) return null;
  return { row, cols, versionCol };
}

function rowTexts(ws: Worksheet, r: number): string[] {
  const out: string[] = [];
  ws.getRow(r).eachCell({ includeEmpty: false }, (cell) => {
    if (cell.isMerged && cell.master.address !== cell.address) return;
    const t = cellText(cell);
    if (t) out.push(t.length > 12 ? `${t.slice(0, 12)}…` : t);
  });
  return out;
}

/** "找不到表头" naming what the workbook does hold, so a user sees at once which file they sent. */
export function notAQingdan(wb: Workbook): WorkbookError {
  const names = wb.worksheets.map((w) => w.name);
  const parts = [`找不到重点任务清单的表头（序号、任务、本月完成、累计完成、状态…）`];
  parts.push(`该工作簿有${names.length}个工作表：${names.slice(0, 6).join('、')}${names.length > 6 ? '等' : ''}`);
  for (const ws of wb.worksheets) {
    if (ws.rowCount === 0) continue;
    let best: { r: number; texts: string[] } | null = null;
    for (let r = 1; r <= Math.min(ws.rowCount, HEADER_SCAN_ROWS); r++) {
      const texts = rowTexts(ws, r);
      if (texts.length >= 2 && (!best || texts.length > best.texts.length)) best = { r, texts };
    }
    if (best) {
      parts.push(`工作表“${ws.name}”第${best.r}行是：${best.texts.slice(0, 8).join('、')}${best.texts.length > 8 ? '…' : ''}`);
      break;
    }
  }
  if (parts.length === 2) parts.push('各工作表中没有像表头的行');
  return new WorkbookError('NOT_A_QINGDAN', `${parts.join('。')}。请上传从本系统导出的清单`, 422);
}
