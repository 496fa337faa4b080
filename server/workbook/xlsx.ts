// The one place that imports exceljs (little maintained upstream): if it has to be replaced, only this
// file and the types it re-exports change. Everything else in server/workbook works through these.
import ExcelJS from 'exceljs';
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { colLetter } from '../../model/sheet';

export type Workbook = ExcelJS.Workbook;
export type Worksheet = ExcelJS.Worksheet;
export type Row = ExcelJS.Row;
export type Cell = ExcelJS.Cell;
export type CellValue = ExcelJS.CellValue;
export type Style = Partial<ExcelJS.Style>;
export type Borders = Partial<ExcelJS.Borders>;
export type Fill = ExcelJS.Fill;
export type DataValidation = ExcelJS.DataValidation;
export type StreamingWorkbook = ExcelJS.stream.xlsx.WorkbookWriter;

/**
 * A streaming writer: rows are written to `stream` as they are committed. The shared-strings table is
 * kept in memory until the end, so big workbooks write their strings inline (`sharedStrings: false`).
 */
export function createStreamingWorkbook(stream: Writable, opts: { sharedStrings?: boolean } = {}): StreamingWorkbook {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: opts.sharedStrings ?? true });
  const table = new SharedStrings();
  const writer = wb as unknown as WriterInternals;
  writer.sharedStrings = table;
  // As exceljs's addSharedStrings (the part appended at the same point, under the same name), with the XML
  // written by SharedStrings.xml instead of exceljs's xforms (an object and a few array pushes per string).
  writer.addSharedStrings = () => {
    if (table.count) writer.zip.append(table.xml(), { name: '/xl/sharedStrings.xml' });
    return Promise.resolve();
  };
  return wb;
}

/** The streaming workbook's internals createStreamingWorkbook replaces. */
interface WriterInternals {
  sharedStrings: SharedStrings;
  zip: { append(source: string, data: { name: string }): void };
  addSharedStrings(): Promise<void>;
}

/** Where exceljs's TextXform marks a text xml:space="preserve". */
const PRESERVE = /^\s|\n|\s$/;

/**
 * exceljs's shared-strings table (exceljs/lib/utils/shared-strings.js) with the same members and the same
 * indexes, kept in a Map: exceljs keys a plain object by the text, so every distinct text of the workbook
 * became a property name (V8 internalises each one) — a visible part of a 1,000-row export (issue 13).
 */
export class SharedStrings {
  private readonly index = new Map<string, number>();
  private readonly list: unknown[] = [];
  private refs = 0;

  get count(): number {
    return this.list.length;
  }

  get values(): unknown[] {
    return this.list;
  }

  get totalRefs(): number {
    return this.refs;
  }

  getString(index: number): unknown {
    return this.list[index];
  }

  /**
   * xl/sharedStrings.xml as exceljs's SharedStringsXform renders the table, byte for byte: `<si><t>` and
   * the text through exceljs's own xmlEncode. A table with anything but plain strings (rich text) is
   * rendered by exceljs itself.
   */
  xml(): string {
    if (this.list.some((v) => typeof v !== 'string')) {
      const Xform = require('exceljs/lib/xlsx/xform/strings/shared-strings-xform') as new () => { toXml(model: unknown): string };
      return new Xform().toXml(this);
    }
    const n = this.list.length;
    let xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${n}" uniqueCount="${n}"`;
    if (n === 0) return `${xml}/>`;
    xml += '>';
    for (const text of this.list as string[])
      xml += PRESERVE.test(text) ? `<si><t xml:space="preserve">${xmlEncode(text)}</t></si>` : `<si><t>${xmlEncode(text)}</t></si>`;
    return `${xml}</sst>`;
  }

  /** As exceljs's: the key is the value as a property name (a rich text's is "[object Object]"). */
  add(value: unknown): number {
    const key = typeof value === 'string' ? value : String(value);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.list.length;
      this.index.set(key, i);
      this.list.push(value);
    }
    this.refs++;
    return i;
  }
}

/** Loads a whole workbook in memory. Call only on a buffer that passed checkZip (size, ratio, rows). */
export async function loadWorkbook(buffer: Buffer): Promise<Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  return wb;
}

