// Reading a filled-in 重点任务清单 back: find the header row by the COLUMNS headers (wherever a program
// moved it), match each row to a sheet row by the hidden id (or 序号 + 任务 + 指标 when the id column was
// dropped), read the input cells as the add-in would send them, and keep only rows whose values differ
// from what is stored. Structural problems (formulas, merged input cells, unknown or repeated rows, a
// workbook that is not a 清单) throw WorkbookError before anything is sent; the rules themselves run
// where they always run, in the push service (model/rules.ts). No database here (server/services/workbook-upload.ts
// runs an upload against it), so the parser loads without the database drivers.
import { createHash } from 'node:crypto';
import { fieldError, type ErrorCode } from '../../model/errors';
import { FIELD_LABELS, type PeriodId, type ProgressValues } from '../../model/progress';
import { normalizeField } from '../../model/rules';
import { INPUT_FIELD } from '../../model/fields';
import { BAD_TEXT_MESSAGES, badTextKind } from '../../model/text-check';
import { readAmount } from '../../model/amount';
import type { ConflictExplanation } from '../../model/upload-conflict';
import { COLUMNS, COLUMN_INDEX, INPUT_KEYS, colLetter, rowCells, type InputKey, type ItemRow, type SheetColumnKey, type SheetRow } from '../../model/sheet';
import type { PushBatch, PushEntry, PushResponse } from '../../model/sync';
import { markCells, markNotices, markResults } from './annotate';
import { WorkbookError, type CellError, type CellNotice } from './errors';
import { MAIN_SHEET, VERSION_HEADER } from './export';
import { streamSheet, type StreamRow } from './sheet-stream';
import { loadWorkbook, workbookToBuffer, type Cell, type Workbook, type Worksheet } from './xlsx';
import { checkXlsx, LIMITS, readZipEntry } from './zipcheck';

export interface UploadInput {
  buffer: Buffer;
  planId: string;
  period: PeriodId;
  /** buildRows() of the whole plan with the stored entries (not one unit's view: see routes). */
  rows: SheetRow[];
  limits?: typeof LIMITS;
  /** Who uploads: part of the batch id, since a batch id belongs to one actor in the push service. */
  actor?: string;
}

/** One changed row: what is pushed, and where its cells are (for the annotated copy). */
export interface UploadChange {
  row: number;
  entry: PushEntry;
  cells: Partial<Record<InputKey, string>>;
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

const norm = (s: string) => s.replace(/[\s*＊]/g, '');
const HEADER_KEYS = new Map<string, SheetColumnKey>(COLUMNS.map((c) => [norm(c.header), c.key]));
const HEADER_SCAN_ROWS = 30;
/** The model's columns a reporter sees but cannot change (完成率 aside: programs may recalculate it). */
const LOCKED_KEYS = ['number', 'task', 'metric', 'targetValue', 'unit', 'lead', 'deadline'] as const;
const SCAN_SHEETS = 20;

/** The text a cell shows: rich text joined, hyperlinks by their text, formulas by their result. */
export function cellText(cell: Pick<Cell, 'value'>): string {
  const v = cell.value as unknown;
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object') return String(v).trim();
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.richText))
    return (o.richText as { text: string }[])
      .map((t) => t.text)
      .join('')
      .trim();
  if ('text' in o) return String(o.text ?? '').trim();
  if ('result' in o) return o.result === undefined || o.result === null ? '' : String(o.result).trim();
  return '';
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
function notAQingdan(wb: Workbook): WorkbookError {
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

type Read = { value: unknown } | { error: ErrorCode };

/** An input cell as the add-in would send it: numbers as numbers, text as text, never a formula. */
function readInput(cell: Pick<Cell, 'value'>, kind: 'number' | 'text' | 'status'): Read {
  const v = cell.value as unknown;
  if (v === null || v === undefined || v === '') return { value: null };
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) return { error: 'FORMULA_NOT_ALLOWED' };
    if ('error' in o) return { error: 'NOT_A_NUMBER' };
    if (v instanceof Date) return kind === 'number' ? { error: 'NOT_A_NUMBER' } : { value: v.toISOString().slice(0, 10) };
    return { value: cellText(cell) };
  }
  if (typeof v === 'boolean') return kind === 'number' ? { error: 'NOT_A_NUMBER' } : { value: String(v) };
  return { value: v };
}

