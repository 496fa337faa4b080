// What the add-in keeps in the workbook, next to each data sheet, in a very hidden state sheet:
// which plan and month the sheet is, the pull cursor, the last-synced snapshot (diffed to find changed
// rows), the batch sent but not yet answered, and open conflicts. It travels with the file, survives
// closing Excel mid-sync, and does not depend on row positions (keys are item ids).
import type { PushBatch } from '../../model/sync';
import { hash53 } from '../../model/ids';
import { INPUT_KEYS } from '../../model/sheet';
import type { ProgressValues } from '../../model/progress';
import type { RefusedFigure } from '../../model/number-format';
import { jsonBytes } from './batcher';
import { readRows, usedRowCount } from './read';
import { everyCell, type ExcelContext } from './types';

export interface SheetMeta {
  planId: string;
  planTitle: string;
  period: string;
  sheetName: string;
  admin: boolean;
  unit: string | null;
  cursor: string | null;
  rowCount: number; // data rows written by the last fill
  /** The office closed the month: filled read-only (no input cell unlocked). */
  closed?: boolean;
}

/**
 * Last-synced state of one item row: the version and a hash of its six input values (a hash, not the
 * values, so the snapshot of a sheet full of long texts stays small). `a` holds the admin columns
 * (目标值, 单位, 牵头单位) in admin mode.
 */
export interface SnapEntry {
  v: number;
  h: string;
  a?: [string | number | null, string, string];
  tv?: number; // target version (admin)
  t?: string; // task id (admin)
  co?: string[]; // co-lead units (admin: kept when 牵头单位 changes)
  tg?: boolean; // the row reports on a target (admin: 目标值/单位 edits go to targets/batches)
  /** Figures Excel had turned into a date/percentage, refused until retyped (model/number-format.ts). */
  x?: Partial<Record<'monthDone' | 'cumulative', RefusedFigure>>;
}

export interface Conflict {
  itemId: string;
  key: string;
  version: number; // the server's
  server: ProgressValues;
  mine: Partial<Record<string, unknown>>; // the fields I changed, as typed
}

export interface TargetBatch {
  batchId: string;
  edits: { targetId: string; baseVersion: number; fields: Record<string, unknown> }[];
}

export interface SheetState {
  meta: SheetMeta;
  snapshot: Record<string, SnapEntry>;
  pending: PushBatch | null;
  pendingTargets: TargetBatch | null;
  conflicts: Record<string, Conflict>;
}

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
  const parts: Record<string, unknown> = {};
  PARTS.forEach((part, col) => {
    let text = '';
    for (const row of rows) {
      const cell = row[col];
      if (cell === '' || cell === undefined || cell === null) break;
      text += String(cell);
    }
    parts[part] = text ? JSON.parse(text) : null;
  });
  if (!parts.meta) return null;
  return {
    meta: parts.meta as SheetMeta,
    snapshot: (parts.snapshot as SheetState['snapshot']) ?? {},
    pending: (parts.pending as PushBatch | null) ?? null,
    pendingTargets: (parts.pendingTargets as TargetBatch | null) ?? null,
    conflicts: (parts.conflicts as SheetState['conflicts']) ?? {},
  };
}
