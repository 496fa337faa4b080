// Fills (or refills) one plan-and-month sheet from model/sheet.ts rows: header, text formats before
// values (so "=…" stays text), data blocks sized by bytes, locks, validation, conditional formats,
// frozen header, protection, and the state sheet with the fresh snapshot — in as few requests as the
// 2 MB request budget allows.
import { COLUMNS, COLUMN_INDEX, colLetter, rowCells, type SheetRow } from '../../model/sheet';
import { STATUSES } from '../../model/progress';
import { hasCompletionRate } from '../../model/rules';
import { Batcher, jsonBytes } from './batcher';
import { COL_COUNT, DUE_COL, FIRST_DATA_ROW_INDEX, HEADERS, ID_COL, LOCKED_FILL, lockedRuns, NOTE_COL, PREV_COL, SECTION_PREFIX } from './layout';
import { stateWrites, valuesHash, type SheetMeta, type SheetState, type SnapEntry } from './state';
import { everyCell, type ExcelApi, type ExcelContext } from './types';

export interface FillOptions {
  meta: Omit<SheetMeta, 'rowCount'>;
  stateSheetName: string;
  rows: SheetRow[];
  /** Last day of the month being reported (ISO): a deadline before it is overdue unless 已完成. */
  periodEnd: string;
  /** 上月累计 by item id (last month's stored 累计完成), shown read-only. */
  previous?: ReadonlyMap<string, number>;
  /** Admin mode: each target's version (for targets/batches baseVersion), when the server gives it. */
  targetVersions?: ReadonlyMap<string, number>;
  onProgress?: (done: number, total: number) => void;
}

export interface FillStats {
  syncs: number;
  estimatedBytes: number;
  dataRows: number;
}

/**
 * Protection as the reporter gets it: filtering with the AutoFilter arrows (the filter is applied
 * before protecting: a protected sheet refuses a new one), column widths and row heights. No sorting:
 * Excel refuses to sort a range with locked cells on a protected sheet whatever allowSort says, and
 * allowed on the unlocked input columns alone it would move progress away from its task.
 */
export const PROTECT_OPTIONS = {
  allowFormatColumns: true,
  allowFormatRows: true,
  allowAutoFilter: true,
  allowSort: false,
  selectionMode: 'Normal',
} as const;

type Cell = string | number;

/**
 * 完成率 as a live formula (累计 / target value, as model/rules.ts completionRate) so it follows what the
 * user types; null where the rate has no meaning (model/rules.ts hasCompletionRate).
 */
export function rateFormula(row: Extract<SheetRow, { kind: 'item' }>, sheetRow: number): string | null {
  const t = row.target;
  if (!hasCompletionRate(t)) return null;
  const cum = `${colLetter(COLUMN_INDEX.cumulative)}${sheetRow + 1}`;
  return `=IF(ISNUMBER(${cum}),ROUND(${cum}/${t.value}*100,1),"")`;
}

export function sheetCells(row: SheetRow, sheetRow?: number, previous?: ReadonlyMap<string, number>): Cell[] {
  if (row.kind === 'section') {
    const cells: Cell[] = new Array(COL_COUNT).fill('');
    cells[COLUMN_INDEX.task] = row.label;
    cells[ID_COL] = SECTION_PREFIX + row.nodeId;
    return cells;
  }
  const cells: Cell[] = [...rowCells(row).map((v) => v ?? ''), '', row.due ?? '', previous?.get(row.itemId) ?? '']; // 截止日期: for the "overdue" format
  const rate = sheetRow === undefined ? null : rateFormula(row, sheetRow);
  if (rate) cells[COLUMN_INDEX.rate] = rate;
  return cells;
}

export function snapshotOf(rows: SheetRow[], admin: boolean, targetVersions?: ReadonlyMap<string, number>): Record<string, SnapEntry> {
  const snap: Record<string, SnapEntry> = {};
  for (const row of rows) {
    if (row.kind !== 'item') continue;
    const empty = Object.values(row.values).every((v) => v === null);
    if (row.version === 0 && empty && !admin) continue; // absent = version 0, all empty
    const entry: SnapEntry = { version: row.version, hash: valuesHash(row.values) };
    if (admin) {
      const cells = rowCells(row);
      entry.admin = { targetText: cells[COLUMN_INDEX.targetValue] as string | number | null, unit: row.unit, lead: row.lead.join('、') };
      entry.taskId = row.taskId;
      entry.coLeads = row.co;
      entry.isTarget = !!row.target;
      const tv = targetVersions?.get(row.itemId);
      if (tv !== undefined) entry.targetVersion = tv;
    }
    snap[row.itemId] = entry;
  }
  return snap;
}

