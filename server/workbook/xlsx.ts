// The one place that imports exceljs (little maintained upstream): if it has to be replaced, only this
// file and the types it re-exports change. Everything else in server/workbook works through these.
import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';

export type Workbook = ExcelJS.Workbook;
export type Worksheet = ExcelJS.Worksheet;
export type Row = ExcelJS.Row;
export type Cell = ExcelJS.Cell;
export type CellValue = ExcelJS.CellValue;
export type Style = Partial<ExcelJS.Style>;
export type Borders = Partial<ExcelJS.Borders>;
export type Fill = ExcelJS.Fill;
export type DataValidation = ExcelJS.DataValidation;
export type StreamingWorkbook = ExcelJS.stream.xlsx.WorkbookWriter;

/**
 * A streaming writer: rows are written to `stream` as they are committed. The shared-strings table is
 * kept in memory until the end, so big workbooks write their strings inline (`sharedStrings: false`).
 */
export function createStreamingWorkbook(stream: Writable, opts: { sharedStrings?: boolean } = {}): StreamingWorkbook {
  return new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: opts.sharedStrings ?? true });
}

/** Loads a whole workbook in memory. Call only on a buffer that passed checkZip (size, ratio, rows). */
export async function loadWorkbook(buffer: Buffer): Promise<Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  return wb;
}

export async function workbookToBuffer(wb: Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A validation rule over a whole range (exceljs types only expose it per cell; the model takes ranges). */
export function addValidation(ws: Worksheet, range: string, rule: DataValidation): void {
  (ws as unknown as { dataValidations: { add(address: string, v: DataValidation): void } }).dataValidations.add(range, rule);
}

/**
 * `ws.mergeCells` for a merge the caller knows overlaps no earlier one. exceljs's streaming mergeCells
 * first compares the new merge with every earlier merge of the sheet, which is quadratic: a month of
 * 25,000 tasks with several items each makes ~100,000 merges (4 per task), ~5·10⁹ comparisons. The
 * export's body merges (a section row across the table, a task's rows in 序号/任务/牵头单位/完成时限)
 * each cover rows no other merge touches, so that check can only pass; this hides the earlier merges
 * from it. The merge itself (the cells pointing at their master, the <mergeCell> written at the end)
 * is exceljs's own.
 */
export function mergeDisjoint(ws: Worksheet, top: number, left: number, bottom: number, right: number): void {
  const sheet = ws as unknown as { _merges: unknown[] };
  const earlier = sheet._merges;
  sheet._merges = [];
  try {
    ws.mergeCells(top, left, bottom, right);
  } finally {
    earlier.push(...sheet._merges);
    sheet._merges = earlier;
  }
}
