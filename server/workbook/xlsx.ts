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
