// Issue 12: the export has a read-only 上月累计 column (April's 累计完成 in May's workbook) and the
// 填报人/联系电话/审核人 line under the table; a unit that types its names there still uploads cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS, type ItemRow, type SheetRow } from '../../model/sheet';
import { cellText } from '../../server/workbook/cell-text';
import { FIRST_DATA_ROW, HEADER_ROW, MAIN_SHEET, PREVIOUS_HEADER, SIGN_LINE } from '../../server/workbook/export';
import { loadWorkbook, workbookToBuffer, type Worksheet } from '../../server/workbook/xlsx';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedPlan } from '../helpers/plan';

const colOf = (key: string) => COLUMNS.findIndex((c) => c.key === key) + 1;
const plan = seedPlan('ex2023');
let server: TestServer;
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${server.adminToken}`, ...(init.headers ?? {}) } });
async function items(period: string): Promise<ItemRow[]> {
  const body = (await (await api(`/plans/${plan.id}/periods/${period}/rows`)).json()) as { rows: SheetRow[] };
  return body.rows.filter((r): r is ItemRow => r.kind === 'item');
}
const download = async (period: string) => loadWorkbook(Buffer.from(await (await api(`/plans/${plan.id}/periods/${period}/workbook.xlsx`)).arrayBuffer()));
function rowOf(ws: Worksheet, itemId: string): number {
  for (let r = FIRST_DATA_ROW; r <= ws.rowCount; r++) if (ws.getCell(r, colOf('id')).value === itemId) return r;
  throw new Error(itemId);
}
function columnOf(ws: Worksheet, header: string): number {
  let found = 0;
  ws.getRow(HEADER_ROW).eachCell((cell, c) => cellText(cell) === header && (found = c));
  return found;
}

beforeAll(async () => {
  server = await startTestServer({ plans: [plan] });
});
afterAll(() => server?.close());

describe('export: 上月累计 and the signature line', () => {
  it('May’s workbook shows April’s 累计完成, read-only, next to nothing the upload reads', async () => {
    const april = (await items('2023-04')).filter((r) => r.target).slice(0, 2);
    // Texts too: whatever the seed targets are, a row behind 序时进度 must say why (issue 10's lights).
    const entries = april.map((r, i) => ({ key: r.key, baseVersion: 0, fields: { cumulative: 30 + i, problems: '进度滞后', nextSteps: '加快推进' } }));
    expect(
      (
        await api(`/plans/${plan.id}/progress/batches`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ batchId: 'ex-april-0001', entries }),
        })
      ).status,
    ).toBe(200);
    const ws = (await download('2023-05')).getWorksheet(MAIN_SHEET)!;
    const c = columnOf(ws, PREVIOUS_HEADER);
    expect(c).toBeGreaterThan(COLUMNS.length);
    expect(ws.getColumn(c).hidden).toBeFalsy();
    expect(ws.getCell(rowOf(ws, april[0].itemId), c).value).toBe(30);
    expect(ws.getCell(rowOf(ws, april[1].itemId), c).value).toBe(31);
    expect(ws.getCell(rowOf(ws, april[1].itemId), c).protection?.locked).not.toBe(false);
    const other = (await items('2023-05')).find((r) => r.target && !april.some((a) => a.itemId === r.itemId))!;
    expect(ws.getCell(rowOf(ws, other.itemId), c).value ?? null).toBeNull();
  });

  it('the 填报人/联系电话/审核人 line sits under the table, unlocked; filled in, the file uploads with no changes', async () => {
    const wb = await download('2023-05');
    const ws = wb.getWorksheet(MAIN_SHEET)!;
    const last = Math.max(...(await items('2023-05')).map((r) => rowOf(ws, r.itemId)));
    const line = last + 2;
    const texts: string[] = [];
    ws.getRow(line).eachCell((cell) => {
      if (cell.isMerged && cell.master.address !== cell.address) return;
      texts.push(cellText(cell));
      expect(cell.protection?.locked).toBe(false);
    });
    expect(texts).toEqual([...SIGN_LINE]);
    ws.getCell(line, 1).value = '填报人：张三';
    ws.getCell(line, 3).value = '联系电话：0431-88888888';
    const res = await api(`/plans/${plan.id}/periods/2023-05/workbook`, { method: 'POST', body: new Uint8Array(await workbookToBuffer(wb)) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ applied: 0, rejected: 0, conflicts: 0, ignored: [] });
  });
});
