// An in-memory fake of the Excel JavaScript API subset the add-in's adapter uses, behaving like
// Office.js where it matters: proxies queue operations that apply at context.sync(); reading a property
// that was neither loaded+synced nor set throws PropertyNotLoaded; value arrays must match the range's
// shape; a request over 5 MB (UTF-8 JSON of the queued operations) throws RequestPayloadSizeLimitExceeded
// and applies nothing; a failing operation leaves the ones before it applied (no rollback, as in
// Office); locked cells on a protected sheet refuse writes; strings starting with "=" become formulas
// unless the cell is text-formatted ("@"). It counts syncs and request/response bytes per sync.
// No Node imports: it is also bundled for the browser and injected into the task pane in e2e tests.
import type { ExcelApi } from '../../addin/excel/types';

export const REQUEST_LIMIT = 5 * 1024 * 1024;
export const CELL_TEXT_LIMIT = 32767;

export class FakeExcelError extends Error {
  constructor(
    public code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'RichApi.Error';
  }
}

type CellValue = string | number | boolean;
interface Cell {
  v: CellValue;
  formula?: string;
  nf: string;
  locked: boolean;
  fill: string | null;
  bold?: boolean;
  /** "'" when the user typed a leading apostrophe (Excel keeps it out of the value). */
  prefix?: string;
}
interface Rect {
  r: number;
  c: number;
  rc: number;
  cc: number;
}
export interface ValidationRule {
  rect: Rect;
  rule: any;
}
export interface ConditionalFormat {
  rect: Rect;
  formula: string;
  fill?: string;
  fontColor?: string;
}

export class SheetState {
  rows: (Cell[] | undefined)[] = [];
  visibility: 'Visible' | 'Hidden' | 'VeryHidden' = 'Visible';
  protected = false;
  protectOptions: any = null;
  frozenRows = 0;
  hiddenColumns = new Set<number>();
  hiddenRows = new Set<number>();
  autoFilter: Rect | null = null;
  columnWidths = new Map<number, number>();
  validations: ValidationRule[] = [];
  conditionalFormats: ConditionalFormat[] = [];
  constructor(public name: string) {}

  cell(r: number, c: number): Cell {
    const row = (this.rows[r] ??= []);
    return (row[c] ??= { v: '', nf: 'General', locked: true, fill: null });
  }
  peek(r: number, c: number): Cell | undefined {
    return this.rows[r]?.[c];
  }
  /** The used rectangle (cells holding a value), or null when empty. */
  used(): Rect | null {
    let maxR = -1,
      maxC = -1;
    for (let r = 0; r < this.rows.length; r++) {
      const row = this.rows[r];
      if (!row) continue;
      for (let c = 0; c < row.length; c++) {
        if (!row[c] || row[c]!.v === '') continue;
        maxR = Math.max(maxR, r);
        maxC = Math.max(maxC, c);
      }
    }
    return maxR < 0 ? null : { r: 0, c: 0, rc: maxR + 1, cc: maxC + 1 };
  }
}

export class WorkbookState {
  sheets: SheetState[] = [new SheetState('Sheet1')];
  active = 'Sheet1';
  selection: { sheet: string; rect: Rect } | null = null;
  stats = { syncs: 0, requestBytes: [] as number[], responseBytes: [] as number[], suspendCalc: 0, suspendScreen: 0, protects: 0, unprotects: 0 };
  /** The user is editing a cell (typing, not yet Enter): requests fail with InvalidOperationInCellEditMode, or wait with delayForCellEdit. */
  cellEditMode = false;
  private editEnded: (() => void)[] = [];
  /** The user presses Enter: cell-edit mode ends and requests that were waiting run. */
  endCellEdit(): void {
    this.cellEditMode = false;
    for (const f of this.editEnded.splice(0)) f();
  }
  whenEditEnds(): Promise<void> {
    return new Promise((resolve) => this.editEnded.push(resolve));
  }
  /** "Today" for typed dates without a year ("1/2" is 2 January of this year). */
  today = new Date();
  /** Optional hook run at the start of each sync (tests use it to interleave user edits). */
  onSync?: (n: number) => void;

  sheet(name: string): SheetState | undefined {
    return this.sheets.find((s) => s.name.toLowerCase() === name.toLowerCase());
  }
  get maxRequestBytes(): number {
    return Math.max(0, ...this.stats.requestBytes);
  }
  get totalRequestBytes(): number {
    return this.stats.requestBytes.reduce((a, b) => a + b, 0);
  }
  resetStats(): void {
    this.stats = { syncs: 0, requestBytes: [], responseBytes: [], suspendCalc: 0, suspendScreen: 0, protects: 0, unprotects: 0 };
  }