// The field map (how each input cell is read) comes from model/fields.ts.

/** Control characters XML 1.0 cannot hold: exceljs drops them when it writes a cell (utils.xmlEncode). */
const NOT_IN_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/**
 * Does a cell's value, normalised by the rules, differ from the stored value? A stored text is compared
 * as the export wrote it (without the control characters XML cannot carry), so an unchanged file is
 * unchanged even when the stored text had such characters (issue 15: versions bumped on re-upload).
 */
function differs(key: InputKey, raw: unknown, stored: ProgressValues): boolean {
  const { value: now, errors } = normalizeField(key, raw);
  if (errors.length) return true; // let the push service reject it, with its words
  const was = stored[key];
  if (typeof was === 'string' && typeof now === 'string') return now !== was && now !== was.replace(NOT_IN_XML, '').trim();
  return now !== was;
}

export function parseKeywords(keywords: string | undefined): { plan?: string; period?: string } {
  if (!keywords || !keywords.startsWith('qingdan')) return {};
  return { plan: /plan=(\S+)/.exec(keywords)?.[1], period: /period=(\S+)/.exec(keywords)?.[1] };
}

/** Merged ranges as [top, left, bottom, right] from their refs (A1:B2), as the zip check collected them. */
/** A merged range: [top, left, bottom, right]. */
type Range = [number, number, number, number];

function parseMerges(refs: string[]): Range[] {
  const out: Range[] = [];
  const p = (s: string) => {
    const m = /^\$?([A-Z]+)\$?(\d+)$/.exec(s);
    if (!m) return null;
    let c = 0;
    for (const ch of m[1]) c = c * 26 + ch.charCodeAt(0) - 64;
    return [Number(m[2]), c] as const;
  };
  for (const ref of refs) {
    const [a, b] = ref.split(':');
    const tl = p(a ?? '');
    const br = p(b ?? a ?? '');
    if (tl && br) out.push([tl[0], tl[1], br[0], br[1]]);
  }
  return out;
}

const address = (r: number, c: number) => `${colLetter(c - 1)}${r}`;

/** The workbook's keywords (docProps/core.xml), where the export put plan and month. */
function keywordsOf(buffer: Buffer): string | undefined {
  const xml = readZipEntry(buffer, 'docProps/core.xml')?.toString('utf8');
  const m = xml && /<(?:\w+:)?keywords\b[^>]*>([^<]*)</.exec(xml);
  return m
    ? m[1]
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&amp;/g, '&')
    : undefined;
}

interface Matchers {
  byId: Map<string, ItemRow>;
  byText: Map<string, ItemRow>;
}
const textKey = (n: string, t: string, m: string) => `${norm(n)}\u0000${norm(t)}\u0000${norm(m)}`;

/**
 * One worksheet read row by row: looks for the header in its first rows, then reads every row after it
 * as it comes (match, locked cells, input cells, diff) and keeps only what the upload answers with.
 */
class SheetScan {
  header: { row: number; cols: Partial<Record<SheetColumnKey, number>>; versionCol?: number } | null = null;
  readonly errors: CellError[] = [];
  readonly badText: CellError[] = [];
  readonly ignored: CellNotice[] = [];
  readonly converted: CellNotice[] = [];
  readonly changes: UploadChange[] = [];
  unchanged = 0;
  private seen = new Map<string, number>();
  private sectionRows = new Set<number>();
  private mergedInput = new Map<string, string>();
  /** Merges by their top row, those touching the header search's rows, and (once the header is found)
   *  by each header column: a merged cell reads as its range's first cell, as in the in-memory load. */
  private byTop = new Map<number, Range[]>();
  private early: Range[];
  private byCol = new Map<number, Range[]>();
  private masters = new Map<Range, unknown>();
  private merged: Range[];

  constructor(
    readonly name: string,
    merges: string[],
    private match: Matchers,
  ) {
    this.merged = parseMerges(merges);
    for (const m of this.merged) {
      const list = this.byTop.get(m[0]);
      if (list) list.push(m);
      else this.byTop.set(m[0], [m]);
    }
    this.early = this.merged.filter((m) => m[0] <= HEADER_SCAN_ROWS);
  }

  /** False once the header was not found in the first rows: the rest of the sheet need not be read. */
  get wanted(): boolean {
    return this.header !== null || !this.gaveUp;
  }
  private gaveUp = false;