/** One request to learn whether the data and state sheets exist; a second only when refilling. */
async function probe(ctx: ExcelContext, name: string, stateName: string) {
  const sheet = ctx.workbook.worksheets.getItemOrNullObject(name);
  const state = ctx.workbook.worksheets.getItemOrNullObject(stateName);
  sheet.load('isNullObject');
  state.load('isNullObject');
  await ctx.sync();
  const found = { sheet: sheet.isNullObject ? null : sheet, state: state.isNullObject ? null : state, protected: false, rows: 0, syncs: 1 };
  if (!found.sheet) return found;
  sheet.protection.load('protected');
  const used = sheet.getUsedRangeOrNullObject();
  used.load(['isNullObject', 'rowIndex', 'rowCount']);
  await ctx.sync();
  return {
    ...found,
    protected: sheet.protection.protected as boolean,
    rows: used.isNullObject ? 0 : (used.rowIndex as number) + (used.rowCount as number),
    syncs: 2,
  };
}

export async function fillSheet(excel: ExcelApi, opts: FillOptions): Promise<FillStats> {
  return excel.run(async (ctx) => {
    const n = opts.rows.length;
    const last = FIRST_DATA_ROW_INDEX + Math.max(n, 1); // exclusive
    const existing = await probe(ctx, opts.meta.sheetName, opts.stateSheetName);
    const b = new Batcher(ctx);
    const { sheet, state } = await openSheets(ctx, b, existing, opts, last);
    const f: Fill = { b, sheet, opts, n, last, at: (r, c, rc, cc) => sheet.getRangeByIndexes(r, c, rc, cc) };
    await writeHeader(f);
    await writeRows(f);
    await writeLocks(f);
    await writeValidation(f);
    await writeStateAndProtect(f, state);
    await b.flush();
    return { syncs: b.syncs + existing.syncs, estimatedBytes: b.bytes, dataRows: n };
  });
}

/** What every step of a fill writes through: the batcher, the sheet, the options, n rows, `last` (exclusive). */
interface Fill {
  b: Batcher;
  sheet: Excel.Worksheet;
  opts: FillOptions;
  n: number;
  last: number;
  at(r: number, c: number, rc: number, cc: number): Excel.Range;
}

/** The sheets: reuse and clear an existing one (deleting could hit "last visible sheet"). */
async function openSheets(ctx: ExcelContext, b: Batcher, existing: Awaited<ReturnType<typeof probe>>, opts: FillOptions, last: number) {
  let sheet!: Excel.Worksheet;
  let state!: Excel.Worksheet;
  await b.add(0, () => {
    if (existing.sheet) {
      sheet = existing.sheet;
      if (existing.protected) sheet.protection.unprotect();
      sheet.autoFilter.remove();
      const all = sheet.getRangeByIndexes(0, 0, Math.max(existing.rows, last), COL_COUNT);
      all.dataValidation.clear();
      all.conditionalFormats.clearAll();
      all.clear();
    } else sheet = ctx.workbook.worksheets.add(opts.meta.sheetName);
    state = existing.state ?? ctx.workbook.worksheets.add(opts.stateSheetName);
    if (!existing.state) state.visibility = 'VeryHidden';
  });
  return { sheet, state };
}

/** Column formats and widths, then the header row (text columns as text before any value lands). */
async function writeHeader({ b, at, last }: Fill): Promise<void> {
  await b.add(jsonBytes(HEADERS) + 400, () => {
    // Formats before values: text columns as text so "=…", "+86…" or "001" stay what was typed.
    COLUMNS.forEach((col, c) => {
      const fmt = col.kind === 'number' ? 'General' : col.kind === 'rate' ? '0.0' : '@';
      at(FIRST_DATA_ROW_INDEX, c, last - FIRST_DATA_ROW_INDEX, 1).numberFormat = everyCell(fmt);
      at(0, c, 1, 1).format.columnWidth = col.width * 7;
    });
    at(0, NOTE_COL, last, 2).numberFormat = everyCell('@');
    at(0, NOTE_COL, 1, 1).format.columnWidth = 40 * 7;
    at(0, PREV_COL, 1, 1).format.columnWidth = 10 * 7;
    const header = at(0, 0, 1, COL_COUNT);
    header.values = [HEADERS];
    header.format.font.bold = true;
    at(0, ID_COL, 1, 1).columnHidden = true;
    at(0, DUE_COL, 1, 1).columnHidden = true;
  });
}

/** Data rows, in blocks that fill what is left of the current request. */
async function writeRows({ b, at, opts, n }: Fill): Promise<void> {
  const cells = opts.rows.map((r, k) => sheetCells(r, FIRST_DATA_ROW_INDEX + k, opts.previous));
  let i = 0;
  while (i < n) {
    let bytes = 2;
    let end = i;
    const room = b.remaining;
    while (end < n) {
      const rb = jsonBytes(cells[end]) + 1;
      if (bytes + rb > room) break;
      bytes += rb;
      end++;
    }
    if (end === i) {
      await b.flush(); // not one row fits what is left: start a fresh request
      if (jsonBytes(cells[i]) > b.remaining) throw new Error(`第${i + 2}行过大，无法写入`);
      continue;
    }
    const start = i;
    await b.add(bytes, () => (at(FIRST_DATA_ROW_INDEX + start, 0, end - start, COL_COUNT).values = cells.slice(start, end)));
    i = end;
    opts.onProgress?.(i, n);
  }
}