  /**
   * A user typing into a cell in Excel: protection applies, the text is converted as Excel converts
   * typed input (typedInput: "30%" → 0.3 with "0%", "1/2" → a date serial with a date format, …) and
   * data validation checks the converted value, as Excel does ("1/2" passes "decimal ≥ 0").
   */
  userEdit(sheetName: string, address: string, value: CellValue): void {
    const sheet = this.sheet(sheetName);
    if (!sheet) throw new FakeExcelError('ItemNotFound', `no sheet ${sheetName}`);
    const { r, c } = parseAddress(address);
    const cell = sheet.cell(r, c);
    if (sheet.protected && cell.locked) throw new FakeExcelError('AccessDenied', `cell ${address} is locked`);
    const typed = typeof value === 'string' && !value.startsWith('=') ? typedInput(value, cell.nf, this.today) : { v: value, nf: cell.nf };
    for (const v of sheet.validations) {
      if (inside(v.rect, r, c) && !passesValidation(v.rule, typed.v))
        throw new FakeExcelError('DataValidation', `${address}: ${JSON.stringify(value)} refused by validation`);
    }
    storeValue(cell, value, this.today);
  }
  /** A user pasting: bypasses data validation (as in Excel), still refused on locked cells, converted like typing. */
  userPaste(sheetName: string, address: string, value: CellValue): void {
    const sheet = this.sheet(sheetName)!;
    const { r, c } = parseAddress(address);
    const cell = sheet.cell(r, c);
    if (sheet.protected && cell.locked) throw new FakeExcelError('AccessDenied', `cell ${address} is locked`);
    storeValue(cell, value, this.today);
  }
  /**
   * Sorting rows (user action) — row identity must then come from the id column, not the position.
   * On a protected sheet Excel refuses to sort a range with locked cells, even with allowSort.
   */
  sortRows(sheetName: string, from: number, to: number, compare: (a: Cell[], b: Cell[]) => number): void {
    const sheet = this.sheet(sheetName)!;
    if (sheet.protected) {
      const cols = Math.max(0, ...sheet.rows.slice(from, to).map((r) => r?.length ?? 0));
      const locked = sheet.rows.slice(from, to).some((row) => Array.from({ length: cols }, (_, c) => row?.[c]?.locked ?? true).some(Boolean));
      if (!sheet.protectOptions?.allowSort || locked)
        throw new FakeExcelError(
          'AccessDenied',
          'The cell or chart you are trying to change is on a protected sheet: sorting a range with locked cells is not allowed',
        );
    }
    const block = sheet.rows.slice(from, to).map((r) => r ?? []);
    block.sort(compare);
    sheet.rows.splice(from, block.length, ...block);
  }
  /** Filtering by the AutoFilter arrows (user action): needs an AutoFilter, and allowAutoFilter when protected. */
  filterRows(sheetName: string, col: number, keep: (v: CellValue) => boolean): void {
    const sheet = this.sheet(sheetName)!;
    const af = sheet.autoFilter;
    if (!af) throw new FakeExcelError('InvalidOperation', 'no AutoFilter on this sheet');
    if (sheet.protected && !sheet.protectOptions?.allowAutoFilter) throw new FakeExcelError('AccessDenied', 'filtering is not allowed on this protected sheet');
    sheet.hiddenRows.clear();
    for (let r = af.r + 1; r < af.r + af.rc; r++) if (!keep(sheet.peek(r, col)?.v ?? '')) sheet.hiddenRows.add(r);
  }
  /** The user unprotects the sheet (Review → Unprotect Sheet; no password by default). */
  userUnprotect(sheetName: string): void {
    this.sheet(sheetName)!.protected = false;
  }
  read(sheetName: string, address: string): CellValue {
    const { r, c } = parseAddress(address);
    const sheet = this.sheet(sheetName);
    const cell = sheet?.peek(r, c);
    return cell?.formula ? evaluate(cell.formula, sheet) : (cell?.v ?? '');
  }
  cellAt(sheetName: string, address: string): Cell | undefined {
    const { r, c } = parseAddress(address);
    return this.sheet(sheetName)?.peek(r, c);
  }
}

/** Stores what was typed or written: "=…" is a formula unless the cell is text; other strings are converted as typed input. */
function storeValue(cell: Cell, value: CellValue, today = new Date()): void {
  if (typeof value === 'string' && value.length > CELL_TEXT_LIMIT)
    throw new FakeExcelError('InvalidArgument', `text longer than ${CELL_TEXT_LIMIT} characters`);
  delete cell.formula;
  delete cell.prefix;
  if (typeof value === 'string' && value.startsWith('=') && cell.nf !== '@') {
    cell.formula = value;
    cell.v = evaluate(value);
  } else if (typeof value === 'string') {
    const typed = typedInput(value, cell.nf, today);
    cell.v = typed.v;
    cell.nf = typed.nf;
    if (typed.prefix) cell.prefix = typed.prefix;
  } else cell.v = value;
}

const DAY_MS = 86_400_000;
/** Excel's 1900 date system: serial 1 = 1900-01-01, counted from 1899-12-30 for dates after February 1900. */
export function dateSerial(y: number, m: number, d: number): number | null {
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (m < 1 || m > 12 || back.getUTCDate() !== d || back.getUTCMonth() !== m - 1) return null;
  return Math.round((t - Date.UTC(1899, 11, 30)) / DAY_MS);
}

/**
 * What Excel (Chinese locale) makes of text typed into a cell that is not text-formatted ("@"):
 * a leading apostrophe keeps the rest as text (a prefix, not part of the value); numbers, "1,234"
 * (thousands separators → "#,##0"), "30%" (÷100 → "0%"), "1.5e3" (→ "0.00E+00"), "0 1/2" (a fraction
 * → "# ?/?"), and dates — "2024-05-31", "2024/5/31", "2024年5月31日" (→ "yyyy/m/d"), "1/2", "3-4",
 * "5月31日" (this year, → "m月d日") — become numbers. A General cell takes the format Excel picks;
 * a cell with a format keeps it. Anything else stays text.
 */
