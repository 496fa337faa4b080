// The hostile workbooks of issue 15, built from a real export so that everything but the hostile part is
// a genuine 清单: a sheet of 1,048,576 <row>s whose last says r="40", 3 M cells in a second sheet, a
// 200,000-row sheet stored under names a reader still takes for a worksheet, and a non-sheet part whose
// directory entry says 1,000 bytes while it inflates to gigabytes. Cell values are random digits, so the
// files pass the compression-ratio check and reach the counting that must stop them.
import JSZip from 'jszip';
import { randomInt } from 'node:crypto';
import { constants, deflateRawSync } from 'node:zlib';
import { makeZip, type ZipEntry } from './zip';

const digits = (n: number) => String(randomInt(10 ** (n - 1), 10 ** n));

function sheetXml(body: string[], dimension?: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${dimension ? `<dimension ref="${dimension}"/>` : ''}<sheetData>${body.join('')}</sheetData></worksheet>`;
}

/** n rows of one random number each, without r= (optional in the format); the last row claims r="last". */
function rowsXml(n: number, last?: number): string {
  const rows: string[] = [];
  for (let i = 1; i < n; i++) rows.push(`<row><c><v>${digits(7)}</v></c></row>`);
  rows.push(`<row r="${last ?? n}"><c r="A${last ?? n}"><v>${digits(7)}</v></c></row>`);
  return sheetXml(rows);
}

function cellsXml(rows: number, perRow: number): string {
  const out: string[] = [];
  for (let r = 1; r <= rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < perRow; c++) cells.push(`<c><v>${digits(4)}</v></c>`);
    out.push(`<row r="${r}">${cells.join('')}</row>`);
  }
  return sheetXml(out);
}

async function entriesOf(xlsx: Buffer): Promise<ZipEntry[]> {
  const zip = await JSZip.loadAsync(xlsx);
  const out: ZipEntry[] = [];
  for (const f of Object.values(zip.files)) if (!f.dir) out.push({ name: f.name, data: await f.async('nodebuffer') });
  return out;
}

/** Adds a worksheet to workbook.xml, its rels and content types, so every reader sees a real second sheet. */
function addSheet(entries: ZipEntry[], file: string, name: string, xml: string): ZipEntry[] {
  const text = (n: string) => String(entries.find((e) => e.name === n)!.data);
  const set = (n: string, data: string) => (entries.find((e) => e.name === n)!.data = data);
  set('xl/workbook.xml', text('xl/workbook.xml').replace('</sheets>', `<sheet name="${name}" sheetId="90" r:id="rIdHostile"/></sheets>`));
  set(
    'xl/_rels/workbook.xml.rels',
    text('xl/_rels/workbook.xml.rels').replace(
      '</Relationships>',
      `<Relationship Id="rIdHostile" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="${file.replace(/^xl\//, '')}"/></Relationships>`,
    ),
  );
  set(
    '[Content_Types].xml',
    text('[Content_Types].xml').replace(
      '</Types>',
      `<Override PartName="/${file}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    ),
  );
  return [...entries, { name: file, data: xml }];
}

/** The main sheet replaced by 1,048,576 <row> elements; the last is <row r="40">. */
export async function millionRows(xlsx: Buffer): Promise<Buffer> {
  const entries = await entriesOf(xlsx);
  entries.find((e) => e.name === 'xl/worksheets/sheet1.xml')!.data = rowsXml(1_048_576, 40);
  return makeZip(entries);
}

/** A second sheet of 1,000 rows × 3,000 cells. */
export async function threeMillionCells(xlsx: Buffer): Promise<Buffer> {
  return makeZip(addSheet(await entriesOf(xlsx), 'xl/worksheets/sheet9.xml', '数据', cellsXml(1000, 3000)));
}

/** 200,000 rows in entries a name-anchored check misses but exceljs reads as worksheets (it matches anywhere in the name). */
export async function hiddenSheet(xlsx: Buffer, where: 'suffix' | 'prefix'): Promise<Buffer> {
  const name = where === 'suffix' ? 'xl/worksheets/sheet7.xml.bak' : 'backup/xl/worksheets/sheet7.xml';
  return makeZip([...(await entriesOf(xlsx)), { name, data: rowsXml(200_000) }]);
}

/** 200,000 rows in a sheet the workbook's relations point at, stored outside xl/worksheets/. */
export async function relatedSheet(xlsx: Buffer): Promise<Buffer> {
  return makeZip(addSheet(await entriesOf(xlsx), 'xl/data/part.xml', '明细', rowsXml(200_000)));
}

/**
 * A non-sheet part declared as 1,000 bytes that inflates to `gigabytes` GB of spaces: one full-flushed
 * deflate block of 1 MB repeated (each block stands alone), then an empty final block.
 */
export async function lyingPart(xlsx: Buffer, gigabytes = 4): Promise<Buffer> {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024, 0x20), { finishFlush: constants.Z_FULL_FLUSH });
  const deflated = Buffer.concat([...Array.from({ length: gigabytes * 1024 }, () => block), Buffer.from([0x03, 0x00])]);
  return makeZip([...(await entriesOf(xlsx)), { name: 'docProps/custom.xml', data: '', deflated, declaredSize: 1000 }]);
}
