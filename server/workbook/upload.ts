// Reading a filled-in 重点任务清单 back, in one SAX pass over its sheet: the zip checked (zipcheck.ts), the
// plan and month it is stamped with (upload-tag.ts), the header row found wherever a program moved it
// (upload-header.ts), each row below read into a small record (upload-lines.ts) and compared, a page of
// rows at a time, with the stored rows of the ids that page names (upload-diff.ts, upload-stored.ts), so
// the upload holds neither the whole sheet nor the whole plan. Structural problems (formulas, merged input
// cells, unknown or repeated rows, a workbook that is not a 清单) throw WorkbookError before anything is
// sent; the rules themselves run in the push service (upload-apply.ts sends the batch). No database here
// (server/services/workbook-upload.ts runs an upload against it).
import { createHash } from 'node:crypto';
import type { PeriodId } from '../../model/progress';
import type { SheetRow } from '../../model/sheet';
import type { PushBatch } from '../../model/sync';
import { annotatedCopy, markCells } from './annotate';
import { WorkbookError, type CellError, type CellNotice } from './errors';
import { MAIN_SHEET } from './export';
import { streamSheet } from './sheet-stream';
import { UploadDiff, type UploadChange } from './upload-diff';
import { HEADER_SCAN_ROWS, headerOf, notAQingdan, type Header } from './upload-header';
import { readLine, type SheetLine } from './upload-lines';
import { SheetMerges } from './upload-merges';
import { storedFromRows, type StoredItems } from './upload-stored';
import { checkTag } from './upload-tag';
import { loadWorkbook, type Workbook, type Worksheet } from './xlsx';
import { checkXlsx, LIMITS, type SheetCounts } from './zipcheck';

export type { UploadChange } from './upload-diff';
export type { StoredItems } from './upload-stored';

export interface UploadInput {
  buffer: Buffer;
  planId: string;
  period: PeriodId;
  /** The stored rows, fetched by the ids the sheet names (the whole plan's, not one unit's view: see routes). */
  stored?: StoredItems;
  /** Or buildRows() of the whole plan with the stored entries, already in memory (tests, benchmarks). */
  rows?: SheetRow[];
  limits?: typeof LIMITS;
  /** Who uploads: part of the batch id, since a batch id belongs to one actor in the push service. */
  actor?: string;
}

export interface ParsedUpload {
  /** The uploaded bytes: returned as the "annotated" copy when nothing needs marking. */
  source: Buffer;
  /** The worksheet read. */
  sheet: string;
  headerRow: number;
  matchedBy: 'id' | 'text';
  changes: UploadChange[];
  unchanged: number;
  /** Locked cells whose text differs from the model's: not used, reported. */
  ignored: CellNotice[];
  /** Amounts like 12.5万 converted to the target's unit. */
  converted: CellNotice[];
  batch: PushBatch;
  /** The uploaded workbook loaded whole with `mark` applied to the sheet; null when too large to load. */
  annotate: (mark: (ws: Worksheet) => void) => Promise<Buffer | null>;
}

const SCAN_SHEETS = 20;
/** Rows compared with the stored ones per lookup: bounds what is held, and the statements per upload. */
export const PAGE_ROWS = 2000;

/** A sheet whose header was found, read to its end and compared. */
interface ReadSheet {
  name: string;
  header: Header;
  diff: UploadDiff;
}

/**
 * One sheet read row by row: the header looked for in its first rows (null when it is not there: the rest
 * of the sheet is not read), then every row after it read and compared a page at a time.
 */
async function readSheet(buffer: Buffer, info: SheetCounts, stored: StoredItems): Promise<ReadSheet | null> {
  const merges = new SheetMerges(info.merges, HEADER_SCAN_ROWS);
  let found: ReadSheet | null = null;
  let page: SheetLine[] = [];
  // The page being compared: its stored rows are fetched while the next page is read from the sheet (the
  // fetch waited on the database, the reading on the CPU; one after the other they took twice as long).
  // One page at a time, in order, so at most two pages are held.
  let comparing: Promise<void> = Promise.resolve();
  for await (const line of streamSheet(buffer, info.path)) {
    merges.note(line);
    if (!found) {
      if (line.number > HEADER_SCAN_ROWS) return null;
      const header = headerOf(line.number, merges.filled(line));
      if (header) {
        merges.settle(header);
        found = { name: info.name, header, diff: new UploadDiff(info.name, header.cols, stored) };
      }
      continue;
    }
    if (line.number <= found.header.row) continue;
    const read = readLine(line, found.header, merges);
    if (read) page.push(read);
    if (page.length >= PAGE_ROWS) {
      const full = page;
      page = [];
      await comparing;
      comparing = found.diff.page(full);
      comparing.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
    }
  }
  await comparing;
  if (found && page.length) await found.diff.page(page);
  return found;
}

