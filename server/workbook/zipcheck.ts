// Checks an uploaded file BEFORE any spreadsheet library inflates it: that it is an .xlsx at all (and
// if not, what it is), that the zip's central directory declares sane sizes (a zip bomb declares a huge
// uncompressed size or ratio), and that no worksheet has more rows than a 清单 can have. Each worksheet
// is inflated with a hard output cap, so a central directory that lies about sizes is caught too.
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { WorkbookError } from './errors';
import { attribute, scanSheet } from './sheet-scan';
import { decodeXml } from './xml-text';

export const LIMITS = {
  fileBytes: 20 * 1024 * 1024,
  totalUncompressed: 200 * 1024 * 1024,
  entryUncompressed: 100 * 1024 * 1024,
  /** XML compresses 5–30×; a styled but empty sheet maybe 100×. Beyond this an entry is a bomb. */
  ratio: 200,
  /** A 清单 of 5,000 tasks with targets has ~10,000 rows. */
  rows: 100_000,
  /** <c> elements in all sheets together (styled empty cells count): the export of a 50,000-row 清单 has
   *  ~1.1 M (900,000 in the main sheet, 200,000 in 固定资产投资). The upload reads the sheet as a stream
   *  (server/workbook/sheet-stream.ts), so this bounds time, not memory. */
  cells: 2_000_000,
  /** Cells up to which an annotated copy is made by loading the whole workbook in memory (exceljs holds
   *  ~1 KB a cell): above it, a file that needs marks gets its errors listed and the file back unmarked. */
  annotateCells: 400_000,
  /** <mergeCell>s per sheet, kept for the upload (merged input cells are refused). */
  merges: 200_000,
  entries: 10_000,
};

interface Entry {
  name: string;
  method: number;
  compressed: number;
  uncompressed: number;
  localOffset: number;
}

const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const MB = (n: number) => `${Math.round(n / 1024 / 1024)}MB`;

/** What a non-xlsx file looks like, for the message. */
function sniff(buf: Buffer): string {
  if (buf.length === 0) return '文件为空';
  if (buf.subarray(0, 8).equals(OLE)) return '这是旧版 Excel 97-2003（.xls）文件或加密的工作簿，请在 Excel/WPS 中“另存为” .xlsx（不加密）后上传';
  if (buf.subarray(0, 5).toString('latin1') === '%PDF-') return '这是 PDF 文件，不是 Excel 工作簿';
  const head = buf.subarray(0, 512).toString('utf8');
  if (/^\s*<(\?xml|html|!doctype)/i.test(head)) return '这是 XML/HTML 文本，不是 .xlsx 工作簿（可能是“另存为网页”或 2003 XML 格式）';
  if (/[,\t]/.test(head) && !head.includes('\u0000')) return '这是文本/CSV 文件，不是 .xlsx 工作簿';
  return '文件不是 .xlsx 工作簿（不是 zip 格式）';
}

function readCentralDirectory(buf: Buffer): Entry[] {
  // The end-of-central-directory record is in the last 22 + 65,535 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new WorkbookError('NOT_XLSX', '文件已损坏或不完整：找不到 zip 目录（上传可能被截断）', 422);
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new WorkbookError('ZIP_BOMB', '文件使用 ZIP64 格式，超出清单文件的正常大小，已拒绝', 413);
  if (count > LIMITS.entries) throw new WorkbookError('ZIP_BOMB', `压缩包内文件过多（${count}个），已拒绝`, 413);
  if (cdOffset + cdSize > buf.length) throw new WorkbookError('NOT_XLSX', '文件已损坏：zip 目录超出文件末尾', 422);
  const entries: Entry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw new WorkbookError('NOT_XLSX', '文件已损坏：zip 目录无效', 422);
    const nameLen = buf.readUInt16LE(p + 28);
    entries.push({
      method: buf.readUInt16LE(p + 10),
      compressed: buf.readUInt32LE(p + 20),
      uncompressed: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
      name: buf.subarray(p + 46, p + 46 + nameLen).toString('utf8'),
    });
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return entries;
}

