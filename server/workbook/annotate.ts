// The annotated copy of an uploaded workbook: each cell the server could not take gets a red fill and a
// note with the Chinese message; rows someone else changed meanwhile get an orange fill and a note.
import type { FieldError } from '../../model/errors';
import type { PushResponse } from '../../model/sync';
import type { InputKey } from '../../model/sheet';
import type { CellError } from './errors';
import { loadWorkbook, workbookToBuffer, type Worksheet } from './xlsx';

const RED = { type: 'pattern' as const, pattern: 'solid' as const, fgColor: { argb: 'FFFFC7CE' } };
const ORANGE = { type: 'pattern' as const, pattern: 'solid' as const, fgColor: { argb: 'FFFFEB9C' } };

/** The annotated copy's file name: 清单.xlsx → 清单（批注）.xlsx. */
export const annotatedName = (name = 'upload.xlsx') => name.replace(/(\.xlsx)?$/i, '（批注）.xlsx');

function mark(ws: Worksheet, address: string, fill: typeof RED, text: string): void {
  const cell = ws.getCell(address);
  // exceljs shares one style object between the cells that had the same style when read: setting
  // `fill` on it would colour all of them (issue 12: every input cell pink). Give this cell its own.
  cell.style = { ...structuredClone(cell.style), fill };
  const prev = typeof cell.note === 'string' ? cell.note : '';
  cell.note = prev ? `${prev}\n${text}` : text;
}

/** A note without a fill: the cell was read but not used as written (a locked column changed, an amount converted). */
export function markNotices(ws: Worksheet, notices: Pick<CellError, 'cell' | 'message'>[], tag: string): void {
  for (const n of notices) {
    const cell = ws.getCell(n.cell);
    const prev = typeof cell.note === 'string' ? cell.note : '';
    cell.note = prev ? `${prev}\n【${tag}】${n.message}` : `【${tag}】${n.message}`;
  }
}

export function markCells(ws: Worksheet, errors: Pick<CellError, 'cell' | 'message'>[]): void {
  for (const e of errors) mark(ws, e.cell, RED, `【未保存】${e.message}`);
}

export interface RowPlace {
  row: number;
  key: string;
  cells: Partial<Record<InputKey, string>>;
}

/** Marks the push service's rejections and conflicts on the cells they are about. */
/** With `ws` null only the errors are returned (the upload marks a loaded copy only when one is wanted). */
export function markResults(
  ws: Worksheet | null,
  places: RowPlace[],
  response: PushResponse,
  conflictMessage: (key: string) => string | undefined = () => undefined,
): (FieldError & { cell?: string })[][] {
  const byKey = new Map(places.map((p) => [p.key, p]));
  return response.results.map((res) => {
    const place = byKey.get(res.key);
    if (!place) return [];
    const anyCell = Object.values(place.cells)[0];
    if (res.outcome === 'rejected') {
      return res.errors.map((e) => {
        const cell = place.cells[e.field as InputKey] ?? anyCell;
        if (cell && ws) mark(ws, cell, RED, `【未保存】${e.message}`);
        return { ...e, cell };
      });
    }
    if (res.outcome === 'conflict') {
      const text = conflictMessage(res.key) ?? `该行已被他人修改（服务器版本${res.version}），请重新导出后再填报`;
      if (ws) for (const cell of Object.values(place.cells)) mark(ws, cell!, ORANGE, `【未保存】${text}`);
    }
    return [];
  });
}

/** The whole workbook in memory with `mark` applied to the upload's sheet, or null when it is too large
 *  to load (more than `maxCells` cells, LIMITS.annotateCells), cannot be loaded, or the sheet is not found: the caller then
 *  returns the file unmarked. */
export async function annotatedCopy(source: Buffer, sheet: string, cells: number, maxCells: number, mark: (ws: Worksheet) => void): Promise<Buffer | null> {
  if (cells > maxCells) return null;
  // A part the upload never read (another sheet) may not be well formed XML: the zip check counts tags, it
  // does not parse (server/workbook/sheet-scan.ts). Then there is no marked copy, as above the cell bound.
  const wb = await loadWorkbook(source).catch(() => null);
  if (!wb) return null;
  const ws = wb.worksheets.find((w) => w.name === sheet);
  if (!ws) return null;
  mark(ws);
  return workbookToBuffer(wb);
}