/** The first sheet with a 清单 header in its first rows, 重点任务清单 preferred, read and compared. */
async function readUpload(buffer: Buffer, sheets: SheetCounts[], stored: StoredItems): Promise<ReadSheet> {
  // The main sheet first, then the others in file order (as the in-memory reader preferred it).
  const order = [...sheets].sort((x, y) => Number(y.name === MAIN_SHEET) - Number(x.name === MAIN_SHEET)).slice(0, SCAN_SHEETS);
  try {
    for (const info of order) {
      const read = await readSheet(buffer, info, stored);
      if (read) return read;
    }
  } catch (err) {
    if (err instanceof WorkbookError) throw err;
    throw new WorkbookError('NOT_XLSX', `无法读取该工作簿（${(err as Error).message.slice(0, 80)}）`, 422);
  }
  // The error path: the whole workbook (it passed the checks) for a message naming what it holds.
  let wb: Workbook;
  try {
    wb = await loadWorkbook(buffer);
  } catch (err) {
    throw new WorkbookError('NOT_XLSX', `无法读取该工作簿（${(err as Error).message.slice(0, 80)}）`, 422);
  }
  throw notAQingdan(wb);
}

/** Cells that could not be read: nothing is sent; the error names the first three, the marked copy all. */
async function refuseCells(errors: CellError[], code: 'BAD_TEXT' | 'BAD_CELLS', annotate: ParsedUpload['annotate']): Promise<never> {
  const annotated = await annotate((ws) => markCells(ws, errors));
  const summary = errors
    .slice(0, 3)
    .map((e) => `${e.cell} ${e.message}`)
    .join('；');
  const more = errors.length > 3 ? '…' : '';
  if (code === 'BAD_TEXT')
    throw new WorkbookError(
      'BAD_TEXT',
      `清单中有${errors.length}个单元格含有无法保存的字符，未保存任何数据：${summary}${more}`,
      400,
      errors,
      annotated ?? undefined,
    );
  throw new WorkbookError('BAD_CELLS', `清单中有${errors.length}处无法读取，未保存任何数据：${summary}${more}`, 422, errors, annotated ?? undefined);
}

/**
 * The same changes by the same actor to the same plan and month, against the same stored versions, form
 * the same batch, so a retried request (say, after a lost response) is answered from the stored result
 * instead of applied twice. The stored versions are part of it: once anyone changed one of these rows
 * since, the file is sent again as a new batch and meets the conflict (issue 15: an old file re-uploaded
 * after the office's change was answered "applied, replayed" while the office's value stayed).
 */
function batchIdOf(input: UploadInput, entries: PushBatch['entries'], storedVersions: number[]): string {
  const hash = createHash('sha256').update(JSON.stringify([input.actor ?? '', input.planId, input.period, entries, storedVersions]));
  return 'wb-' + hash.digest('hex').slice(0, 40);
}

/**
 * Checks the zip, then reads the sheets as a stream: the upload holds a page of rows at a time, and the
 * whole workbook is loaded in memory only to write an annotated copy with marks (sheet-stream.ts reads the
 * sheet; exceljs's own streaming reader garbles CJK text split between two chunks).
 */
export async function parseUpload(input: UploadInput): Promise<ParsedUpload> {
  const limits = input.limits ?? LIMITS;
  const { sheets } = await checkXlsx(input.buffer, limits);
  const cellCount = sheets.reduce((n, s) => n + s.cells, 0);
  checkTag(input.buffer, input.planId, input.period);
  const stored = input.stored ?? storedFromRows(input.rows ?? []);
  const { name: sheet, header, diff } = await readUpload(input.buffer, sheets, stored);
  const annotate: ParsedUpload['annotate'] = (mark) => annotatedCopy(input.buffer, sheet, cellCount, limits.annotateCells, mark);
  if (diff.badText.length) await refuseCells(diff.badText, 'BAD_TEXT', annotate);
  if (diff.errors.length) await refuseCells(diff.errors, 'BAD_CELLS', annotate);
  const entries = diff.changes.map((c) => c.entry);
  return {
    source: input.buffer,
    sheet,
    headerRow: header.row,
    matchedBy: header.cols.id !== undefined ? 'id' : 'text',
    changes: diff.changes,
    unchanged: diff.unchanged,
    ignored: diff.ignored,
    converted: diff.converted,
    batch: { batchId: batchIdOf(input, entries, diff.storedVersions), entries },
    annotate,
  };
}