  row(line: StreamRow): void {
    for (const m of this.byTop.get(line.number) ?? []) this.masters.set(m, line.values.get(m[1]) ?? null);
    if (!this.header) {
      if (line.number > HEADER_SCAN_ROWS) {
        this.gaveUp = true;
        return;
      }
      this.findHeader(line);
      return;
    }
    if (line.number > this.header.row) this.readRow(line);
  }

  /** The cell at column c of this row, or its merge range's first cell. */
  private cell(line: StreamRow, c: number): Pick<Cell, 'value'> {
    const list = this.byCol.get(c);
    if (list) {
      const r = line.number;
      // Ranges of one column do not overlap: the last starting at or above r is the only candidate.
      let lo = 0;
      let hi = list.length - 1;
      let at = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid][0] <= r) {
          at = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      const m = at >= 0 ? list[at] : undefined;
      if (m && r <= m[2] && (m[0] !== r || m[1] !== c)) return { value: (this.masters.get(m) ?? null) as Cell['value'] };
    }
    return { value: (line.values.get(c) ?? null) as Cell['value'] };
  }

  private findHeader(line: StreamRow): void {
    const r = line.number;
    const values = new Map(line.values);
    for (const m of this.early) {
      if (r < m[0] || r > m[2]) continue;
      for (let c = m[1]; c <= Math.min(m[3], 256); c++) if (m[0] !== r || c !== m[1]) values.set(c, this.masters.get(m) ?? null);
    }
    const cols: Partial<Record<SheetColumnKey, number>> = {};
    let versionCol: number | undefined;
    for (const c of [...values.keys()].sort((a, b) => a - b)) {
      const text = norm(cellText({ value: values.get(c) as Cell['value'] }));
      const key = HEADER_KEYS.get(text);
      if (key && cols[key] === undefined) cols[key] = c;
      if (text === VERSION_HEADER) versionCol = c;
    }
    const inputs = INPUT_KEYS.filter((k) => cols[k] !== undefined).length;
    if (cols.task === undefined || inputs < 2) return;
    this.header = { row: r, cols, versionCol };
    const inputCols = new Set(INPUT_KEYS.map((k) => cols[k]).filter((c): c is number => c !== undefined));
    const wanted = new Set([...Object.values(cols), ...(versionCol ? [versionCol] : [])] as number[]);
    // A single-row merge from column A across the task column is a section row (二、着力加快…).
    for (const [t, l, b, rr] of this.merged) if (t === b && l === 1 && rr >= (cols.task ?? 2)) this.sectionRows.add(t);
    for (const m of this.merged) {
      const [t, l, b, rr] = m;
      if (b <= r) continue;
      for (const c of wanted) {
        if (c < l || c > rr) continue;
        const list = this.byCol.get(c);
        if (list) list.push(m);
        else this.byCol.set(c, [m]);
      }
      if (this.sectionRows.has(t)) continue;
      for (let c = l; c <= rr; c++) {
        if (!inputCols.has(c)) continue;
        for (let x = Math.max(t, r + 1); x <= b; x++) this.mergedInput.set(address(x, c), `${address(t, l)}:${address(b, rr)}`);
      }
    }
    for (const list of this.byCol.values()) list.sort((a, b) => a[0] - b[0]);
    this.merged = [];
    this.early = [];
  }

  private readRow(line: StreamRow): void {
    const { cols, versionCol } = this.header!;
    const r = line.number;
    if (this.sectionRows.has(r)) return;
    const ws = this.name;
    const err = (field: string, at: string, code: ErrorCode, detail?: string) =>
      this.errors.push({ ...fieldError(field, code, detail), cell: at, sheet: ws, row: r });
    const text = (k: SheetColumnKey) => (cols[k] === undefined ? '' : cellText(this.cell(line, cols[k]!)));
    const hasInput = INPUT_KEYS.some(
      (k) => cols[k] !== undefined && this.cell(line, cols[k]!).value !== null && this.cell(line, cols[k]!).value !== undefined && text(k) !== '',
    );
    const id = text('id');
    let item = id ? this.match.byId.get(id) : undefined;
    if (!item && !id && (text('task') || text('metric'))) item = this.match.byText.get(textKey(text('number'), text('task'), text('metric')));
    const taskCell = address(r, cols.task ?? 1);
    if (!item) {
      if (hasInput) err('row', taskCell, 'UNKNOWN_KEY', id ? `id ${id}` : `第${r}行：${text('task').slice(0, 20) || '（空）'}`);
      return; // blank lines, notes under the table, other units' tasks left empty
    }
    const first = this.seen.get(item.itemId);
    if (first !== undefined) {
      err('row', taskCell, 'DUPLICATE_ROW', `与第${first}行重复`);
      return;
    }
    this.seen.set(item.itemId, r);
    const model = rowCells(item);
    for (const key of LOCKED_KEYS) {
      const c = cols[key];
      if (c === undefined) continue;
      const want = String(model[COLUMN_INDEX[key]] ?? '');
      const got = text(key);
      if (norm(got) === norm(want)) continue;
      const label = COLUMNS[COLUMN_INDEX[key]].header;
      this.ignored.push({
        cell: address(r, c),
        sheet: ws,
        row: r,
        field: key,
        code: 'LOCKED_IGNORED',
        message: `“${label}”由系统维护，此处的修改已忽略（系统值：${want.slice(0, 40) || '（空）'}）`,
      });
    }

    const fields: Record<string, unknown> = {};
    const cells: Partial<Record<InputKey, string>> = {};
    let rowOk = true;
    for (const key of INPUT_KEYS) {
      const c = cols[key];
      if (c === undefined) continue; // a column the user deleted is left as stored
      const cell = this.cell(line, c);
      const at = address(r, c);
      cells[key] = at;
      const range = this.mergedInput.get(at);
      if (range) {
        err(key, at, 'MERGED_CELL', `${FIELD_LABELS[key]}，合并区域 ${range}`);
        rowOk = false;
        continue;
      }
      const read = readInput(cell, INPUT_FIELD[key].kind);
      if ('error' in read) {
        err(key, at, read.error, FIELD_LABELS[key]);
        rowOk = false;
        continue;
      }
      if (INPUT_FIELD[key].kind === 'number' && typeof read.value === 'string') {
        const amount = readAmount(read.value, item.unit);
        if (amount.kind === 'refused') {
          err(key, at, 'NOT_A_NUMBER', amount.message);
          rowOk = false;
          continue;
        }
        if (amount.kind === 'converted') {
          this.converted.push({ cell: at, sheet: ws, row: r, field: key, code: 'AMOUNT_CONVERTED', message: amount.note });
          read.value = amount.value;
        }
      }
      // NUL or a lone surrogate (also written as _x0000_ / _xD800_ in the XML) cannot be stored: refused
      // here with the cell, never sent on (issue 15: it reached PostgreSQL as a 500).
      const bad = typeof read.value === 'string' ? badTextKind(read.value) : null;
      if (bad) {
        this.badText.push({ field: key, code: 'BAD_TEXT', message: `${FIELD_LABELS[key]}${BAD_TEXT_MESSAGES[bad]}`, cell: at, sheet: ws, row: r });
        rowOk = false;
        continue;
      }
      if (differs(key, read.value, item.values)) fields[key] = read.value;
    }
    if (!rowOk) return;
    if (Object.keys(fields).length === 0) {
      this.unchanged++;
      return;
    }
    // The version the file was exported at, when it kept the column; else what is stored now.
    const fileVersion = versionCol === undefined ? NaN : Number(this.cell(line, versionCol).value);
    const baseVersion = Number.isInteger(fileVersion) && fileVersion >= 0 ? fileVersion : item.version;
    this.changes.push({ row: r, entry: { key: item.key, baseVersion, fields }, cells });
  }
}