/** Locks: model columns stay locked, input columns open on item rows only. */
async function writeLocks({ b, at, opts, n }: Fill): Promise<void> {
  const { meta, rows } = opts;
  const inputRuns = [
    [COLUMN_INDEX.monthDone, 2],
    [COLUMN_INDEX.status, 4],
  ] as const;
  const adminRun = [COLUMN_INDEX.targetValue, 3] as const;
  const sections = rows.flatMap((r, k) => (r.kind === 'section' ? [k] : []));
  await b.add(200 * (4 + sections.length * (meta.admin ? 3 : 2)), () => {
    for (const [c, w] of lockedRuns(meta.admin)) at(FIRST_DATA_ROW_INDEX, c, n || 1, w).format.fill.color = LOCKED_FILL;
    if (meta.closed) return; // a closed month: everything stays locked, read-only
    for (const [c, w] of meta.admin ? [...inputRuns, adminRun] : inputRuns) at(FIRST_DATA_ROW_INDEX, c, n || 1, w).format.protection.locked = false;
    for (const k of sections) {
      for (const [c, w] of meta.admin ? [...inputRuns, adminRun] : inputRuns) at(FIRST_DATA_ROW_INDEX + k, c, 1, w).format.protection.locked = true;
      at(FIRST_DATA_ROW_INDEX + k, 0, 1, COL_COUNT).format.font.bold = true;
    }
  });
}

/** Validation (UX only: a paste bypasses it, so the rules run again on 校验/同步) and formats. */
async function writeValidation({ b, at, sheet, opts, n }: Fill): Promise<void> {
  const L = (key: keyof typeof COLUMN_INDEX) => colLetter(COLUMN_INDEX[key]);
  const r0 = FIRST_DATA_ROW_INDEX + 1;
  await b.add(2000, () => {
    const numbers = at(FIRST_DATA_ROW_INDEX, COLUMN_INDEX.monthDone, n || 1, 2);
    numbers.dataValidation.rule = { decimal: { formula1: 0, operator: 'GreaterThanOrEqualTo' } };
    numbers.dataValidation.errorAlert = { showAlert: true, style: 'Stop', title: '请填写数字', message: '请填写不小于0的数字' };
    const status = at(FIRST_DATA_ROW_INDEX, COLUMN_INDEX.status, n || 1, 1);
    status.dataValidation.rule = { list: { inCellDropDown: true, source: STATUSES.join(',') } };
    status.dataValidation.errorAlert = { showAlert: true, style: 'Stop', title: '状态', message: `状态须为：${STATUSES.join('、')}` };
    const whole = at(FIRST_DATA_ROW_INDEX, 0, n || 1, NOTE_COL + 1);
    const lagging = whole.conditionalFormats.add('Custom');
    lagging.custom.rule.formula = `=$${L('status')}${r0}="滞后"`;
    lagging.custom.format.fill.color = '#FCE4D6';
    const overdue = at(FIRST_DATA_ROW_INDEX, COLUMN_INDEX.deadline, n || 1, 1).conditionalFormats.add('Custom');
    overdue.custom.rule.formula = `=AND($${colLetter(DUE_COL)}${r0}<>"",$${colLetter(DUE_COL)}${r0}<="${opts.periodEnd}",$${L('status')}${r0}<>"已完成")`;
    overdue.custom.format.font.color = '#C00000';
    overdue.custom.format.fill.color = '#FFC7CE';
    const invalid = numbers.conditionalFormats.add('Custom');
    invalid.custom.rule.formula = `=AND(${L('monthDone')}${r0}<>"",OR(NOT(ISNUMBER(${L('monthDone')}${r0})),${L('monthDone')}${r0}<0))`;
    invalid.custom.format.fill.color = '#F8D7DA';
    sheet.freezePanes.freezeRows(1);
  });
}

/** The state sheet's fresh snapshot, then the filter, the protection and the sheet shown. */
async function writeStateAndProtect({ b, at, sheet, opts, n, last }: Fill, state: Excel.Worksheet): Promise<void> {
  const { meta, rows } = opts;
  const fresh: Partial<SheetState> = {
    meta: { ...meta, rowCount: n },
    snapshot: snapshotOf(rows, meta.admin, opts.targetVersions),
    pending: null,
    pendingTargets: null,
    conflicts: {},
  };
  for (const w of stateWrites(state, fresh)) await b.add(w.bytes, w.enqueue);
  await b.add(1000, () => {
    sheet.autoFilter.apply(at(0, 0, last, NOTE_COL + 1)); // header + data rows, 序号 … 提示
    sheet.protection.protect(PROTECT_OPTIONS);
    sheet.activate();
  });
}
