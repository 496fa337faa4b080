// Reading a filled-in 重点任务清单 back: find the header row by the COLUMNS headers (wherever a program
// moved it), match each row to a sheet row by the hidden id (or 序号 + 任务 + 指标 when the id column was
// dropped), read the input cells as the add-in would send them, and keep only rows whose values differ
// from what is stored. Structural problems (formulas, merged input cells, unknown or repeated rows, a
// workbook that is not a 清单) throw WorkbookError before anything is sent; the rules themselves run
// where they always run, in the push service (model/rules.ts). No database here (server/services/upload.ts
// runs an upload against it), so the parser loads without the database drivers.
import { createHash } from 'node:crypto';
import { fieldError, type ErrorCode } from '../../model/errors';
import { FIELD_LABELS, type PeriodId, type ProgressValues } from '../../model/progress';
import { normalizeField } from '../../model/rules';
import { INPUT_FIELD } from '../../model/fields';
import { BAD_TEXT_MESSAGES, badTextKind } from '../../model/text-check';
import { readAmount } from '../../model/amount';
import type { ConflictExplanation } from '../../model/upload-conflict';
import { COLUMNS, COLUMN_INDEX, INPUT_KEYS, rowCells, type InputKey, type ItemRow, type SheetColumnKey, type SheetRow } from '../../model/sheet';
import type { PushBatch, PushEntry, PushResponse } from '../../model/sync';
import { markCells, markNotices, markResults } from './annotate';
import { WorkbookError, type CellError, type CellNotice } from './errors';
import { MAIN_SHEET, VERSION_HEADER } from './export';
import { loadWorkbook, workbookToBuffer, type Cell, type Workbook, type Worksheet } from './xlsx';
import { checkXlsx, LIMITS } from './zipcheck';

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
  workbook: Workbook;
  sheet: Worksheet;
  headerRow: number;
  matchedBy: 'id' | 'text';
  changes: UploadChange[];
  unchanged: number;
  /** Locked cells whose text differs from the model's: not used, reported. */
  ignored: CellNotice[];
  /** Amounts like 12.5万 converted to the target's unit. */
  converted: CellNotice[];
  batch: PushBatch;
}

const norm = (s: string) => s.replace(/[\s*＊]/g, '');
const HEADER_KEYS = new Map<string, SheetColumnKey>(COLUMNS.map((c) => [norm(c.header), c.key]));
const HEADER_SCAN_ROWS = 30;
/** The model's columns a reporter sees but cannot change (完成率 aside: programs may recalculate it). */
const LOCKED_KEYS = ['number', 'task', 'metric', 'targetValue', 'unit', 'lead', 'deadline'] as const;
const SCAN_SHEETS = 20;

