import JSZip from 'jszip';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRows, COLUMNS, type ItemRow, type SheetRow } from '../../model/sheet';
import { WorkbookError } from '../../server/workbook/errors';
import { FIRST_DATA_ROW, MAIN_SHEET, workbookBuffer } from '../../server/workbook/export';
import { parseUpload } from '../../server/workbook/upload';
import { loadWorkbook, workbookToBuffer, type Worksheet } from '../../server/workbook/xlsx';
import { seedPlan, seedRows } from '../helpers/plan';
import { makeZip } from './zip';

const plan = seedPlan();
const rows = seedRows(plan);
const items = rows.filter((r): r is ItemRow => r.kind === 'item');
const colOf = (key: string) => COLUMNS.findIndex((c) => c.key === key) + 1;
const exported = await workbookBuffer({ plan, period: '2023-05', rows });

/** The sheet row of an item in the exported workbook. */
function rowOf(ws: Worksheet, itemId: string): number {
  for (let r = FIRST_DATA_ROW; r <= ws.rowCount; r++) if (ws.getCell(r, colOf('id')).value === itemId) return r;
  throw new Error(itemId);
}

async function edited(edit: (ws: Worksheet) => void): Promise<Buffer> {
  const wb = await loadWorkbook(exported);
  edit(wb.getWorksheet(MAIN_SHEET)!);
  return workbookToBuffer(wb);
}

async function rejection(buffer: Buffer, period = '2023-05'): Promise<WorkbookError> {
  try {
    await parseUpload({ buffer, planId: plan.id, period, rows });
  } catch (err) {
    expect(err).toBeInstanceOf(WorkbookError);
    return err as WorkbookError;
  }
  throw new Error('accepted');
}

