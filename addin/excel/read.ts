// Reading cells back in blocks: a response over 5 MB fails in Excel on the web, and we cannot know a
// block's size before reading it, so a refused block is split in half and read again.
import { excelErrorCode, type ExcelContext } from './types';

/** Rows per read; a block refused for size is halved, and later blocks keep the smaller size. */
export const READ_BLOCK_ROWS = 4000;

export async function usedRowCount(ctx: ExcelContext, sheet: Excel.Worksheet): Promise<number> {
  const used = sheet.getUsedRangeOrNullObject(true);
  used.load(['isNullObject', 'rowIndex', 'rowCount']);
  await ctx.sync();
  return used.isNullObject ? 0 : used.rowIndex + used.rowCount;
}

export interface BlockRead {
  values: unknown[][];
  /** numberFormat and text of the `figures` columns, when asked for (what Excel made of typed input). */
  formats: string[][];
  texts: string[][];
}

/**
 * Reads rows in blocks; with `figures`, also the number format and shown text of those columns
 * (a few bytes a cell: the figure cells only, not the long text columns).
 */
export async function readBlocks(
  ctx: ExcelContext,
  sheet: Excel.Worksheet,
  startRow: number,
  rowCount: number,
  colCount: number,
  figures?: { col: number; count: number },
  blockRows = READ_BLOCK_ROWS,
): Promise<BlockRead> {
  const out: BlockRead = { values: [], formats: [], texts: [] };
  let at = startRow;
  const end = startRow + rowCount;
  let block = blockRows;
  while (at < end) {
    const n = Math.min(block, end - at);
    const range = sheet.getRangeByIndexes(at, 0, n, colCount);
    range.load('values');
    const fig = figures ? sheet.getRangeByIndexes(at, figures.col, n, figures.count) : null;
    fig?.load(['numberFormat', 'text']);
    try {
      await ctx.sync();
    } catch (err) {
      if (excelErrorCode(err) === 'ResponsePayloadSizeLimitExceeded' && n > 1) {
        block = Math.ceil(n / 2);
        continue;
      }
      throw err;
    }
    out.values.push(...(range.values as unknown[][]));
    if (fig) {
      out.formats.push(...(fig.numberFormat as string[][]));
      out.texts.push(...(fig.text as string[][]));
    }
    at += n;
  }
  return out;
}

export async function readRows(
  ctx: ExcelContext,
  sheet: Excel.Worksheet,
  startRow: number,
  rowCount: number,
  colCount: number,
  blockRows = READ_BLOCK_ROWS,
): Promise<unknown[][]> {
  return (await readBlocks(ctx, sheet, startRow, rowCount, colCount, undefined, blockRows)).values;
}
