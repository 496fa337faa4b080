// DirectRows (server/workbook/xlsx.ts) writes a sheet's rows as exceljs's row and cell xforms would: the
// same rows written once through exceljs's Row and Cell objects and once through DirectRows must give the
// same workbook, part for part (sheet XML, styles, shared strings), with strings shared or inline. If an
// exceljs upgrade changes how it writes a cell, this fails instead of the export drifting from it.
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { createStreamingWorkbook, DirectRows, SharedStrings, type Style, type Worksheet } from '../../server/workbook/xlsx';

type Value = string | number | Date | null;
/** A row: its cells by column (a column left out has no cell), `merged` cells take their master's style. */
interface RowSpec {
  r: number;
  height?: number;
  cells: { c: number; value?: Value; style: Style; merged?: boolean }[];
}

const border = { top: { style: 'thin' as const }, bottom: { style: 'thin' as const } };
const TEXT: Style = { font: { name: '仿宋', size: 11 }, border, numFmt: '@', alignment: { vertical: 'middle', wrapText: true } };
const PLAIN: Style = { font: { name: '仿宋', size: 11 }, border }; // no number format: registered by its first cell's type
const NUMBER: Style = { numFmt: '0.0%', alignment: { horizontal: 'right' }, protection: { locked: false } };
const DATE: Style = { numFmt: 'yyyy-mm-dd' };
const DEFAULT: Style = {}; // the default style: a cell without a value and with it is not written
const DUE = new Date('2024-12-31T00:00:00Z');

const SPECS: RowSpec[] = [
  {
    r: 3,
    height: 22,
    cells: [
      { c: 1, value: '一、交通 & <建设> "重点" \'任务\'', style: TEXT },
      { c: 2, style: TEXT, merged: true },
      { c: 3, style: TEXT, merged: true },
      { c: 5, value: null, style: PLAIN },
    ],
  },
  {
    r: 4,
    height: 47.5,
    cells: [
      { c: 1, value: '1', style: TEXT },
      { c: 2, value: '第一行\n第二行\u0001控制字符', style: PLAIN },
      { c: 3, value: 0, style: NUMBER },
      { c: 4, value: -12.345, style: PLAIN },
      { c: 5, value: '', style: TEXT },
      { c: 6, value: DUE, style: DATE },
      { c: 7, value: 3, style: DEFAULT },
      { c: 8, value: null, style: DEFAULT },
      { c: 27, value: '𠀀AA列', style: TEXT },
    ],
  },
  {
    r: 5,
    cells: [
      { c: 1, style: TEXT, merged: true },
      { c: 2, style: PLAIN, merged: true },
      { c: 3, value: 0.402, style: NUMBER },
      { c: 4, value: '=1+1', style: PLAIN },
      { c: 5, value: '第一行\n第二行\u0001控制字符', style: TEXT },
      { c: 6, value: null, style: DATE },
      { c: 7, value: 0, style: DEFAULT },
    ],
  },
  { r: 6, cells: [{ c: 2, value: null, style: DEFAULT }] }, // nothing to write: no row
  { r: 7, height: 15, cells: [] }, // a height alone is written
];
const MERGES: [number, number, number, number][] = [
  [3, 1, 3, 3],
  [4, 1, 5, 1],
  [4, 2, 5, 2],
];

/** A workbook: a title row and the rows above through exceljs, SPECS through `write`, then a row and a merge through exceljs again. */
async function workbook(sharedStrings: boolean, write: (ws: Worksheet) => void): Promise<Record<string, string>> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const wb = createStreamingWorkbook(out, { sharedStrings });
  wb.created = new Date('2024-01-01T00:00:00Z');
  wb.modified = wb.created; // else the time the writer was made (core.xml): two workbooks a second boundary apart differed
  const ws = wb.addWorksheet('表');
  ws.columns = [{ width: 6 }, { width: 30 }];
  const title = ws.getRow(1);
  title.getCell(1).value = '标题';
  title.getCell(1).style = TEXT;
  title.commit();
  write(ws);
  const after = ws.getRow(9);
  after.getCell(1).value = '填报人：';
  after.getCell(1).style = PLAIN;
  ws.mergeCells(9, 1, 9, 2);
  after.commit();
  ws.commit();
  await wb.commit();
  const zip = await JSZip.loadAsync(Buffer.concat(chunks));
  const parts: Record<string, string> = {};
  for (const name of Object.keys(zip.files).sort()) if (!zip.files[name].dir) parts[name] = await zip.files[name].async('string');
  return parts;
}

function throughExceljs(ws: Worksheet): void {
  for (const spec of SPECS) {
    const row = ws.getRow(spec.r);
    if (spec.height) row.height = spec.height;
    for (const { c, value, style, merged } of spec.cells) {
      const cell = row.getCell(c);
      if (!merged) cell.value = value ?? null;
      cell.style = style;
    }
  }
  // exceljs's merge gives the cells inside their master's style
  for (const m of MERGES) ws.mergeCells(...m);
  for (const spec of SPECS) ws.getRow(spec.r).commit();
}