describe('workbook upload: reading a 清单 back', () => {
  it('an untouched export has no changes', async () => {
    const parsed = await parseUpload({ buffer: exported, planId: plan.id, period: '2023-05', rows });
    expect(parsed.headerRow).toBe(4);
    expect(parsed.matchedBy).toBe('id');
    expect(parsed.changes).toEqual([]);
    expect(parsed.unchanged).toBe(items.length);
  });

  it('sends exactly the edited fields of edited rows, numbers as numbers, with the stored version', async () => {
    const a = items.find((i) => i.target && i.version > 0)!;
    const b = items.find((i) => i.version === 0 && !i.target)!;
    const buffer = await edited((ws) => {
      ws.getCell(rowOf(ws, a.itemId), colOf('cumulative')).value = 250;
      ws.getCell(rowOf(ws, b.itemId), colOf('status')).value = '已完成';
      ws.getCell(rowOf(ws, b.itemId), colOf('progress')).value = '=已全部完成'; // text, not a formula
    });
    const parsed = await parseUpload({ buffer, planId: plan.id, period: '2023-05', rows });
    expect(parsed.changes.map((c) => c.entry)).toEqual(
      [
        { key: a.key, baseVersion: a.version, fields: { cumulative: 250 } },
        { key: b.key, baseVersion: 0, fields: { status: '已完成', progress: '=已全部完成' } },
      ].sort((x, y) => items.findIndex((i) => i.key === x.key) - items.findIndex((i) => i.key === y.key)),
    );
    expect(parsed.unchanged).toBe(items.length - 2);
    expect(parsed.batch.entries).toHaveLength(2);
    // The same changes form the same batch id (an upload repeated is replayed, not applied twice).
    const again = await parseUpload({ buffer, planId: plan.id, period: '2023-05', rows });
    expect(again.batch.batchId).toBe(parsed.batch.batchId);
  });

  it('falls back to 序号 + 任务 + 指标 when a program dropped the id column', async () => {
    const a = items.find((i) => i.target)!;
    const buffer = await edited((ws) => {
      ws.getCell(rowOf(ws, a.itemId), colOf('monthDone')).value = 7;
      ws.spliceColumns(colOf('id'), 1);
    });
    const parsed = await parseUpload({ buffer, planId: plan.id, period: '2023-05', rows });
    expect(parsed.matchedBy).toBe('text');
    expect(parsed.changes.map((c) => c.entry)).toEqual([{ key: a.key, baseVersion: a.version, fields: { monthDone: 7 } }]);
  });

  it('a formula instead of a number: 422 with the cell, nothing to push, the cell marked in the copy', async () => {
    const a = items.find((i) => i.target)!;
    let address = '';
    const buffer = await edited((ws) => {
      const cell = ws.getCell(rowOf(ws, a.itemId), colOf('cumulative'));
      cell.value = { formula: 'H6*2', result: 10 } as never;
      address = cell.address;
    });
    const err = await rejection(buffer);
    expect(err.status).toBe(422);
    expect(err.code).toBe('BAD_CELLS');
    expect(err.errors).toEqual([expect.objectContaining({ cell: address, code: 'FORMULA_NOT_ALLOWED', field: 'cumulative' })]);
    expect(err.message).toContain(address);
    const copy = (await loadWorkbook(err.annotated!)).getWorksheet(MAIN_SHEET)!;
    expect(String(copy.getCell(address).note)).toContain('不能使用公式');
    expect((copy.getCell(address).fill as { fgColor?: { argb?: string } }).fgColor?.argb).toBe('FFFFC7CE');
  });

  it('merged cells where values were expected are refused with the merge range', async () => {
    const [a, b] = items.filter((i) => i.target);
    const buffer = await edited((ws) => {
      const top = rowOf(ws, a.itemId);
      ws.unMergeCells(`A${top}:A${top + 1}`);
      ws.mergeCells(top, colOf('status'), top + 1, colOf('status'));
    });
    const err = await rejection(buffer);
    expect(err.errors.map((e) => e.code)).toEqual(['MERGED_CELL', 'MERGED_CELL']);
    expect(err.errors[0].message).toMatch(/合并区域 K\d+:K\d+/);
    expect(b).toMatchObject({ kind: 'item', target: expect.anything() });
  });

  it('a row whose id is unknown or repeated is refused', async () => {
    const a = items[0];
    const buffer = await edited((ws) => {
      const r = rowOf(ws, a.itemId);
      ws.getCell(r, colOf('id')).value = 'no-such-item';
      ws.getCell(r, colOf('status')).value = '推进中';
    });
    expect((await rejection(buffer)).errors[0].code).toBe('UNKNOWN_KEY');
    const dup = await edited((ws) => {
      ws.getCell(rowOf(ws, items[3].itemId), colOf('id')).value = items[0].itemId;
    });
    expect((await rejection(dup)).errors[0].code).toBe('DUPLICATE_ROW');
  });

  it('an empty template for the coming month reads back as new entries (version 0)', async () => {
    const june: SheetRow[] = buildRows(plan, { period: '2023-06' });
    const template = await workbookBuffer({ plan, period: '2023-06', rows: june, template: true });
    const target = june.find((r): r is ItemRow => r.kind === 'item' && !!r.target)!;
    const wb = await loadWorkbook(template);
    const ws = wb.getWorksheet(MAIN_SHEET)!;
    ws.getCell(rowOf(ws, target.itemId), colOf('cumulative')).value = 40;
    const parsed = await parseUpload({ buffer: await workbookToBuffer(wb), planId: plan.id, period: '2023-06', rows: june });
    expect(parsed.changes.map((c) => c.entry)).toEqual([{ key: target.key, baseVersion: 0, fields: { cumulative: 40 } }]);
    expect(target.key.endsWith('@2023-06')).toBe(true);
  });

  it('12.5万 / 3亿 in a money target is converted with a note; in a target of another unit it is refused on the cell', async () => {
    const money = items.find((i) => i.unit === '亿元')!;
    const other = items.find((i) => i.target && !['元', '万元', '亿元'].includes(i.unit))!;
    let moneyCell = '';
    const buffer = await edited((ws) => {
      const cell = ws.getCell(rowOf(ws, money.itemId), colOf('cumulative'));
      cell.value = '12.5万';
      moneyCell = cell.address;
    });
    const parsed = await parseUpload({ buffer, planId: plan.id, period: '2023-05', rows });
    expect(parsed.changes.map((c) => c.entry.fields)).toEqual([{ cumulative: 0.00125 }]);
    expect(parsed.converted).toEqual([expect.objectContaining({ cell: moneyCell, code: 'AMOUNT_CONVERTED', message: '已将“12.5万”换算为0.00125亿元' })]);

    let otherCell = '';
    const refused = await edited((ws) => {
      const cell = ws.getCell(rowOf(ws, other.itemId), colOf('monthDone'));
      cell.value = '3亿';
      otherCell = cell.address;
    });
    const err = await rejection(refused);
    expect(err.errors).toEqual([
      expect.objectContaining({ cell: otherCell, field: 'monthDone', code: 'NOT_A_NUMBER', message: expect.stringContaining(`本指标的单位是“${other.unit}”`) }),
    ]);
  });

  it("another month's 清单 is refused (the workbook carries its plan and month)", async () => {
    const err = await rejection(exported, '2023-06');
    expect([err.status, err.code]).toEqual([409, 'WRONG_PERIOD']);
    expect(err.message).toContain('2023-05');
  });
});

