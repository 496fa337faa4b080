// What the add-in keeps in the workbook, next to each data sheet, in a very hidden state sheet:
// which plan and month the sheet is, the pull cursor, the last-synced snapshot (diffed to find changed
// rows), the batch sent but not yet answered, and open conflicts. It travels with the file, survives
// closing Excel mid-sync, and does not depend on row positions (keys are item ids).
import { hash53 } from '../../model/ids';
import { INPUT_KEYS } from '../../model/sheet';
import type { ProgressValues } from '../../model/progress';
import { jsonBytes } from './batcher';
import { readRows, usedRowCount } from './read';
import { parseState, type SheetState } from '../state-format';
import { everyCell, type ExcelApi, type ExcelContext } from './types';

// The parts' shapes and their zod schemas (with the migration of old short-key snapshots): state-format.ts.
export { StateSheetError, type Conflict, type SheetMeta, type SheetState, type SnapEntry, type TargetBatch } from '../state-format';

const CHUNK = 8_000; // a cell holds at most 32,767 characters; small cells pack requests tightly
const PARTS = ['meta', 'snapshot', 'pending', 'pendingTargets', 'conflicts'] as const;
type Part = (typeof PARTS)[number];

function chunks(value: unknown): string[] {
  const text = JSON.stringify(value);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += CHUNK) out.push(text.slice(i, i + CHUNK));
  return out.length ? out : ['null'];
}

/** The six input values hashed (model/ids.ts cyrb53, base 36): what the snapshot keeps per row. */
export function valuesHash(v: ProgressValues): string {
  return hash53(JSON.stringify(INPUT_KEYS.map((k) => v[k]))).toString(36);
}

/** One queued write of a slice of the state sheet, with its size, for the byte-budgeted batcher. */
export interface StateWrite {
  bytes: number;
  enqueue: () => void;
}

/**
 * The writes of the given parts (one column each; an empty cell ends a part), split so that no single
 * write is bigger than `maxBytes` (a big snapshot spans several requests). `sheet` is the state sheet.
 */
export function stateWrites(sheet: Excel.Worksheet, parts: Partial<SheetState>, maxBytes = 64 * 1024): StateWrite[] {
  const out: StateWrite[] = [];
  for (const part of Object.keys(parts) as Part[]) {
    const col = PARTS.indexOf(part);
    const cells = [...chunks(parts[part]), ''];
    let start = 0;
    while (start < cells.length) {
      let end = start;
      let bytes = 0;
      while (end < cells.length && (end === start || bytes + jsonBytes(cells[end]) + 4 <= maxBytes)) bytes += jsonBytes(cells[end++]) + 4;
      const slice = cells.slice(start, end).map((c) => [c]);
      const row = start;
      out.push({
        bytes: bytes + 200,
        enqueue: () => {
          const range = sheet.getRangeByIndexes(row, col, slice.length, 1);
          range.numberFormat = everyCell('@'); // the JSON must never be read as a number or a formula
          range.values = slice;
        },
      });
      start = end;
    }
  }
  return out;
}

export async function readState(ctx: ExcelContext, stateSheetName: string): Promise<SheetState | null> {
  const sheet = ctx.workbook.worksheets.getItemOrNullObject(stateSheetName);
  sheet.load('isNullObject');
  await ctx.sync();
  if (sheet.isNullObject) return null;
  const rows = await readRows(ctx, sheet, 0, await usedRowCount(ctx, sheet), PARTS.length);
  const texts: Record<string, string | null> = {};
  PARTS.forEach((part, col) => {
    let text = '';
    for (const row of rows) {
      const cell = row[col];
      if (cell === '' || cell === undefined || cell === null) break;
      text += String(cell);
    }
    texts[part] = text || null;
  });
  return parseState(stateSheetName, texts as Record<Part, string | null>);
}

/** readState in its own Excel request, for callers outside addin/excel (the controller). */
export function loadState(excel: ExcelApi, stateSheetName: string): Promise<SheetState | null> {
  return excel.run((ctx) => readState(ctx, stateSheetName));
}