function throughDirectRows(ws: Worksheet): void {
  const rows = new DirectRows(ws);
  const masterStyle = (r: number, c: number) => {
    const m = MERGES.find(([t, l, b, rt]) => r >= t && r <= b && c >= l && c <= rt)!;
    return SPECS.find((s) => s.r === m[0])!.cells.find((x) => x.c === m[1])!.style;
  };
  for (const spec of SPECS) {
    rows.begin(spec.r, spec.height);
    for (const { c, value, style, merged } of spec.cells) {
      if (merged) rows.merged(c, masterStyle(spec.r, c));
      else rows.cell(c, value ?? null, style);
    }
    rows.end();
  }
  for (const m of MERGES) rows.merge(...m);
  rows.flush();
}

describe('DirectRows', () => {
  for (const sharedStrings of [true, false]) {
    it(`writes the parts exceljs writes for the same rows (${sharedStrings ? 'shared' : 'inline'} strings)`, async () => {
      const expected = await workbook(sharedStrings, throughExceljs);
      const actual = await workbook(sharedStrings, throughDirectRows);
      // the rows are there at all (the comparison is not of two empty sheets)
      expect(expected['xl/worksheets/sheet1.xml']).toContain('<row r="5"');
      expect(expected['xl/worksheets/sheet1.xml']).toContain('<mergeCell ref="A4:A5"/>');
      expect(Object.keys(actual)).toEqual(Object.keys(expected));
      for (const name of Object.keys(expected)) expect(actual[name], name).toBe(expected[name]);
    });
  }

  it('refuses a sheet with rows exceljs has not written yet', async () => {
    const wb = createStreamingWorkbook(new PassThrough());
    const ws = wb.addWorksheet('表');
    ws.getRow(1).getCell(1).value = 'x';
    expect(() => new DirectRows(ws)).toThrow(/not committed/);
  });
});

describe('SharedStrings', () => {
  const ExceljsSharedStrings = createRequire(import.meta.url)('exceljs/lib/utils/shared-strings') as new () => {
    add(v: unknown): number;
    count: number;
    values: unknown[];
    totalRefs: number;
    getString(i: number): unknown;
  };

  it('gives the indexes, values and counts of exceljs own table, and is the one the streaming workbook uses', () => {
    const rich = { richText: [{ text: '甲' }] };
    const texts: unknown[] = [
      '任务',
      '',
      '任务',
      '__proto__',
      'constructor',
      'toString',
      '1',
      '一、交通 & <建设>',
      '',
      rich,
      { richText: [] },
      '__proto__',
      '𠀀',
    ];
    const ours = new SharedStrings();
    const theirs = new ExceljsSharedStrings();
    expect(texts.map((t) => ours.add(t))).toEqual(texts.map((t) => theirs.add(t)));
    expect(ours.values).toEqual(theirs.values);
    expect([ours.count, ours.totalRefs]).toEqual([theirs.count, theirs.totalRefs]);
    expect(ours.getString(3)).toBe(theirs.getString(3));
    const wb = createStreamingWorkbook(new PassThrough());
    expect((wb as unknown as { sharedStrings: unknown }).sharedStrings).toBeInstanceOf(SharedStrings);
  });

  it("writes xl/sharedStrings.xml as exceljs's SharedStringsXform does, byte for byte", () => {
    const Xform = createRequire(import.meta.url)('exceljs/lib/xlsx/xform/strings/shared-strings-xform') as new () => { toXml(model: unknown): string };
    const texts = [
      '一、交通 & <建设> "重点" \'任务\'',
      ' 前导空格',
      '末尾空格 ',
      '\u3000全角空格',
      '换行\n之后',
      '\t制表',
      '控制\u0001字符\u001f',
      '',
      '_x0041_ 看似转义',
      '𠀀 补充平面',
      '\r回车',
      'plain',
    ];
    const ours = new SharedStrings();
    const theirs = new SharedStrings();
    for (const t of [...texts, ...texts]) ours.add(t);
    for (const t of [...texts, ...texts]) theirs.add(t);
    expect(ours.xml()).toBe(new Xform().toXml(theirs));
    expect(ours.xml()).toContain('<si><t xml:space="preserve"> 前导空格</t></si>');
    expect(new SharedStrings().xml()).toBe(new Xform().toXml(new SharedStrings()));
    // rich text (never written by the export) is left to exceljs
    const rich = new SharedStrings();
    rich.add('甲');
    rich.add({ richText: [{ text: '乙', font: { bold: true } }] });
    expect(rich.xml()).toBe(new Xform().toXml(rich));
  });
});
