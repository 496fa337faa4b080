// Reading the data sheet back, and writing results into it: server values into input cells, marks
// (fill colour on the cell + the message in the 提示 column), and the state — unprotect → write →
// protect inside the same requests, chunked by bytes like the fill.
import { COLUMN_INDEX, INPUT_KEYS, colLetter, type InputKey } from '../../model/sheet';
import type { ProgressValues } from '../../model/progress';
import { Batcher, jsonBytes } from './batcher';
import { PROTECT_OPTIONS } from './fill';
import { COL_COUNT, FIRST_DATA_ROW_INDEX, ID_COL, LOCKED_FILL, lockedRuns, MARK_COLORS, NOTE_COL, SECTION_PREFIX, type MarkKind } from './layout';
import { readBlocks, usedRowCount } from './read';
import { readState, StateSheetError, stateWrites, type SheetState } from './state';
import type { ExcelApi, ExcelContext } from './types';

export interface RowRead {
  row: number; // 0-based sheet row
  itemId: string;
  cells: unknown[]; // COL_COUNT cells
  /** numberFormat and shown text of 本月完成 and 累计完成 (model/number-format.ts judges them). */
  figureFormats?: [string, string];
  figureTexts?: [string, string];
}

export interface SheetRead {
  state: SheetState;
  rows: RowRead[];
}

export async function readSheet(excel: ExcelApi, sheetName: string, stateSheetName: string): Promise<SheetRead> {
  return excel.run(async (ctx) => {
    const state = await readState(ctx, stateSheetName);
    if (!state) throw new Error(`工作表“${sheetName}”没有清单状态，请先填充`);
    const sheet = ctx.workbook.worksheets.getItem(sheetName);
    const total = await usedRowCount(ctx, sheet);
    const figures = { col: COLUMN_INDEX.monthDone, count: 2 }; // 本月完成, 累计完成 are adjacent
    const read =
      total > FIRST_DATA_ROW_INDEX
        ? await readBlocks(ctx, sheet, FIRST_DATA_ROW_INDEX, total - FIRST_DATA_ROW_INDEX, COL_COUNT, figures)
        : { values: [], formats: [], texts: [] };
    const rows: RowRead[] = [];
    read.values.forEach((cells, k) => {
      const id = String(cells[ID_COL] ?? '').trim();
      if (id && !id.startsWith(SECTION_PREFIX)) {
        rows.push({
          row: FIRST_DATA_ROW_INDEX + k,
          itemId: id,
          cells,
          figureFormats: read.formats[k] as [string, string],
          figureTexts: read.texts[k] as [string, string],
        });
      }
    });
    return { state, rows };
  });
}

export interface Mark {
  row: number;
  col: number; // the cell marked; NOTE_COL alone for a row-level message
  kind: MarkKind;
  message: string;
  /** Put the cell's number format back to General (Excel had made it a date or a percentage). */
  resetFormat?: boolean;
}

export interface SheetUpdate {
  /** Server values to put into a row's input cells. */
  writes?: { row: number; values: ProgressValues }[];
  /** Replace all marks with these (clears previous fills and notes on the data rows). */
  marks?: Mark[];
  /** Add the marks to those already shown instead of replacing them. */
  keepMarks?: boolean;
  state?: Partial<SheetState>;
  select?: { row: number; col: number };
  /** Admin mode sheet (its 目标值…牵头单位 columns are open, so not shaded). */
  admin?: boolean;
}

export function cellAddress(row: number, col: number): string {
  return `${colLetter(col)}${row + 1}`;
}

function inputCells(v: ProgressValues): (string | number)[][] {
  const x = (k: InputKey) => v[k] ?? '';
  return [
    [x('monthDone'), x('cumulative')],
    [x('status'), x('progress'), x('problems'), x('nextSteps')],
  ];
}