function inflateEntry(buf: Buffer, e: Entry): Buffer {
  const lh = e.localOffset;
  if (lh + 30 > buf.length || buf.readUInt32LE(lh) !== 0x04034b50) throw new WorkbookError('NOT_XLSX', `文件已损坏：${e.name} 的数据无效`, 422);
  const start = lh + 30 + buf.readUInt16LE(lh + 26) + buf.readUInt16LE(lh + 28);
  const data = buf.subarray(start, start + e.compressed);
  if (e.method === 0) return data;
  if (e.method !== 8) throw new WorkbookError('NOT_XLSX', `文件使用了不支持的压缩方式（${e.method}）`, 422);
  try {
    // The cap is what the directory declared: a lying header makes this throw instead of filling memory.
    return inflateRawSync(data, { maxOutputLength: Math.max(e.uncompressed, 1) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new WorkbookError('ZIP_BOMB', `压缩包内 ${e.name} 的实际大小超过其声明的大小，疑似恶意文件，已拒绝`, 413);
    }
    throw new WorkbookError('NOT_XLSX', `文件已损坏：${e.name} 无法解压`, 422);
  }
}

/** Sheet file → sheet name, from xl/workbook.xml and its rels (for messages). */
function sheetNames(buf: Buffer, byName: Map<string, Entry>): Map<string, string> {
  const out = new Map<string, string>();
  const wb = byName.get('xl/workbook.xml');
  const rels = byName.get('xl/_rels/workbook.xml.rels');
  if (!wb || !rels || wb.uncompressed > 5_000_000 || rels.uncompressed > 5_000_000) return out;
  const wbXml = inflateEntry(buf, wb).toString('utf8');
  const relXml = inflateEntry(buf, rels).toString('utf8');
  const targets = new Map<string, string>();
  for (const m of relXml.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]+)"/.exec(m[0])?.[1];
    const target = /\bTarget="([^"]+)"/.exec(m[0])?.[1];
    if (id && target) targets.set(id, target.replace(/^\/?(xl\/)?/, 'xl/'));
  }
  for (const m of wbXml.matchAll(/<sheet\b[^>]*>/g)) {
    const name = /\bname="([^"]+)"/.exec(m[0])?.[1];
    const id = /\br:id="([^"]+)"/.exec(m[0])?.[1];
    const target = id && targets.get(id);
    if (name && target) out.set(target, decodeXml(name));
  }
  return out;
}

/**
 * An entry inflated chunk by chunk (zlib in the thread pool, with backpressure), never more than `cap`
 * bytes in all: a directory that lies about a size is caught after `cap` bytes, whatever the data holds.
 */
async function* inflateChunks(buf: Buffer, e: Entry, cap: number): AsyncGenerator<Buffer> {
  const lh = e.localOffset;
  if (lh + 30 > buf.length || buf.readUInt32LE(lh) !== 0x04034b50) throw new WorkbookError('NOT_XLSX', `文件已损坏：${e.name} 的数据无效`, 422);
  const start = lh + 30 + buf.readUInt16LE(lh + 26) + buf.readUInt16LE(lh + 28);
  const data = buf.subarray(start, start + e.compressed);
  const tooBig = () => new WorkbookError('ZIP_BOMB', `压缩包内 ${e.name} 的实际大小超过其声明的大小，疑似恶意文件，已拒绝`, 413);
  if (e.method === 0) {
    if (data.length > cap) throw tooBig();
    for (let i = 0; i < data.length; i += 64 * 1024) yield data.subarray(i, i + 64 * 1024);
    return;
  }
  if (e.method !== 8) throw new WorkbookError('NOT_XLSX', `文件使用了不支持的压缩方式（${e.method}）`, 422);
  const inflate = createInflateRaw({ chunkSize: 64 * 1024 });
  inflate.end(data);
  let total = 0;
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > cap) throw tooBig();
      yield chunk;
    }
  } catch (err) {
    if (err instanceof WorkbookError) throw err;
    throw new WorkbookError('NOT_XLSX', `文件已损坏：${e.name} 无法解压`, 422);
  } finally {
    inflate.destroy();
  }
}

