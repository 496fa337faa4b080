// Editing an exported workbook as a unit would before uploading it: find an item's row, change cells.
import { COLUMNS } from '../../model/sheet';
import { FIRST_DATA_ROW, MAIN_SHEET } from '../../server/workbook/export';
import { loadWorkbook, workbookToBuffer, type Worksheet } from '../../server/workbook/xlsx';

export const colOf = (key: string) => COLUMNS.findIndex((c) => c.key === key) + 1;

/** The sheet row holding an item (by the hidden id column). */
export function rowOf(ws: Worksheet, itemId: string): number {
  for (let r = FIRST_DATA_ROW; r <= ws.rowCount; r++) if (ws.getCell(r, colOf('id')).value === itemId) return r;
  throw new Error(itemId);
}

/** The workbook with `fn` applied to its main sheet. */
export async function edit(buf: Buffer, fn: (ws: Worksheet) => void): Promise<Buffer> {
  const wb = await loadWorkbook(buf);
  fn(wb.getWorksheet(MAIN_SHEET)!);
  return workbookToBuffer(wb);
}