export async function workbookToBuffer(wb: Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A validation rule over a whole range (exceljs types only expose it per cell; the model takes ranges). */
export function addValidation(ws: Worksheet, range: string, rule: DataValidation): void {
  (ws as unknown as { dataValidations: { add(address: string, v: DataValidation): void } }).dataValidations.add(range, rule);
}

/** exceljs's ValueType numbers (doc/enums.js) of the values DirectRows writes: a style without a number
 *  format is registered with the type of the first cell that uses it (General for numbers). */
const NULL = 0;
const MERGE = 1;
const NUMBER = 2;
const STRING = 3;
const DATE = 4;

// exceljs's own pieces, so what DirectRows writes is what exceljs would: its XML escaping and its range
// (what the worksheet's <mergeCells> prints and later mergeCells checks against).
const require = createRequire(import.meta.url);
const { xmlEncode } = require('exceljs/lib/utils/utils') as { xmlEncode(text: string): string };
const Range = require('exceljs/lib/doc/range') as new (...tlbr: number[]) => object;

/** The streaming worksheet's internals DirectRows writes through. */
interface SheetInternals {
  stream: { write(xml: string): void };
  startedData?: boolean;
  useSharedStrings: boolean;
  _workbook: { styles: { addStyleModel(style: Style, type: number): number }; sharedStrings: { add(text: string): number } };
  _writeColumns(): void;
  _writeOpenSheetData(): void;
  _rows: unknown[];
  _rowZero: number;
  _merges: object[];
}

/**
 * Rows written straight into a streaming worksheet's XML, as exceljs's row and cell xforms would write
 * them for the same cells, byte for byte: at 50,000 rows, exceljs's Row and Cell objects (a value, a style
 * copy, an address check, a model per cell) and its XML builder were most of the export's time and garbage.
 * Style ids and shared strings still come from the workbook's own tables, asked in the same order as
 * exceljs asks them (row by row, cell by cell), so the ids are the same. Rows go after every row exceljs
 * has committed; exceljs's getRow goes on after the last one written here.
 */
export class DirectRows {
  private readonly sheet: SheetInternals;
  private readonly letters: string[] = [];
  private readonly styleIds = new Map<Style, number>();
  private readonly rowStyle: string;
  private xml = '';
  private cells = '';
  private r = 0;
  /** The row number as text, once per row (in every cell's address). */
  private rowText = '';
  private height: number | undefined;
  private min = 0;
  private max = 0;
  private values = false;

  constructor(ws: Worksheet) {
    const sheet = ws as unknown as SheetInternals;
    if (sheet._rows.some(Boolean)) throw new Error('DirectRows: the worksheet has rows not committed');
    if (!sheet.startedData) {
      sheet._writeColumns();
      sheet._writeOpenSheetData();
      sheet.startedData = true;
    }
    this.sheet = sheet;
    // exceljs gives every row a fresh empty style: its id (0 unless the default style is not the first).
    const id = sheet._workbook.styles.addStyleModel({}, NUMBER);
    this.rowStyle = id ? ` s="${id}" customFormat="1"` : '';
  }

  begin(r: number, height?: number): void {
    this.r = r;
    this.rowText = String(r);
    this.height = height;
    this.cells = '';
    this.min = 0;
    this.max = 0;
    this.values = false;
  }

  /** A cell with a value (or none: written only if its style is not the default), in column order. */
  cell(c: number, value: string | number | Date | null, style: Style): void {
    const type = value === null ? NULL : typeof value === 'string' ? STRING : typeof value === 'number' ? NUMBER : DATE;
    const s = this.styleId(style, type);
    this.span(c);
    if (type === NULL) {
      if (s) this.cells += `<c r="${this.address(c)}" s="${s}"/>`;
      return;
    }
    this.values = true;
    const open = s ? `<c r="${this.address(c)}" s="${s}"` : `<c r="${this.address(c)}"`;
    // A number's text (digits, sign, point, exponent, Infinity, NaN) never needs escaping.
    if (type === NUMBER) this.cells += `${open}><v>${value as number}</v></c>`;
    else if (type === DATE) this.cells += `${open}><v>${25569 + (value as Date).getTime() / (24 * 3600 * 1000)}</v></c>`;
    else if (this.sheet.useSharedStrings) this.cells += `${open} t="s"><v>${this.sheet._workbook.sharedStrings.add(value as string)}</v></c>`;
    else this.cells += `${open} t="str"><v>${xmlEncode(value as string)}</v></c>`;
  }

  /** A cell merged into another: no value, the style its master had (exceljs's Cell.merge). */
  merged(c: number, masterStyle: Style): void {
    const s = this.styleId(masterStyle, MERGE);
    this.span(c);
    this.values = true;
    this.cells += s ? `<c r="${this.address(c)}" s="${s}"/>` : `<c r="${this.address(c)}"/>`;
  }

  end(): void {
    const { r, height } = this;
    if (this.values || height) {
      const ht = height ? ` ht="${height}" customHeight="1"` : '';
      const spans = this.min > 0 && this.max > 0 ? ` spans="${this.min}:${this.max}"` : '';
      const open = `<row r="${r}"${ht}${spans}${this.rowStyle} x14ac:dyDescent="0.25"`;
      this.xml += this.cells ? `${open}>${this.cells}</row>` : `${open}/>`;
    }
    this.sheet._rowZero = r + 1;
  }

  /**
   * A merge the caller knows overlaps no earlier one, listed at the end as exceljs's mergeCells lists it,
   * without its check against every earlier merge of the sheet (quadratic: a month of 25,000 tasks with
   * several items each makes ~100,000 merges). The cells inside are written with `merged`.
   */
  merge(top: number, left: number, bottom: number, right: number): void {
    this.sheet._merges.push(new Range(top, left, bottom, right));
  }

  /** Hands the rows written so far to the worksheet's stream. */
  flush(): void {
    if (this.xml) this.sheet.stream.write(this.xml);
    this.xml = '';
  }

  private styleId(style: Style, type: number): number {
    let id = this.styleIds.get(style);
    if (id === undefined) {
      // exceljs keeps an id per style object, of the type it first saw it with: so do we, from its table.
      id = this.sheet._workbook.styles.addStyleModel(style, type);
      this.styleIds.set(style, id);
    }
    return id;
  }

  private span(c: number): void {
    if (!this.min || this.min > c) this.min = c;
    if (this.max < c) this.max = c;
  }

  private address(c: number): string {
    return (this.letters[c] ??= colLetter(c - 1)) + this.rowText;
  }
}