/** What a workbook may hold in its sheets, counted as they are read. */
export interface SheetCounts {
  name: string;
  /** The part's path in the zip, and the sheet number exceljs gives it (xl/worksheets/sheetN.xml → N). */
  path: string;
  sheetNo: number | null;
  /** The sheet's merged ranges (A1:B2), as declared. */
  merges: string[];
  rows: number;
  lastRow: number;
  cells: number;
}

/**
 * Reads a sheet's XML as a stream and counts its rows and cells as it goes (server/workbook/sheet-scan.ts
 * finds the tags): the row limit holds for the <row> elements there are (whatever r= they claim), the
 * highest r= and the declared dimension; the cell limit for the whole workbook (`cellsBefore` are the
 * cells of sheets read before). Stops at the first limit passed, so a sheet of a million rows costs the
 * time to read 100,000 of them. Whether the XML is well formed is for the reader (sheet-stream.ts) to say.
 */
async function countSheet(chunks: AsyncIterable<Buffer>, name: string, path: string, limits: typeof LIMITS, cellsBefore: number): Promise<SheetCounts> {
  const no = EXCELJS_SHEET.exec(path)?.[1];
  const counts: SheetCounts = { name, path, sheetNo: no === undefined ? null : Number(no), merges: [], rows: 0, lastRow: 0, cells: 0 };
  const tooManyRows = (detail: string) =>
    new WorkbookError('TOO_MANY_ROWS', `工作表“${name}”的行数超过清单的上限${limits.rows}行（${detail}），已拒绝（请删除多余的空行后再上传）`, 413);
  let failure: WorkbookError | null = null;
  await scanSheet(chunks, name, (tag) => {
    if (tag.name === 'c') {
      if (cellsBefore + ++counts.cells > limits.cells) {
        failure = new WorkbookError(
          'TOO_MANY_CELLS',
          `工作簿的单元格超过${limits.cells}个（工作表“${name}”读到第${counts.rows}行时），超出清单的正常大小，已拒绝`,
          413,
        );
      }
    } else if (tag.name === 'row') {
      counts.rows++;
      const r = Number(attribute(tag.attributes, 'r') ?? counts.lastRow + 1);
      counts.lastRow = Number.isFinite(r) ? Math.max(counts.lastRow, r, counts.rows) : counts.rows;
      if (counts.lastRow > limits.rows) failure = tooManyRows(`读到第${counts.lastRow}行`);
    } else if (tag.name === 'mergeCell') {
      if (counts.merges.push(attribute(tag.attributes, 'ref') ?? '') > limits.merges) {
        failure = new WorkbookError('TOO_MANY_CELLS', `工作表“${name}”的合并单元格超过${limits.merges}处，超出清单的正常大小，已拒绝`, 413);
      }
    } else {
      const m = /^[A-Z]+\d+:[A-Z]+(\d+)$/.exec(attribute(tag.attributes, 'ref') ?? '');
      if (m && Number(m[1]) > limits.rows) failure = tooManyRows(`声明${m[1]}行`);
    }
    return failure === null;
  });
  if (failure) throw failure;
  return counts;
}

/** Reads an entry to its end without keeping it: its real size is checked against what it declared. */
async function drain(chunks: AsyncIterable<Buffer>): Promise<void> {
  for await (const _ of chunks);
}

/** exceljs reads as a worksheet any entry whose name CONTAINS this (unanchored), so every such entry is counted. */
const EXCELJS_SHEET = /xl\/worksheets\/sheet(\d+)[.]xml/;