describe('workbook upload: hostile and wrong files (4xx before anything is inflated)', () => {
  it('not a zip, an .xls, a .docx, a truncated file', async () => {
    expect((await rejection(Buffer.from('序号,任务,本月完成\n1,a,2\n'))).message).toContain('CSV');
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(500)]);
    expect(await rejection(xls)).toMatchObject({ code: 'NOT_XLSX', status: 415, message: expect.stringContaining('.xls') });
    expect((await rejection(makeZip([{ name: 'word/document.xml', data: '<w/>' }]))).message).toContain('Word');
    expect((await rejection(makeZip([{ name: 'xl/workbook.bin', data: 'x' }]))).message).toContain('.xlsb');
    expect(
      (
        await rejection(
          makeZip([
            { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet' },
            { name: 'content.xml', data: '<x/>' },
          ]),
        )
      ).message,
    ).toContain('.ods');
    expect((await rejection(exported.subarray(0, exported.length - 100))).message).toContain('截断');
  });

  it('a zip bomb: huge declared size, huge ratio, or a directory that lies', async () => {
    const big = await rejection(
      makeZip([
        { name: 'xl/workbook.xml', data: '<workbook/>' },
        { name: 'xl/worksheets/sheet1.xml', data: 'x', declaredSize: 4_000_000_000 },
      ]),
    );
    expect([big.status, big.code]).toEqual([413, 'ZIP_BOMB']);
    const zeros = Buffer.alloc(30 * 1024 * 1024, 0x20);
    const ratio = await rejection(
      makeZip([
        { name: 'xl/workbook.xml', data: '<workbook/>' },
        { name: 'xl/sharedStrings.xml', data: zeros },
      ]),
    );
    expect(ratio.code).toBe('ZIP_BOMB');
    expect(ratio.message).toContain('压缩比');
    const liar = await rejection(
      makeZip([
        { name: 'xl/workbook.xml', data: '<workbook/>' },
        { name: 'xl/worksheets/sheet1.xml', data: zeros, declaredSize: 1000 },
      ]),
    );
    expect(liar.code).toBe('ZIP_BOMB');
    expect(liar.message).toContain('超过其声明的大小');
  });

  it('a main sheet whose XML is not well formed is refused (422 NOT_XLSX), nothing read from it', async () => {
    // The zip check only counts tags (server/workbook/sheet-scan.ts); the reader's XML parser refuses this.
    const zip = await JSZip.loadAsync(exported);
    const path = 'xl/worksheets/sheet1.xml';
    const xml = await zip.file(path)!.async('string');
    const broken = xml.replace(/<\/v><\/c>/, '</c></v>');
    expect(broken).not.toBe(xml);
    zip.file(path, broken);
    const err = await rejection(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    expect([err.status, err.code]).toEqual([422, 'NOT_XLSX']);
    expect(err.message).toContain('无法读取该工作簿');
  });

  it('a bad cell next to another sheet that is not well formed: the cell is named, the file comes back unmarked', async () => {
    const item = items[0];
    const bad = await edited((ws) => (ws.getCell(rowOf(ws, item.itemId), colOf('monthDone')).value = '3亿'));
    const zip = await JSZip.loadAsync(bad);
    const other = Object.keys(zip.files).find((n) => /^xl\/worksheets\/sheet[2-9]\.xml$/.test(n))!;
    zip.file(other, (await zip.file(other)!.async('string')).replace('</sheetData>', '<row></sheetData>'));
    const err = await rejection(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    expect([err.status, err.code]).toEqual([422, 'BAD_CELLS']);
    expect(err.errors).toEqual([expect.objectContaining({ field: 'monthDone', code: 'NOT_A_NUMBER' })]);
    expect(err.annotated).toBeUndefined();
  });

  it('a sheet with 1,048,576 rows is refused from its XML, without loading it', async () => {
    const buffer = await edited((ws) => {
      ws.getCell('A1048576').value = 'x';
    });
    const start = performance.now();
    const err = await rejection(buffer);
    expect([err.status, err.code]).toEqual([413, 'TOO_MANY_ROWS']);
    expect(err.message).toContain('1048576');
    expect(err.message).toContain(MAIN_SHEET);
    expect(performance.now() - start).toBeLessThan(2000);
  });

  const dir = new URL('../../../shared/real-xlsx/', import.meta.url).pathname;
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.xlsx'))
        .sort()
    : [];
  // What each real file must be recognised by in the message (a header or sheet it really has).
  const expectText: Record<string, string> = {
    '01': '员工姓名',
    '02': '学校',
    '03': '第一列',
    '04': '廠商訂單編號',
    '05': 'W PS Mustermann Hans',
    '06': 'Sheet2',
  };
  it.skipIf(files.length === 0)(
    `each real Excel/WPS workbook in ../shared/real-xlsx gets its own message (${files.length} files${files.length ? '' : ': SKIPPED, folder absent'})`,
    async () => {
      const messages = new Set<string>();
      for (const f of files) {
        const err = await rejection(readFileSync(dir + f));
        expect([f, err.status, err.code]).toEqual([f, 422, 'NOT_A_QINGDAN']);
        expect(err.message).toContain('找不到重点任务清单的表头（序号、任务、本月完成');
        expect(err.message).toContain(expectText[f.slice(0, 2)]);
        messages.add(err.message);
      }
      expect(messages.size).toBe(files.length);
    },
  );
});