export function typedInput(text: string, nf: string, today = new Date()): { v: CellValue; nf: string; prefix?: string } {
  if (nf === '@') return { v: text, nf };
  if (text.startsWith("'")) return { v: text.slice(1), nf, prefix: "'" };
  const t = text.trim();
  const general = nf === 'General';
  const as = (v: number, format: string) => ({ v, nf: general ? format : nf });
  let m: RegExpExecArray | null;
  if (/^[-+]?(\d+\.?\d*|\.\d+)$/.test(t)) return as(Number(t), 'General');
  if ((m = /^[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+$/.exec(t))) return as(Number(t), '0.00E+00');
  if ((m = /^([-+]?)(\d{1,3}(?:,\d{3})+)(\.\d+)?$/.exec(t))) return as(Number(m[1] + m[2].replace(/,/g, '') + (m[3] ?? '')), m[3] ? '#,##0.00' : '#,##0');
  if ((m = /^([-+]?(?:\d+\.?\d*|\.\d+))\s*%$/.exec(t))) return as(Number(m[1]) / 100, m[1].includes('.') ? '0.00%' : '0%');
  if ((m = /^(\d+) (\d+)\/(\d+)$/.exec(t)) && Number(m[3]) > 0) return as(Number(m[1]) + Number(m[2]) / Number(m[3]), '# ?/?');
  const year = today.getFullYear();
  const date = (y: number, mo: number, d: number, format: string) => {
    const serial = dateSerial(y, mo, d);
    return serial === null ? null : as(serial, format);
  };
  const withYear = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(t) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(t);
  if (withYear) {
    const r = date(Number(withYear[1]), Number(withYear[2]), Number(withYear[3]), 'yyyy/m/d');
    if (r) return r;
  }
  const noYear = /^(\d{1,2})[-/](\d{1,2})$/.exec(t) ?? /^(\d{1,2})月(\d{1,2})日$/.exec(t);
  if (noYear) {
    const r = date(year, Number(noYear[1]), Number(noYear[2]), 'm月d日');
    if (r) return r;
  }
  return { v: text, nf };
}

/** What a cell shows (Range.text) for the formats the fake produces; other formats show the value. */
export function displayText(v: CellValue, nf: string): string {
  if (typeof v !== 'number') return String(v);
  if (/^0(\.0+)?%$/.test(nf)) return `${(v * 100).toFixed((nf.split('.')[1] ?? '%').length - 1)}%`;
  if (nf === 'yyyy/m/d' || nf === 'm月d日') {
    const d = new Date(Date.UTC(1899, 11, 30) + v * DAY_MS);
    return nf === 'yyyy/m/d' ? `${d.getUTCFullYear()}/${d.getUTCMonth() + 1}/${d.getUTCDate()}` : `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
  }
  if (nf === '#,##0') return Math.round(v).toLocaleString('en-US');
  if (nf === '#,##0.00') return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  if (nf === '0.0') return v.toFixed(1);
  return String(v);
}
/** Enough of a formula engine to show that a formula was created: arithmetic on literals. */
function evaluate(formula: string, sheet?: SheetState): CellValue {
  // The add-in's 完成率 formula: =IF(ISNUMBER(I5),ROUND(I5/278*100,1),"")
  const rate = /^=IF\(ISNUMBER\(([A-Z]+\d+)\),ROUND\(\1\/([\d.]+)\*100,1\),""\)$/.exec(formula);
  if (rate && sheet) {
    const { r, c } = parseAddress(rate[1]);
    const v = sheet.peek(r, c)?.v;
    return typeof v === 'number' ? Math.round((v / Number(rate[2])) * 1000) / 10 : '';
  }
  const body = formula.slice(1);
  if (/^[\d+\-*/(). ]+$/.test(body)) {
    try {
      return Function(`"use strict";return (${body})`)() as number;
    } catch {
      /* fallthrough */
    }
  }
  return '#NAME?';
}
function passesValidation(rule: any, value: CellValue): boolean {
  if (value === '' || value === null) return true;
  if (rule.decimal) {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n)) return false;
    const f = Number(rule.decimal.formula1);
    return rule.decimal.operator === 'GreaterThanOrEqualTo' ? n >= f : true;
  }
  if (rule.list) return String(rule.list.source).split(',').includes(String(value));
  return true;
}
function inside(rect: Rect, r: number, c: number): boolean {
  return r >= rect.r && r < rect.r + rect.rc && c >= rect.c && c < rect.c + rect.cc;
}

export function colName(c: number): string {
  let s = '';
  for (c += 1; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return s;
}
export function parseAddress(a: string): { r: number; c: number } {
  const m = /^\$?([A-Z]+)\$?(\d+)$/i.exec(a.trim());
  if (!m) throw new FakeExcelError('InvalidArgument', `bad address ${a}`);
  let c = 0;
  for (const ch of m[1].toUpperCase()) c = c * 26 + ch.charCodeAt(0) - 64;
  return { r: Number(m[2]) - 1, c: c - 1 };
}
function parseRange(a: string): Rect {
  const addr = a.includes('!') ? a.slice(a.indexOf('!') + 1) : a;
  const [p, q = p] = addr.split(':');
  const s = parseAddress(p),
    e = parseAddress(q);
  return { r: Math.min(s.r, e.r), c: Math.min(s.c, e.c), rc: Math.abs(e.r - s.r) + 1, cc: Math.abs(e.c - s.c) + 1 };
}
function rectAddress(sheet: string, x: Rect): string {
  const a = `${colName(x.c)}${x.r + 1}`,
    b = `${colName(x.c + x.cc - 1)}${x.r + x.rc}`;
  return `${sheet}!${a === b ? a : `${a}:${b}`}`;
}

// ---------------------------------------------------------------------------------------------------
// Proxies and the request queue

interface Op {
  path: string; // for byte counting and error messages
  action: string;
  value?: unknown;
  run: () => void;
}

const utf8 = new TextEncoder();

export class RequestContext {
  private queue: Op[] = [];
  readonly workbook: Workbook;
  readonly application: Application;
  readonly runtime: { enableEvents: boolean };
  constructor(readonly state: WorkbookState) {
    this.workbook = new Workbook(this);
    this.application = new Application(this);
    const ctx = this;
    this.runtime = {
      set enableEvents(v: boolean) {
        ctx.enqueue('runtime', 'set enableEvents', v, () => {});
      },
      get enableEvents(): boolean {
        return true;
      },
    };
  }
  /** Set when its Excel.run ended: proxies of a finished run cannot be used in another (InvalidObjectPath). */
  closed = false;
  delayForCellEdit = false;
  enqueue(path: string, action: string, value: unknown, run: () => void): void {
    if (this.closed)
      throw new FakeExcelError('InvalidObjectPath', `${path}: this object belongs to an Excel.run that has ended; objects cannot be reused across Excel.run`);
    this.queue.push({ path, action, value, run });
  }
  get pending(): number {
    return this.queue.length;
  }
  /** Bytes of the queued request as Office would send it: the operations as UTF-8 JSON. */
  pendingBytes(): number {
    return utf8.encode(JSON.stringify(this.queue.map((o) => [o.path, o.action, o.value]))).length;
  }
  async sync(): Promise<void> {
    if (this.closed) throw new FakeExcelError('InvalidObjectPath', 'context.sync() of an Excel.run that has ended');
    const st = this.state;
    if (st.cellEditMode) {
      // Office: without delayForCellEdit the batch fails (nothing applied); with it, it waits for Enter.
      if (!this.delayForCellEdit)
        throw new FakeExcelError(
          'InvalidOperationInCellEditMode',
          'Excel is in cell-editing mode. Please exit the edit mode by pressing ENTER or TAB or selecting another cell, and then try again.',
        );
      await st.whenEditEnds();
    }
    const ops = this.queue;
    this.queue = [];
    st.onSync?.(st.stats.syncs + 1);
    const bytes = utf8.encode(JSON.stringify(ops.map((o) => [o.path, o.action, o.value]))).length;
    st.stats.syncs++;
    st.stats.requestBytes.push(bytes);
    if (bytes > REQUEST_LIMIT) throw new FakeExcelError('RequestPayloadSizeLimitExceeded', `request of ${bytes} bytes exceeds ${REQUEST_LIMIT}`);
    responseBytes = 0;
    try {
      for (const op of ops) op.run();
    } finally {
      st.stats.responseBytes.push(responseBytes);
    }
    if (responseBytes > REQUEST_LIMIT) throw new FakeExcelError('ResponsePayloadSizeLimitExceeded', `response of ${responseBytes} bytes`);
    await Promise.resolve();
  }
  trackedObjects = { add() {}, remove() {} };
}
let responseBytes = 0;

function notLoaded(path: string, prop: string): never {
  throw new FakeExcelError(
    'PropertyNotLoaded',
    `The property '${prop}' of ${path} is not available. Before reading the property's value, call the load method on the containing object and call "context.sync()".`,
  );
}

abstract class ClientObject {
  protected loaded: Record<string, unknown> = {};
  constructor(
    protected ctx: RequestContext,
    readonly path: string,
  ) {}
  protected get<T>(prop: string): T {
    if (!(prop in this.loaded)) notLoaded(this.path, prop);
    return this.loaded[prop] as T;
  }
  protected abstract read(prop: string): unknown;
  load(props?: string | string[] | Record<string, unknown>): this {
    const list =
      typeof props === 'string' ? props.split(',').map((s) => s.trim()) : Array.isArray(props) ? props : props ? Object.keys(props) : this.defaultProps();
    this.ctx.enqueue(this.path, 'load', list, () => {
      for (const p of list) {
        const [head, ...rest] = p.split('/');
        if (rest.length) {
          (this as any)[head].load(rest.join('/'));
          continue;
        }
        const v = this.read(head);
        responseBytes += utf8.encode(JSON.stringify(v) ?? '').length;
        this.loaded[head] = v;
      }
    });
    return this;
  }
  protected defaultProps(): string[] {
    return [];
  }
}

class Application implements Pick<Excel.Application, 'suspendApiCalculationUntilNextSync' | 'suspendScreenUpdatingUntilNextSync'> {
  constructor(private ctx: RequestContext) {}
  suspendApiCalculationUntilNextSync(): void {
    this.ctx.enqueue('application', 'suspendApiCalculationUntilNextSync', null, () => void this.ctx.state.stats.suspendCalc++);
  }
  suspendScreenUpdatingUntilNextSync(): void {
    this.ctx.enqueue('application', 'suspendScreenUpdatingUntilNextSync', null, () => void this.ctx.state.stats.suspendScreen++);
  }
}

class Workbook {
  readonly worksheets: WorksheetCollection;
  constructor(private ctx: RequestContext) {
    this.worksheets = new WorksheetCollection(ctx);
  }
  getSelectedRange(): Range {
    const st = this.ctx.state;
    return new Range(this.ctx, 'selection', () => {
      const sel = st.selection ?? { sheet: st.active, rect: { r: 0, c: 0, rc: 1, cc: 1 } };
      return { sheet: st.sheet(sel.sheet)!, rect: sel.rect };
    });
  }
}

class WorksheetCollection extends ClientObject {
  items: Worksheet[] = [];
  protected read(prop: string): unknown {
    if (prop === 'items') {
      this.items = this.ctx.state.sheets.map((s) => new Worksheet(this.ctx, () => s, s.name, true));
      return this.items.length;
    }
    return notLoaded(this.path, prop);
  }
  constructor(ctx: RequestContext) {
    super(ctx, 'worksheets');
  }
  protected defaultProps(): string[] {
    return ['items'];
  }
  getItem(name: string): Worksheet {
    return new Worksheet(
      this.ctx,
      () => {
        const s = this.ctx.state.sheet(name);
        if (!s) throw new FakeExcelError('ItemNotFound', `The requested resource doesn't exist: worksheet ${name}`);
        return s;
      },
      name,
    );
  }
  getItemOrNullObject(name: string): Worksheet {
    return new Worksheet(this.ctx, () => this.ctx.state.sheet(name) ?? null, name);
  }
  add(name: string): Worksheet {
    let created: SheetState | null = null;
    this.ctx.enqueue(this.path, 'add', name, () => {
      if (this.ctx.state.sheet(name)) throw new FakeExcelError('ItemAlreadyExists', `worksheet ${name} already exists`);
      if (name.length > 31 || /[\[\]:*?/\\]/.test(name)) throw new FakeExcelError('InvalidArgument', `bad worksheet name ${name}`);
      created = new SheetState(name);
      this.ctx.state.sheets.push(created);
    });
    return new Worksheet(this.ctx, () => created ?? this.ctx.state.sheet(name)!, name);
  }
}

class Worksheet extends ClientObject implements Pick<Excel.Worksheet, 'isNullObject' | 'name' | 'activate' | 'delete'> {
  readonly protection: WorksheetProtection;
  readonly freezePanes: { freezeRows: (n: number) => void };
  readonly autoFilter: { apply: (range: Range | string) => void; remove: () => void };
  constructor(
    ctx: RequestContext,
    readonly resolve: () => SheetState | null,
    private sheetName: string,
    eager = false,
  ) {
    super(ctx, `ws(${JSON.stringify(sheetName)})`);
    if (eager) this.loaded.name = sheetName;
    this.protection = new WorksheetProtection(ctx, this);
    this.freezePanes = {
      freezeRows: (n: number) => ctx.enqueue(this.path, 'freezeRows', n, () => void (this.must().frozenRows = n)),
    };
    this.autoFilter = {
      // Worksheet.autoFilter (ExcelApi 1.9): one per sheet; adding one to a protected sheet is refused.
      apply: (range: Range | string) =>
        ctx.enqueue(this.path, 'autoFilter/apply', typeof range === 'string' ? range : range.path, () => {
          const s = this.must();
          if (s.protected) throw new FakeExcelError('AccessDenied', 'an AutoFilter cannot be added to a protected sheet');
          s.autoFilter = typeof range === 'string' ? parseRange(range) : range.must().rect;
        }),
      remove: () =>
        ctx.enqueue(this.path, 'autoFilter/remove', null, () => {
          const s = this.must();
          if (s.protected && s.autoFilter) throw new FakeExcelError('AccessDenied', 'an AutoFilter cannot be removed from a protected sheet');
          s.autoFilter = null;
          s.hiddenRows.clear();
        }),
    };
  }
  must(): SheetState {
    const s = this.resolve();
    if (!s) throw new FakeExcelError('ItemNotFound', `worksheet ${this.sheetName} does not exist`);
    return s;
  }
  protected read(prop: string): unknown {
    if (prop === 'isNullObject') return this.resolve() === null;
    const s = this.must();
    if (prop === 'name') return s.name;
    if (prop === 'visibility') return s.visibility;
    return notLoaded(this.path, prop);
  }
  get isNullObject(): boolean {
    return this.get('isNullObject');
  }
  get name(): string {
    return this.get('name');
  }
  get visibility(): string {
    return this.get('visibility');
  }
  set visibility(v: string) {
    this.loaded.visibility = v;
    this.ctx.enqueue(this.path, 'set visibility', v, () => void (this.must().visibility = v as SheetState['visibility']));
  }
  activate(): void {
    this.ctx.enqueue(this.path, 'activate', null, () => void (this.ctx.state.active = this.must().name));
  }
  delete(): void {
    this.ctx.enqueue(this.path, 'delete', null, () => {
      const s = this.must();
      this.ctx.state.sheets = this.ctx.state.sheets.filter((x) => x !== s);
    });
  }
  getRangeByIndexes(r: number, c: number, rc: number, cc: number): Range {
    if (rc < 1 || cc < 1) throw new FakeExcelError('InvalidArgument', 'empty range');
    return new Range(this.ctx, `${this.path}.rangeByIndexes(${r},${c},${rc},${cc})`, () => ({ sheet: this.must(), rect: { r, c, rc, cc } }));
  }
  getRange(address: string): Range {
    const rect = parseRange(address);
    return new Range(this.ctx, `${this.path}.range(${address})`, () => ({ sheet: this.must(), rect }));
  }
  getUsedRangeOrNullObject(_valuesOnly?: boolean): Range {
    return new Range(this.ctx, `${this.path}.usedRange`, () => {
      const s = this.must();
      const rect = s.used();
      return rect ? { sheet: s, rect } : null;
    });
  }
}

class WorksheetProtection extends ClientObject implements Pick<Excel.WorksheetProtection, 'protected' | 'unprotect'> {
  constructor(
    ctx: RequestContext,
    private ws: Worksheet,
  ) {
    super(ctx, `${ws.path}.protection`);
  }
  protected read(prop: string): unknown {
    if (prop === 'protected') return this.ws.must().protected;
    return notLoaded(this.path, prop);
  }
  get protected(): boolean {
    return this.get('protected');
  }
  protect(options?: unknown, password?: string): void {
    this.ctx.enqueue(this.path, 'protect', options ?? null, () => {
      const s = this.ws.must();
      if (s.protected) throw new FakeExcelError('AccessDenied', 'the worksheet is already protected');
      this.ctx.state.stats.protects++;
      s.protected = true;
      s.protectOptions = options ?? {};
      void password;
    });
  }
  unprotect(): void {
    this.ctx.enqueue(this.path, 'unprotect', null, () => {
      const s = this.ws.must();
      if (!s.protected) throw new FakeExcelError('InvalidOperation', 'the worksheet is not protected');
      this.ctx.state.stats.unprotects++;
      s.protected = false;
    });
  }
}

type Target = { sheet: SheetState; rect: Rect } | null;

function shaped(name: string, value: unknown, rect: Rect): (r: number, c: number) => unknown {
  if (!Array.isArray(value)) return () => value; // a single value applies to every cell, as in Office
  if (value.length !== rect.rc || value.some((row) => !Array.isArray(row) || row.length !== rect.cc)) {
    const got = `${value.length}×${Array.isArray(value[0]) ? value[0].length : '?'}`;
    throw new FakeExcelError(
      'InvalidArgument',
      `The number of rows or columns in the input array doesn't match the size or dimensions of the range (${name}: range ${rect.rc}×${rect.cc}, array ${got}).`,
    );
  }
  return (r, c) => (value as unknown[][])[r][c];
}

class Range
  extends ClientObject
  implements
    Pick<Excel.Range, 'isNullObject' | 'values' | 'text' | 'rowIndex' | 'rowCount' | 'columnIndex' | 'columnCount' | 'address' | 'columnHidden' | 'select'>
{
  readonly format: RangeFormat;
  readonly dataValidation: DataValidation;
  readonly conditionalFormats: ConditionalFormatCollection;
  constructor(
    ctx: RequestContext,
    path: string,
    readonly resolve: () => Target,
  ) {
    super(ctx, path);
    this.format = new RangeFormat(ctx, this);
    this.dataValidation = new DataValidation(ctx, this);
    this.conditionalFormats = new ConditionalFormatCollection(ctx, this);
  }
  must(): { sheet: SheetState; rect: Rect } {
    const t = this.resolve();
    if (!t) throw new FakeExcelError('ItemNotFound', `${this.path} does not exist`);
    return t;
  }
  /** Writes one cell attribute over the whole range, honouring protection for cell contents. */
  writeCells(prop: string, value: unknown, apply: (cell: Cell, v: any) => void, contents: boolean): void {
    this.ctx.enqueue(this.path, `set ${prop}`, value, () => {
      const { sheet, rect } = this.must();
      const at = shaped(prop, value, rect);
      if (sheet.protected && !contents && !sheet.protectOptions?.allowFormatCells)
        throw new FakeExcelError('AccessDenied', `${prop} on a protected sheet needs allowFormatCells (${rectAddress(sheet.name, rect)})`);
      if (sheet.protected) {
        for (let r = 0; r < rect.rc; r++)
          for (let c = 0; c < rect.cc; c++)
            if ((contents || prop !== 'numberFormat') && sheet.cell(rect.r + r, rect.c + c).locked)
              throw new FakeExcelError(
                'AccessDenied',
                `The cell or chart you're trying to change is protected (${rectAddress(sheet.name, { r: rect.r + r, c: rect.c + c, rc: 1, cc: 1 })}).`,
              );
      }
      for (let r = 0; r < rect.rc; r++) for (let c = 0; c < rect.cc; c++) apply(sheet.cell(rect.r + r, rect.c + c), at(r, c));
    });
  }
  protected read(prop: string): unknown {
    if (prop === 'isNullObject') return this.resolve() === null;
    const { sheet, rect } = this.must();
    const grid = (f: (c: Cell | undefined) => unknown) =>
      Array.from({ length: rect.rc }, (_, r) => Array.from({ length: rect.cc }, (_, c) => f(sheet.peek(rect.r + r, rect.c + c))));
    switch (prop) {
      case 'values':
        return grid((x) => (x?.formula ? evaluate(x.formula, sheet) : (x?.v ?? ''))); // formulas recalculate
      case 'formulas':
        return grid((x) => x?.formula ?? x?.v ?? '');
      case 'numberFormat':
        return grid((x) => x?.nf ?? 'General');
      case 'text':
        return grid((x) => (x ? displayText(x.formula ? evaluate(x.formula, sheet) : x.v, x.nf) : ''));
      case 'rowIndex':
        return rect.r;
      case 'columnIndex':
        return rect.c;
      case 'rowCount':
        return rect.rc;
      case 'columnCount':
        return rect.cc;
      case 'address':
        return rectAddress(sheet.name, rect);
      case 'columnHidden':
        return Array.from({ length: rect.cc }, (_, c) => sheet.hiddenColumns.has(rect.c + c)).every(Boolean);
    }
    return notLoaded(this.path, prop);
  }
  get isNullObject(): boolean {
    return this.get('isNullObject');
  }
  get values(): CellValue[][] {
    return this.get('values');
  }
  set values(v: CellValue[][]) {
    this.loaded.values = v;
    // null in a values array leaves that cell as it is (Office.js); strings are converted as typed input.
    this.writeCells('values', v, (cell, x) => x !== null && storeValue(cell, x, this.ctx.state.today), true);
  }
  get formulas(): CellValue[][] {
    return this.get('formulas');
  }
  get numberFormat(): string[][] {
    return this.get('numberFormat');
  }
  set numberFormat(v: string[][]) {
    this.loaded.numberFormat = v;
    this.writeCells('numberFormat', v, (cell, x) => void (cell.nf = String(x)), false);
  }
  get text(): string[][] {
    return this.get('text');
  }
  get rowIndex(): number {
    return this.get('rowIndex');
  }
  get columnIndex(): number {
    return this.get('columnIndex');
  }
  get rowCount(): number {
    return this.get('rowCount');
  }
  get columnCount(): number {
    return this.get('columnCount');
  }
  get address(): string {
    return this.get('address');
  }
  get columnHidden(): boolean {
    return this.get('columnHidden');
  }
  set columnHidden(v: boolean) {
    this.ctx.enqueue(this.path, 'set columnHidden', v, () => {
      const { sheet, rect } = this.must();
      if (sheet.protected && !sheet.protectOptions?.allowFormatColumns)
        throw new FakeExcelError('AccessDenied', 'hiding columns on a protected sheet needs allowFormatColumns');
      for (let c = rect.c; c < rect.c + rect.cc; c++) v ? sheet.hiddenColumns.add(c) : sheet.hiddenColumns.delete(c);
    });
  }
  select(): void {
    this.ctx.enqueue(this.path, 'select', null, () => {
      const { sheet, rect } = this.must();
      this.ctx.state.selection = { sheet: sheet.name, rect };
      this.ctx.state.active = sheet.name;
    });
  }
  /** Range.clear(applyTo): 'All' (default), 'Contents' (values and formulas only) or 'Formats'. */
  clear(applyTo: 'All' | 'Contents' | 'Formats' = 'All'): void {
    this.ctx.enqueue(this.path, 'clear', applyTo, () => {
      const { sheet, rect } = this.must();
      for (let r = rect.r; r < rect.r + rect.rc; r++)
        for (let c = rect.c; c < rect.c + rect.cc; c++) {
          const cell = sheet.peek(r, c);
          if (!cell) continue;
          if (sheet.protected && cell.locked && applyTo !== 'Formats') throw new FakeExcelError('AccessDenied', 'the cell is protected');
          if (applyTo === 'Contents') {
            delete cell.formula;
            cell.v = '';
          } else if (applyTo === 'Formats') Object.assign(cell, { nf: 'General', locked: true, fill: null, bold: false });
          else delete sheet.rows[r]![c];
        }
      if (applyTo === 'All') {
        sheet.validations = sheet.validations.filter((v) => !overlaps(v.rect, rect));
        sheet.conditionalFormats = sheet.conditionalFormats.filter((v) => !overlaps(v.rect, rect));
      }
    });
  }
}
function overlaps(a: Rect, b: Rect): boolean {
  return a.r < b.r + b.rc && b.r < a.r + a.rc && a.c < b.c + b.cc && b.c < a.c + a.cc;
}

class RangeFormat {
  readonly protection: { locked: boolean };
  readonly fill: { color: string; clear: () => void };
  readonly font: { bold: boolean; color: string };
  constructor(
    private ctx: RequestContext,
    private range: Range,
  ) {
    const fmt = this;
    this.protection = {
      set locked(v: boolean) {
        // Changing lock state on a protected sheet is refused, as in Excel.
        range.writeCells('format/protection/locked', v, (cell, x) => void (cell.locked = Boolean(x)), true);
      },
      get locked(): boolean {
        return notLoaded(range.path, 'format/protection/locked');
      },
    };
    this.fill = {
      set color(v: string) {
        range.writeCells('format/fill/color', v, (cell, x) => void (cell.fill = x), false);
      },
      get color(): string {
        return notLoaded(range.path, 'format/fill/color');
      },
      clear: () => range.writeCells('format/fill/clear', null, (cell) => void (cell.fill = null), false),
    };
    this.font = {
      set bold(v: boolean) {
        range.writeCells('format/font/bold', v, (cell, x) => void (cell.bold = x), false);
      },
      get bold(): boolean {
        return notLoaded(range.path, 'format/font/bold');
      },
      set color(_v: string) {
        ctx.enqueue(range.path, 'set format/font/color', _v, () => {});
      },
      get color(): string {
        return notLoaded(range.path, 'format/font/color');
      },
    };
    void fmt;
  }
  set columnWidth(v: number) {
    this.ctx.enqueue(this.range.path, 'set format/columnWidth', v, () => {
      const { sheet, rect } = this.range.must();
      if (sheet.protected && !sheet.protectOptions?.allowFormatColumns)
        throw new FakeExcelError('AccessDenied', 'column width on a protected sheet needs allowFormatColumns');
      for (let c = rect.c; c < rect.c + rect.cc; c++) sheet.columnWidths.set(c, v);
    });
  }
  set wrapText(v: boolean) {
    this.ctx.enqueue(this.range.path, 'set format/wrapText', v, () => {});
  }
}

class DataValidation {
  constructor(
    private ctx: RequestContext,
    private range: Range,
  ) {}
  set rule(rule: any) {
    this.ctx.enqueue(this.range.path, 'set dataValidation/rule', rule, () => {
      const { sheet, rect } = this.range.must();
      const kinds = Object.keys(rule ?? {});
      if (kinds.length !== 1 || !['decimal', 'wholeNumber', 'list', 'custom', 'textLength', 'date'].includes(kinds[0]))
        throw new FakeExcelError('InvalidArgument', 'a data validation rule needs exactly one kind');
      sheet.validations = sheet.validations.filter((v) => !overlaps(v.rect, rect));
      sheet.validations.push({ rect, rule });
    });
  }
  set errorAlert(v: unknown) {
    this.ctx.enqueue(this.range.path, 'set dataValidation/errorAlert', v, () => {
      const { sheet, rect } = this.range.must();
      if (!sheet.validations.some((x) => overlaps(x.rect, rect))) throw new FakeExcelError('InvalidArgument', 'set the rule before the alert');
    });
  }
  clear(): void {
    this.ctx.enqueue(this.range.path, 'dataValidation/clear', null, () => {
      const { sheet, rect } = this.range.must();
      sheet.validations = sheet.validations.filter((v) => !overlaps(v.rect, rect));
    });
  }
}

class ConditionalFormatCollection {
  constructor(
    private ctx: RequestContext,
    private range: Range,
  ) {}
  add(type: string) {
    if (type !== 'Custom') throw new FakeExcelError('InvalidArgument', `the fake supports custom conditional formats only, not ${type}`);
    const cf: ConditionalFormat = { rect: { r: 0, c: 0, rc: 0, cc: 0 }, formula: '' };
    this.ctx.enqueue(this.range.path, 'conditionalFormats/add', type, () => {
      const { sheet, rect } = this.range.must();
      cf.rect = rect;
      sheet.conditionalFormats.push(cf);
    });
    const ctx = this.ctx,
      path = this.range.path;
    return {
      custom: {
        rule: {
          set formula(f: string) {
            ctx.enqueue(path, 'cf/rule/formula', f, () => void (cf.formula = f));
          },
        },
        format: {
          fill: {
            set color(c: string) {
              ctx.enqueue(path, 'cf/format/fill/color', c, () => void (cf.fill = c));
            },
          },
          font: {
            set color(c: string) {
              ctx.enqueue(path, 'cf/format/font/color', c, () => void (cf.fontColor = c));
            },
          },
        },
      },
    };
  }
  clearAll(): void {
    this.ctx.enqueue(this.range.path, 'conditionalFormats/clearAll', null, () => {
      const { sheet, rect } = this.range.must();
      sheet.conditionalFormats = sheet.conditionalFormats.filter((v) => !overlaps(v.rect, rect));
    });
  }
}

/** The `Excel` namespace as the adapter sees it: `Excel.run` and the enums it uses. */
export function createFakeExcel(state = new WorkbookState()) {
  function run<T>(cb: (ctx: RequestContext) => Promise<T>): Promise<T>;
  function run<T>(options: { delayForCellEdit?: boolean }, cb: (ctx: RequestContext) => Promise<T>): Promise<T>;
  async function run<T>(a: unknown, b?: (ctx: RequestContext) => Promise<T>): Promise<T> {
    const cb = (typeof a === 'function' ? a : b) as (ctx: RequestContext) => Promise<T>;
    const ctx = new RequestContext(state);
    ctx.delayForCellEdit = typeof a === 'object' && !!(a as { delayForCellEdit?: boolean })?.delayForCellEdit;
    try {
      const result = await cb(ctx);
      if (ctx.pending) await ctx.sync(); // Excel.run syncs what is still queued when the callback returns
      return result;
    } finally {
      ctx.closed = true;
    }
  }
  // Handed to the adapter as the real API: its callbacks get Excel.RequestContext (@types/office-js), so
  // the adapter is type-checked against Office.js, not against this fake; the fake's classes are
  // checked against the same types where they implement them (`implements Pick<Excel.…>`).
  return {
    state,
    run: run as unknown as ExcelApi['run'],
    ConditionalFormatType: { custom: 'Custom' },
    DataValidationOperator: { greaterThanOrEqualTo: 'GreaterThanOrEqualTo' },
    SheetVisibility: { visible: 'Visible', hidden: 'Hidden', veryHidden: 'VeryHidden' },
  };
}
export type FakeExcel = ReturnType<typeof createFakeExcel>;