/**
 * Throws WorkbookError unless `buf` is a plausible .xlsx: size, zip structure, sizes and ratios as
 * declared; then every entry is inflated as a stream with its declared size as a hard cap (a part that
 * lies is refused, nothing is kept), and every part a spreadsheet library may read as a worksheet —
 * by the workbook's relations or by its name — is counted row by row and cell by cell against the
 * limits. Bounded in memory (one chunk at a time) and in time (stops at the first limit passed), and
 * the event loop keeps turning between chunks. Returns the sheets' counts.
 */
export async function checkXlsx(buf: Buffer, limits = LIMITS): Promise<{ sheets: SheetCounts[] }> {
  if (buf.length > limits.fileBytes) throw new WorkbookError('FILE_TOO_LARGE', `文件过大（${MB(buf.length)}），上限为${MB(limits.fileBytes)}`, 413);
  if (buf.length < 4 || buf.readUInt32LE(0) !== 0x04034b50) throw new WorkbookError('NOT_XLSX', sniff(buf), 415);
  const entries = readCentralDirectory(buf);
  const byName = new Map(entries.map((e) => [e.name.replace(/^\//, ''), e]));
  if (!byName.has('xl/workbook.xml')) {
    const what = byName.has('xl/workbook.bin')
      ? '这是 Excel 二进制工作簿（.xlsb），请另存为 .xlsx 后上传'
      : byName.has('word/document.xml')
        ? '这是 Word 文档（.docx），不是 Excel 工作簿'
        : byName.has('ppt/presentation.xml')
          ? '这是 PowerPoint 演示文稿（.pptx），不是 Excel 工作簿'
          : byName.has('content.xml') && byName.has('mimetype')
            ? '这是 OpenDocument 文件（.ods 等），请另存为 .xlsx 后上传'
            : '这是一个 zip 压缩包，但不是 .xlsx 工作簿（缺少 xl/workbook.xml）';
    throw new WorkbookError('NOT_XLSX', what, 415);
  }
  let total = 0;
  for (const e of entries) {
    total += e.uncompressed;
    const ratio = e.uncompressed / Math.max(e.compressed, 1);
    if (e.uncompressed > limits.entryUncompressed || (e.uncompressed > 1_000_000 && ratio > limits.ratio)) {
      throw new WorkbookError('ZIP_BOMB', `压缩包内 ${e.name} 解压后为${MB(e.uncompressed)}（压缩比${Math.round(ratio)}倍），疑似“压缩炸弹”，已拒绝`, 413);
    }
  }
  if (total > limits.totalUncompressed) {
    throw new WorkbookError('ZIP_BOMB', `工作簿解压后共${MB(total)}，超过上限${MB(limits.totalUncompressed)}，疑似“压缩炸弹”，已拒绝`, 413);
  }
  const names = sheetNames(buf, byName);
  const sheets: SheetCounts[] = [];
  let cells = 0;
  for (const e of entries) {
    if (e.name.endsWith('/')) continue; // a directory entry
    const path = e.name.replace(/^\//, '');
    const chunks = inflateChunks(buf, e, e.uncompressed);
    if (!names.has(path) && !EXCELJS_SHEET.test(path)) {
      await drain(chunks);
      continue;
    }
    const counted = await countSheet(chunks, names.get(path) ?? path, path, limits, cells);
    cells += counted.cells;
    sheets.push(counted);
  }
  return { sheets };
}

/** One entry of a zip, inflated (capped at its declared size); null when absent. For tests and tools. */
export function readZipEntry(buf: Buffer, name: string): Buffer | null {
  const e = readCentralDirectory(buf).find((x) => x.name.replace(/^\//, '') === name);
  return e ? inflateEntry(buf, e) : null;
}

/** One entry of a zip as a stream of inflated chunks (capped at its declared size); null when absent. */
export function zipEntryChunks(buf: Buffer, name: string): AsyncIterable<Buffer> | null {
  const e = readCentralDirectory(buf).find((x) => x.name.replace(/^\//, '') === name);
  return e ? inflateChunks(buf, e, e.uncompressed) : null;
}
