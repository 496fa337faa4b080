// A worksheet read row by row straight from the zip, for the upload (server/workbook/upload.ts): one SAX
// pass with a UTF-8 decoder that keeps characters split between chunks whole (exceljs's streaming reader
// decodes each chunk on its own and garbles a CJK character that straddles two: 任务 read as �务), holding
// one chunk's rows at a time plus the shared strings. Values as exceljs's in-memory load gives them:
// shared strings (rich text as {richText}), {formula, result}, {error}, booleans, numbers, dates by
// their number format. Call only on a buffer that passed checkXlsx.
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { readZipEntry, zipEntryChunks } from './zipcheck';
import { decodeXml } from './xml-text';

export interface StreamRow {
  number: number;
  /** Column (1-based) → value; cells without a value are absent. */
  values: Map<number, unknown>;
}

/** OOXML's _xHHHH_ escapes in strings, decoded as exceljs decodes them (xform/strings/text-xform). */
const unescape = (t: string) => (t.includes('_x') ? t.replace(/_x([0-9A-F]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : t);

function sharedStrings(buf: Buffer): unknown[] {
  const xml = readZipEntry(buf, 'xl/sharedStrings.xml')?.toString('utf8');
  if (!xml) return [];
  const out: unknown[] = [];
  const parser = new SaxesParser({ xmlns: false, position: false });
  let runs: { text: string }[] = [];
  let plain = '';
  let rich = false;
  let inT = false;
  let inPhonetic = false;
  let text = '';
  parser.on('opentag', (tag) => {
    const n = local(tag.name);
    if (n === 'si') {
      runs = [];
      plain = '';
      rich = false;
    } else if (n === 'r') {
      rich = true;
      text = '';
    } else if (n === 'rPh') inPhonetic = true;
    else if (n === 't' && !inPhonetic) {
      inT = true;
      if (rich) text = '';
    }
  });
  parser.on('text', (t) => {
    if (inT) text += t;
  });
  parser.on('closetag', (tag) => {
    const n = local(tag.name);
    if (n === 't' && inT) {
      inT = false;
      if (rich) runs.push({ text: unescape(text) });
      else plain += unescape(text);
      text = '';
    } else if (n === 'rPh') inPhonetic = false;
    else if (n === 'si') out.push(rich ? { richText: runs } : plain);
  });
  parser.write(xml).close();
  return out;
}

const local = (name: string) => name.slice(name.indexOf(':') + 1);
const attr = (tag: SaxesTagPlain, name: string) => tag.attributes[name] as string | undefined;

/** Built-in number formats that are dates or times (ECMA-376 18.8.30). */
const DATE_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);
/** exceljs's utils.isDateFmt: a date letter outside quotes and brackets. */
const isDateFmt = (f: string) => /[ymdhMsb]+/.test(f.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));

/** Which cell style ids (s=) format a number as a date. */
function dateStyles(buf: Buffer): Set<number> {
  const xml = readZipEntry(buf, 'xl/styles.xml')?.toString('utf8') ?? '';
  const custom = new Map<number, string>();
  for (const m of xml.matchAll(/<(?:\w+:)?numFmt\b[^>]*>/g)) {
    const id = /\bnumFmtId="(\d+)"/.exec(m[0])?.[1];
    const code = /\bformatCode="([^"]*)"/.exec(m[0])?.[1];
    if (id && code !== undefined) custom.set(Number(id), decodeXml(code));
  }
  const out = new Set<number>();
  const xfs = /<(?:\w+:)?cellXfs\b[^>]*>([\s\S]*?)<\/(?:\w+:)?cellXfs>/.exec(xml)?.[1] ?? '';
  let i = 0;
  for (const m of xfs.matchAll(/<(?:\w+:)?xf\b[^>]*>/g)) {
    const id = Number(/\bnumFmtId="(\d+)"/.exec(m[0])?.[1] ?? 0);
    const code = custom.get(id);
    if (code !== undefined ? isDateFmt(code) : DATE_IDS.has(id)) out.add(i);
    i++;
  }
  return out;
}

function columnOf(ref: string | undefined): number | null {
  const m = ref && /^([A-Z]+)\d*$/.exec(ref);
  if (!m) return null;
  let c = 0;
  for (const ch of m[1]) c = c * 26 + ch.charCodeAt(0) - 64;
  return c;
}

/** The rows of the sheet at `path` (xl/worksheets/sheetN.xml), in file order. */
export async function* streamSheet(buf: Buffer, path: string): AsyncGenerator<StreamRow> {
  const chunks = zipEntryChunks(buf, path);
  if (!chunks) return;
  const strings = sharedStrings(buf);
  const dates = dateStyles(buf);
  const date1904 = /<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(1|true)"/.test(readZipEntry(buf, 'xl/workbook.xml')?.toString('utf8') ?? '');
  const parser = new SaxesParser({ xmlns: false, position: false });
  let ready: StreamRow[] = [];
  let row: StreamRow | null = null;
  let lastRow = 0;
  let col = 0;
  let cell: { t?: string; s: number; f?: string; v?: string } | null = null;
  let into: 'f' | 'v' | null = null;
  parser.on('opentag', (tag) => {
    const n = local(tag.name);
    if (n === 'row') {
      const r = Number(attr(tag, 'r'));
      lastRow = Number.isInteger(r) && r > 0 ? r : lastRow + 1;
      row = { number: lastRow, values: new Map() };
      col = 0;
    } else if (!row) return;
    else if (n === 'c') {
      col = columnOf(attr(tag, 'r')) ?? col + 1;
      cell = { t: attr(tag, 't'), s: Number(attr(tag, 's') ?? 0) };
    } else if (cell && n === 'f') {
      into = 'f';
      cell.f = '';
    } else if (cell && n === 'v') {
      into = 'v';
      cell.v = '';
    } else if (cell && n === 't') {
      into = 'v'; // <is><t> (and its rich runs)
      cell.v = cell.v ?? '';
    }
  });
  parser.on('text', (t) => {
    if (!cell || !into) return;
    if (into === 'f') cell.f += t;
    else cell.v += t;
  });
  parser.on('closetag', (tag) => {
    const n = local(tag.name);
    if (n === 'f' || n === 'v' || n === 't') into = null;
    else if (n === 'c' && row && cell) {
      const value = valueOf(cell, strings, dates, date1904);
      if (value !== undefined) row.values.set(col, value);
      cell = null;
    } else if (n === 'row' && row) {
      ready.push(row);
      row = null;
    }
  });
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    parser.write(decoder.write(chunk));
    if (ready.length) {
      const out = ready;
      ready = [];
      yield* out;
    }
  }
  parser.write(decoder.end()).close();
  yield* ready;
}

function valueOf(c: { t?: string; s: number; f?: string; v?: string }, strings: unknown[], dates: Set<number>, date1904: boolean): unknown {
  if (c.f !== undefined) {
    return c.v === undefined ? { formula: c.f } : { formula: c.f, result: c.t === 'str' ? c.v : parseFloat(c.v) };
  }
  if (c.v === undefined) return undefined;
  switch (c.t) {
    case 's':
      return strings[parseInt(c.v, 10)] ?? '';
    case 'inlineStr':
      return unescape(c.v);
    case 'str':
      return c.v;
    case 'e':
      return { error: c.v };
    case 'b':
      return parseInt(c.v, 10) !== 0;
    default: {
      const x = parseFloat(c.v);
      if (dates.has(c.s)) return new Date(Math.round((x - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));
      return x;
    }
  }
}