export async function updateSheet(excel: ExcelApi, sheetName: string, stateSheetName: string, update: SheetUpdate): Promise<number> {
  return excel.run(async (ctx: ExcelContext) => {
    const sheet = ctx.workbook.worksheets.getItem(sheetName);
    const state = ctx.workbook.worksheets.getItem(stateSheetName);
    const touchesSheet = !!(update.writes?.length || update.marks);
    let total = 0;
    let wasProtected = false;
    if (touchesSheet) {
      // Only writes to the data sheet need its size and protection (the state sheet is never protected).
      sheet.protection.load('protected');
      total = await usedRowCount(ctx, sheet);
      wasProtected = sheet.protection.protected;
    }
    const rows = Math.max(total - FIRST_DATA_ROW_INDEX, 1);
    // Every request that touches the data sheet opens with unprotect and ends with protect — once per
    // request, so no request leaves the sheet open and 300 marks cost 2 toggles, not 600.
    const frame = wasProtected ? { open: () => sheet.protection.unprotect(), close: () => sheet.protection.protect(PROTECT_OPTIONS) } : undefined;
    const b = new Batcher(ctx, undefined, undefined, frame);
    const add = (bytes: number, enqueue: () => void) => b.add(bytes, enqueue);

    for (const w of update.writes ?? []) {
      const [nums, texts] = inputCells(w.values);
      await add(jsonBytes([nums, texts]), () => {
        sheet.getRangeByIndexes(w.row, COLUMN_INDEX.monthDone, 1, 2).values = [nums];
        sheet.getRangeByIndexes(w.row, COLUMN_INDEX.status, 1, 4).values = [texts];
      });
    }
    if (update.marks) {
      if (!update.keepMarks)
        await add(200, () => {
          sheet.getRangeByIndexes(FIRST_DATA_ROW_INDEX, 0, rows, NOTE_COL + 1).format.fill.clear();
          for (const [c, w] of lockedRuns(!!update.admin)) sheet.getRangeByIndexes(FIRST_DATA_ROW_INDEX, c, rows, w).format.fill.color = LOCKED_FILL;
          sheet.getRangeByIndexes(FIRST_DATA_ROW_INDEX, NOTE_COL, rows, 1).clear('Contents');
        });
      const notes = new Map<number, string[]>();
      for (const m of update.marks) {
        notes.set(m.row, [...(notes.get(m.row) ?? []), m.message]);
        if (m.col !== NOTE_COL) await add(120, () => (sheet.getRangeByIndexes(m.row, m.col, 1, 1).format.fill.color = MARK_COLORS[m.kind]));
        if (m.resetFormat) await add(120, () => (sheet.getRangeByIndexes(m.row, m.col, 1, 1).numberFormat = [['General']]));
      }
      for (const [row, messages] of notes) {
        const text = [...new Set(messages)].join('；').slice(0, 32_000);
        await add(jsonBytes(text) + 60, () => {
          const note = sheet.getRangeByIndexes(row, NOTE_COL, 1, 1);
          note.values = [[text]];
          note.format.fill.color = MARK_COLORS[update.marks!.find((m) => m.row === row)!.kind];
        });
      }
    }
    if (update.state) for (const w of stateWrites(state, update.state)) await b.add(w.bytes, w.enqueue);
    if (update.select) await b.add(100, () => sheet.getRangeByIndexes(update.select!.row, update.select!.col, 1, 1).select());
    await b.flush();
    return b.syncs + (touchesSheet ? 1 : 0);
  });
}

export async function selectCell(excel: ExcelApi, sheetName: string, row: number, col: number): Promise<void> {
  await excel.run(async (ctx: ExcelContext) => {
    const sheet = ctx.workbook.worksheets.getItem(sheetName);
    sheet.activate();
    sheet.getRangeByIndexes(row, col, 1, 1).select();
    await ctx.sync();
  });
}

export { INPUT_KEYS };

/**
 * The data sheet of a state sheet: the name it records; else `plain` when no sheet has it, else `other`.
 * A state sheet too damaged to read (StateSheetError) is rebuilt by the next fill in place: `plain`.
 */
export async function dataSheetName(excel: ExcelApi, stateSheetName: string, plain: string, other: string): Promise<string> {
  return excel.run(async (ctx) => {
    const state = await readState(ctx, stateSheetName).catch((err) => {
      if (err instanceof StateSheetError) return 'damaged' as const;
      throw err;
    });
    if (state === 'damaged') return plain;
    if (state?.meta.sheetName) return state.meta.sheetName;
    const taken = ctx.workbook.worksheets.getItemOrNullObject(plain);
    taken.load('isNullObject');
    await ctx.sync();
    return taken.isNullObject ? plain : other;
  });
}