/** The whole workbook in memory with `mark` applied to the upload's sheet, or null when it is too large
 *  to load (LIMITS.annotateCells) or the sheet is not found: the caller then returns the file unmarked. */
async function annotatedCopy(source: Buffer, sheet: string, cells: number, limits: typeof LIMITS, mark: (ws: Worksheet) => void): Promise<Buffer | null> {
  if (cells > limits.annotateCells) return null;
  const wb = await loadWorkbook(source);
  const ws = wb.worksheets.find((w) => w.name === sheet);
  if (!ws) return null;
  mark(ws);
  return workbookToBuffer(wb);
}

/**
 * Checks the zip (server/workbook/zipcheck.ts), then reads the sheets as a stream: the upload holds one row
 * at a time, and the whole workbook is loaded in memory only to write an annotated copy with marks.
 * The sheet read is the first with a 清单 header in its first 30 rows, 重点任务清单 preferred.
 * (server/workbook/sheet-stream.ts reads it; exceljs's own streaming reader garbles CJK text split
 * between two chunks.)
 */
export async function parseUpload(input: UploadInput): Promise<ParsedUpload> {
  const limits = input.limits ?? LIMITS;
  const { sheets } = await checkXlsx(input.buffer, limits);
  const cellCount = sheets.reduce((n, s) => n + s.cells, 0);
  const tag = parseKeywords(keywordsOf(input.buffer));
  if (tag.plan && tag.plan !== input.planId) throw new WorkbookError('WRONG_PLAN', `这是另一份工作要点（${tag.plan}）的清单，不能上传到本计划`, 409);
  if (tag.period && tag.period !== input.period) {
    throw new WorkbookError('WRONG_PERIOD', `这是${tag.period}的清单，不能上传到${input.period}；请导出${input.period}的清单或在对应月份上传`, 409);
  }

  const items = input.rows.filter((r): r is ItemRow => r.kind === 'item');
  const byKey = new Map(items.map((r) => [r.key, r]));
  const match: Matchers = { byId: new Map(items.map((r) => [r.itemId, r])), byText: new Map(items.map((r) => [textKey(r.number, r.task, r.metric), r])) };
  // The main sheet first, then the others in file order (as the in-memory reader preferred it).
  const order = [...sheets].sort((x, y) => Number(y.name === MAIN_SHEET) - Number(x.name === MAIN_SHEET)).slice(0, SCAN_SHEETS);
  let chosen: SheetScan | null = null;
  try {
    for (const info of order) {
      const scan = new SheetScan(info.name, info.merges, match);
      for await (const line of streamSheet(input.buffer, info.path)) {
        if (!scan.wanted) break;
        scan.row(line);
      }
      if (scan.header) {
        chosen = scan;
        break;
      }
    }
  } catch (err) {
    if (err instanceof WorkbookError) throw err;
    throw new WorkbookError('NOT_XLSX', `无法读取该工作簿（${(err as Error).message.slice(0, 80)}）`, 422);
  }
  if (!chosen) {
    // The error path: the whole workbook (it passed the checks) for a message naming what it holds.
    let wb: Workbook;
    try {
      wb = await loadWorkbook(input.buffer);
    } catch (err) {
      throw new WorkbookError('NOT_XLSX', `无法读取该工作簿（${(err as Error).message.slice(0, 80)}）`, 422);
    }
    throw notAQingdan(wb);
  }
  const { errors, badText, changes } = chosen;
  const sheet = chosen.name;

  if (badText.length) {
    const annotated = await annotatedCopy(input.buffer, sheet, cellCount, limits, (ws) => markCells(ws, badText));
    const summary = badText
      .slice(0, 3)
      .map((e) => `${e.cell} ${e.message}`)
      .join('；');
    throw new WorkbookError(
      'BAD_TEXT',
      `清单中有${badText.length}个单元格含有无法保存的字符，未保存任何数据：${summary}${badText.length > 3 ? '…' : ''}`,
      400,
      badText,
      annotated ?? undefined,
    );
  }
  if (errors.length) {
    const annotated = await annotatedCopy(input.buffer, sheet, cellCount, limits, (ws) => markCells(ws, errors));
    const summary = errors
      .slice(0, 3)
      .map((e) => `${e.cell} ${e.message}`)
      .join('；');
    throw new WorkbookError(
      'BAD_CELLS',
      `清单中有${errors.length}处无法读取，未保存任何数据：${summary}${errors.length > 3 ? '…' : ''}`,
      422,
      errors,
      annotated ?? undefined,
    );
  }
  const entries = changes.map((c) => c.entry);
  // The same changes by the same actor to the same plan and month, against the same stored versions, form
  // the same batch, so a retried request (say, after a lost response) is answered from the stored result
  // instead of applied twice. The stored versions are part of it: once anyone changed one of these rows
  // since, the file is sent again as a new batch and meets the conflict (issue 15: an old file re-uploaded
  // after the office's change was answered "applied, replayed" while the office's value stayed).
  const storedVersions = changes.map((c) => byKey.get(c.entry.key)?.version ?? 0);
  const batchId =
    'wb-' +
    createHash('sha256')
      .update(JSON.stringify([input.actor ?? '', input.planId, input.period, entries, storedVersions]))
      .digest('hex')
      .slice(0, 40);
  return {
    source: input.buffer,
    sheet,
    headerRow: chosen.header!.row,
    matchedBy: chosen.header!.cols.id !== undefined ? 'id' : 'text',
    changes,
    unchanged: chosen.unchanged,
    ignored: chosen.ignored,
    converted: chosen.converted,
    batch: { batchId, entries },
    annotate: (mark) => annotatedCopy(input.buffer, sheet, cellCount, limits, mark),
  };
}