/** The text a cell shows: rich text joined, hyperlinks by their text, formulas by their result. */
export function cellText(cell: Cell): string {
  const v = cell.value as unknown;
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object') return String(v).trim();
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((t) => t.text).join('').trim();
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

interface Header {
  ws: Worksheet;
  row: number;
  cols: Partial<Record<SheetColumnKey, number>>;
}

function findHeader(wb: Workbook): Header | null {
  const sheets = [...wb.worksheets].sort((a, b) => Number(b.name === MAIN_SHEET) - Number(a.name === MAIN_SHEET));
  for (const ws of sheets.slice(0, SCAN_SHEETS)) {
    for (let r = 1; r <= Math.min(ws.rowCount, HEADER_SCAN_ROWS); r++) {
      const cols: Partial<Record<SheetColumnKey, number>> = {};
      ws.getRow(r).eachCell({ includeEmpty: false }, (cell, c) => {
        const key = HEADER_KEYS.get(norm(cellText(cell)));
        if (key && cols[key] === undefined) cols[key] = c;
      });
      const inputs = INPUT_KEYS.filter((k) => cols[k] !== undefined).length;
      if (cols.task !== undefined && inputs >= 2) return { ws, row: r, cols };
    }
  }
  return null;
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
function readInput(cell: Cell, kind: 'number' | 'text' | 'status'): Read {
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

/** Merged ranges of a sheet, as [top, left, bottom, right]. */
function merges(ws: Worksheet): [number, number, number, number][] {
  const list = ((ws.model as unknown as { merges?: string[] }).merges ?? []) as string[];
  return list.map((ref) => {
    const [a, b] = ref.split(':');
    const p = (s: string) => {
      const m = /^([A-Z]+)(\d+)$/.exec(s)!;
      let c = 0;
      for (const ch of m[1]) c = c * 26 + ch.charCodeAt(0) - 64;
      return [Number(m[2]), c] as const;
    };
    const [t, l] = p(a);
    const [bt, r] = p(b ?? a);
    return [t, l, bt, r];
  });
}

export function parseKeywords(keywords: string | undefined): { plan?: string; period?: string } {
  if (!keywords || !keywords.startsWith('qingdan')) return {};
  return { plan: /plan=(\S+)/.exec(keywords)?.[1], period: /period=(\S+)/.exec(keywords)?.[1] };
}

export async function parseUpload(input: UploadInput): Promise<ParsedUpload> {
  await checkXlsx(input.buffer, input.limits);
  let wb: Workbook;
  try {
    wb = await loadWorkbook(input.buffer);
  } catch (err) {
    throw new WorkbookError('NOT_XLSX', `无法读取该工作簿（${(err as Error).message.slice(0, 80)}）`, 422);
  }
  const tag = parseKeywords(wb.keywords);
  if (tag.plan && tag.plan !== input.planId) throw new WorkbookError('WRONG_PLAN', `这是另一份工作要点（${tag.plan}）的清单，不能上传到本计划`, 409);
  if (tag.period && tag.period !== input.period) {
    throw new WorkbookError('WRONG_PERIOD', `这是${tag.period}的清单，不能上传到${input.period}；请导出${input.period}的清单或在对应月份上传`, 409);
  }
  const header = findHeader(wb);
  if (!header) throw notAQingdan(wb);
  const { ws, cols } = header;
  let versionCol: number | undefined;
  ws.getRow(header.row).eachCell((cell, c) => {
    if (norm(cellText(cell)) === VERSION_HEADER) versionCol = c;
  });

  const items = input.rows.filter((r): r is ItemRow => r.kind === 'item');
  const byId = new Map(items.map((r) => [r.itemId, r]));
  const byKey = new Map(items.map((r) => [r.key, r]));
  const textKey = (n: string, t: string, m: string) => `${norm(n)}\u0000${norm(t)}\u0000${norm(m)}`;
  const byText = new Map(items.map((r) => [textKey(r.number, r.task, r.metric), r]));
  const merged = merges(ws);
  const inputCols = new Set(INPUT_KEYS.map((k) => cols[k]).filter((c): c is number => c !== undefined));
  // A single-row merge from column A across the task column is a section row (二、着力加快…).
  const sectionRows = new Set(merged.filter(([t, l, b, r]) => t === b && l === 1 && r >= (cols.task ?? 2)).map(([t]) => t));
  const mergedInput = new Map<string, string>(); // address → merge range
  for (const [t, l, b, r] of merged) {
    if (b <= header.row || sectionRows.has(t)) continue;
    for (let c = l; c <= r; c++) {
      if (!inputCols.has(c)) continue;
      for (let rr = Math.max(t, header.row + 1); rr <= b; rr++) mergedInput.set(ws.getCell(rr, c).address, `${ws.getCell(t, l).address}:${ws.getCell(b, r).address}`);
    }
  }

  const errors: CellError[] = [];
  const badText: CellError[] = [];
  const ignored: CellNotice[] = [];
  const converted: CellNotice[] = [];
  const err = (r: number, field: string, address: string, code: ErrorCode, detail?: string) =>
    errors.push({ ...fieldError(field, code, detail), cell: address, sheet: ws.name, row: r });
  const changes: UploadChange[] = [];
  const seen = new Map<string, number>();
  let unchanged = 0;
  const matchedBy: 'id' | 'text' = cols.id !== undefined ? 'id' : 'text';

  for (let r = header.row + 1; r <= ws.rowCount; r++) {
    if (sectionRows.has(r)) continue;
    const line = ws.getRow(r);
    const text = (k: SheetColumnKey) => (cols[k] === undefined ? '' : cellText(line.getCell(cols[k]!)));
    const hasInput = INPUT_KEYS.some((k) => cols[k] !== undefined && line.getCell(cols[k]!).value !== null && line.getCell(cols[k]!).value !== undefined && cellText(line.getCell(cols[k]!)) !== '');
    const id = text('id');
    let item = id ? byId.get(id) : undefined;
    if (!item && !id && (text('task') || text('metric'))) {
      item = byText.get(textKey(text('number'), text('task'), text('metric')));
    }
    if (!item) {
      if (hasInput) err(r, 'row', line.getCell(cols.task ?? 1).address, 'UNKNOWN_KEY', id ? `id ${id}` : `第${r}行：${text('task').slice(0, 20) || '（空）'}`);
      continue; // blank lines, notes under the table, other units' tasks left empty
    }
    const first = seen.get(item.itemId);
    if (first !== undefined) {
      err(r, 'row', line.getCell(cols.task ?? 1).address, 'DUPLICATE_ROW', `与第${first}行重复`);
      continue;
    }
    seen.set(item.itemId, r);
    const model = rowCells(item);
    for (const key of LOCKED_KEYS) {
      const c = cols[key];
      if (c === undefined) continue;
      const want = String(model[COLUMN_INDEX[key]] ?? '');
      const got = text(key);
      if (norm(got) === norm(want)) continue;
      const label = COLUMNS[COLUMN_INDEX[key]].header;
      ignored.push({
        cell: line.getCell(c).address, sheet: ws.name, row: r, field: key, code: 'LOCKED_IGNORED',
        message: `“${label}”由系统维护，此处的修改已忽略（系统值：${want.slice(0, 40) || '（空）'}）`,
      });
    }

    const fields: Record<string, unknown> = {};
    const cells: Partial<Record<InputKey, string>> = {};
    let rowOk = true;
    for (const key of INPUT_KEYS) {
      const c = cols[key];
      if (c === undefined) continue; // a column the user deleted is left as stored
      const cell = line.getCell(c);
      cells[key] = cell.address;
      const range = mergedInput.get(cell.address);
      if (range) {
        err(r, key, cell.address, 'MERGED_CELL', `${FIELD_LABELS[key]}，合并区域 ${range}`);
        rowOk = false;
        continue;
      }
      const read = readInput(cell, INPUT_FIELD[key].kind);
      if ('error' in read) {
        err(r, key, cell.address, read.error, FIELD_LABELS[key]);
        rowOk = false;
        continue;
      }
      if (INPUT_FIELD[key].kind === 'number' && typeof read.value === 'string') {
        const amount = readAmount(read.value, item.unit);
        if (amount.kind === 'refused') {
          err(r, key, cell.address, 'NOT_A_NUMBER', amount.message);
          rowOk = false;
          continue;
        }
        if (amount.kind === 'converted') {
          converted.push({ cell: cell.address, sheet: ws.name, row: r, field: key, code: 'AMOUNT_CONVERTED', message: amount.note });
          read.value = amount.value;
        }
      }
      // NUL or a lone surrogate (also written as _x0000_ / _xD800_ in the XML) cannot be stored: refused
      // here with the cell, never sent on (issue 15: it reached PostgreSQL as a 500).
      const bad = typeof read.value === 'string' ? badTextKind(read.value) : null;
      if (bad) {
        badText.push({ field: key, code: 'BAD_TEXT', message: `${FIELD_LABELS[key]}${BAD_TEXT_MESSAGES[bad]}`, cell: cell.address, sheet: ws.name, row: r });
        rowOk = false;
        continue;
      }
      if (differs(key, read.value, item.values)) fields[key] = read.value;
    }
    if (!rowOk) continue;
    if (Object.keys(fields).length === 0) {
      unchanged++;
      continue;
    }
    // The version the file was exported at, when it kept the column; else what is stored now.
    const fileVersion = versionCol === undefined ? NaN : Number(line.getCell(versionCol).value);
    const baseVersion = Number.isInteger(fileVersion) && fileVersion >= 0 ? fileVersion : item.version;
    changes.push({ row: r, entry: { key: item.key, baseVersion, fields }, cells });
  }

  if (badText.length) {
    markCells(ws, badText);
    const summary = badText.slice(0, 3).map((e) => `${e.cell} ${e.message}`).join('；');
    throw new WorkbookError('BAD_TEXT', `清单中有${badText.length}个单元格含有无法保存的字符，未保存任何数据：${summary}${badText.length > 3 ? '…' : ''}`, 400, badText, await workbookToBuffer(wb));
  }
  if (errors.length) {
    markCells(ws, errors);
    const annotated = await workbookToBuffer(wb);
    const summary = errors.slice(0, 3).map((e) => `${e.cell} ${e.message}`).join('；');
    throw new WorkbookError('BAD_CELLS', `清单中有${errors.length}处无法读取，未保存任何数据：${summary}${errors.length > 3 ? '…' : ''}`, 422, errors, annotated);
  }
  const entries = changes.map((c) => c.entry);
  // The same changes by the same actor to the same plan and month, against the same stored versions, form
  // the same batch, so a retried request (say, after a lost response) is answered from the stored result
  // instead of applied twice. The stored versions are part of it: once anyone changed one of these rows
  // since, the file is sent again as a new batch and meets the conflict (issue 15: an old file re-uploaded
  // after the office's change was answered "applied, replayed" while the office's value stayed).
  const storedVersions = changes.map((c) => byKey.get(c.entry.key)?.version ?? 0);
  const batchId = 'wb-' + createHash('sha256').update(JSON.stringify([input.actor ?? '', input.planId, input.period, entries, storedVersions])).digest('hex').slice(0, 40);
  return { source: input.buffer, workbook: wb, sheet: ws, headerRow: header.row, matchedBy, changes, unchanged, ignored, converted, batch: { batchId, entries } };
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
  const response: PushResponse = parsed.batch.entries.length
    ? await push(parsed.batch)
    : { batchId: parsed.batch.batchId, replayed: false, results: [] };
  const places = parsed.changes.map((c) => ({ row: c.row, key: c.entry.key, cells: c.cells }));
  const baseOf = new Map(parsed.changes.map((c) => [c.entry.key, c.entry.baseVersion]));
  const conflicts = response.results.filter((r) => r.outcome === 'conflict').map((r) => ({ key: r.key, baseVersion: baseOf.get(r.key) ?? 0, version: (r as { version: number }).version }));
  const why = explain && conflicts.length ? await explain(conflicts) : new Map<string, ConflictExplanation>();
  const marked = markResults(parsed.sheet, places, response, (key) => why.get(key)?.message);
  markNotices(parsed.sheet, parsed.ignored, '已忽略');
  markNotices(parsed.sheet, parsed.converted, '已换算');
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
    sheet: parsed.sheet.name,
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
    annotated: count('rejected') + count('conflict') + parsed.ignored.length + parsed.converted.length > 0 ? await workbookToBuffer(parsed.workbook) : parsed.source,
  };
}