export interface UploadRowResult {
  row: number;
  key: string;
  outcome: 'applied' | 'conflict' | 'rejected';
  version?: number;
  errors?: { field: string; code: string; message: string; cell?: string }[];
  /** A conflict's reason: an old file of the uploader's own unit, or who changed the row and when. */
  conflict?: ConflictExplanation;
}

export interface UploadResult {
  batchId: string;
  replayed: boolean;
  sheet: string;
  headerRow: number;
  matchedBy: 'id' | 'text';
  applied: number;
  conflicts: number;
  rejected: number;
  unchanged: number;
  rows: UploadRowResult[];
  /** Locked cells changed in the file: not stored, each named (also noted in the annotated copy). */
  ignored: CellNotice[];
  /** Amounts with a multiplier (12.5万) converted to the target's unit, each named (and noted). */
  converted: CellNotice[];
  /** The uploaded workbook with rejected and conflicting cells marked. */
  annotated: Buffer;
}

/** Conflicting rows (key, the version the file was exported at, the server's) → why, by key. */
export type ExplainConflicts = (conflicts: { key: string; baseVersion: number; version: number }[]) => Promise<Map<string, ConflictExplanation>>;

/** Sends the changed rows through the push protocol and marks its answers on the workbook. */
export async function applyUpload(parsed: ParsedUpload, push: (batch: PushBatch) => Promise<PushResponse>, explain?: ExplainConflicts): Promise<UploadResult> {
  const response: PushResponse = parsed.batch.entries.length ? await push(parsed.batch) : { batchId: parsed.batch.batchId, replayed: false, results: [] };
  const places = parsed.changes.map((c) => ({ row: c.row, key: c.entry.key, cells: c.cells }));
  const baseOf = new Map(parsed.changes.map((c) => [c.entry.key, c.entry.baseVersion]));
  const conflicts = response.results
    .filter((r) => r.outcome === 'conflict')
    .map((r) => ({ key: r.key, baseVersion: baseOf.get(r.key) ?? 0, version: (r as { version: number }).version }));
  const why = explain && conflicts.length ? await explain(conflicts) : new Map<string, ConflictExplanation>();
  const conflictMessage = (key: string) => why.get(key)?.message;
  const marked = markResults(null, places, response, conflictMessage);
  const rowOf = new Map(places.map((p) => [p.key, p.row]));
  const rows: UploadRowResult[] = response.results.map((res, i) => ({
    row: rowOf.get(res.key) ?? 0,
    key: res.key,
    outcome: res.outcome,
    ...(res.outcome === 'rejected' ? { errors: marked[i] } : { version: res.version }),
    ...(why.has(res.key) ? { conflict: why.get(res.key) } : {}),
  }));
  const count = (o: string) => rows.filter((r) => r.outcome === o).length;
  return {
    batchId: response.batchId,
    replayed: response.replayed,
    sheet: parsed.sheet,
    headerRow: parsed.headerRow,
    matchedBy: parsed.matchedBy,
    applied: count('applied'),
    conflicts: count('conflict'),
    rejected: count('rejected'),
    unchanged: parsed.unchanged,
    rows,
    ignored: parsed.ignored,
    converted: parsed.converted,
    // Writing a workbook back costs more memory than reading it (a 10,000-row file: ~450 MB more at peak):
    // when nothing was marked, the copy is the file as it came.
    // and a file too large to load whole (LIMITS.annotateCells) comes back unmarked, its rows' errors listed.
    annotated:
      count('rejected') + count('conflict') + parsed.ignored.length + parsed.converted.length > 0
        ? ((await parsed.annotate((ws) => {
            markResults(ws, places, response, conflictMessage);
            markNotices(ws, parsed.ignored, '已忽略');
            markNotices(ws, parsed.converted, '已换算');
          })) ?? parsed.source)
        : parsed.source,
  };
}
