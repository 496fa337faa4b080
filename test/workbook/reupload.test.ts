// Re-uploading a workbook (issue 15 "told applied when it was not", issue 12): an old file uploaded again
// after the office changed a row is a conflict saying the file is older than what the unit synced (never
// "applied, replayed" with the office's value kept); a real conflict names who changed the row; an
// unchanged file changes nothing even when stored texts hold control characters the export cannot carry;
// _x0000_ / _xD800_ escapes in a cell are refused with 400 naming the cell.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemRow, SheetRow } from '../../model/sheet';
import { MAIN_SHEET } from '../../server/workbook/export';
import { loadWorkbook } from '../../server/workbook/xlsx';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedPlan } from '../helpers/plan';
import { colOf, edit, rowOf } from './sheet-edit';

const plan = seedPlan('re2023');
const P = '2023-05';
let server: TestServer;
let reporter: string;

async function api(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  return fetch(`${server.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${init.token ?? server.adminToken}`, ...(init.headers ?? {}) } });
}
async function rows(): Promise<ItemRow[]> {
  const body = (await (await api(`/plans/${plan.id}/periods/${P}/rows`)).json()) as { rows: SheetRow[] };
  return body.rows.filter((r): r is ItemRow => r.kind === 'item');
}
async function download(token?: string): Promise<Buffer> {
  return Buffer.from(await (await api(`/plans/${plan.id}/periods/${P}/workbook.xlsx`, { token })).arrayBuffer());
}
const upload = (buf: Buffer, token?: string) => api(`/plans/${plan.id}/periods/${P}/workbook`, { method: 'POST', body: new Uint8Array(buf), token });
async function officePush(key: string, baseVersion: number, fields: Record<string, unknown>, batchId: string) {
  const res = await api(`/plans/${plan.id}/progress/batches`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ batchId, entries: [{ key, baseVersion, fields }] }),
  });
  expect(res.status).toBe(200);
  return res.json();
}

beforeAll(async () => {
  server = await startTestServer({ plans: [plan] });
  reporter = await server.reporterToken('公路局');
});
afterAll(() => server?.close());

describe('re-uploading a workbook', () => {
  it('an old file after the office changed the row: a conflict saying the file is older than what the unit synced, the office value stays', async () => {
    const item = (await rows()).find((r) => r.target && r.lead.includes('公路局') && r.version === 0)!;
    const file = await edit(await download(reporter), (ws) => {
      ws.getCell(rowOf(ws, item.itemId), colOf('cumulative')).value = 12;
    });
    expect(await (await upload(file, reporter)).json()).toMatchObject({ applied: 1, replayed: false });
    await officePush(item.key, 1, { cumulative: 20 }, 'office-fix-0001');

    const res = await upload(file, reporter);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ applied: 0, replayed: false, conflicts: 1 });
    expect(body.rows[0]).toMatchObject({
      key: item.key,
      outcome: 'conflict',
      version: 2,
      conflict: { code: 'STALE_FILE', changedBy: expect.stringMatching(/^admin#/) },
    });
    expect(body.rows[0].conflict.message).toMatch(/该文件早于本单位\d+月\d+日 \d\d:\d\d同步的内容（之后管理员于.+又作了修改）.*请重新下载/);
    expect((await rows()).find((r) => r.key === item.key)!.values.cumulative).toBe(20);
    const copy = (await loadWorkbook(Buffer.from(body.annotated.base64, 'base64'))).getWorksheet(MAIN_SHEET)!;
    expect(String(copy.getCell(rowOf(copy, item.itemId), colOf('cumulative')).note)).toContain('该文件早于本单位');
  });

  it('a real conflict names who changed the row and when', async () => {
    const item = (await rows()).find((r) => r.lead.includes('公路局') && r.version === 0)!;
    const file = await edit(await download(reporter), (ws) => {
      ws.getCell(rowOf(ws, item.itemId), colOf('status')).value = '推进中';
    });
    await officePush(item.key, 0, { status: '已完成' }, 'office-fix-0002');
    const body = await (await upload(file, reporter)).json();
    expect(body).toMatchObject({ applied: 0, conflicts: 1, rows: [{ outcome: 'conflict', conflict: { code: 'CHANGED_BY_OTHER' } }] });
    expect(body.rows[0].conflict.message).toMatch(/该行已被管理员于\d+月\d+日 \d\d:\d\d修改（服务器版本1）/);
    expect((await rows()).find((r) => r.key === item.key)!.values.status).toBe('已完成');
  });

  it('an unchanged file changes nothing, even where stored texts hold control characters the export drops', async () => {
    const item = (await rows()).find((r) => r.version === 0)!;
    await officePush(item.key, 0, { progress: '第一段\u0001第二段\u001f完', problems: '\u0007铃' }, 'office-ctrl-0001');
    const before = await rows();
    const body = await (await upload(await download())).json();
    expect(body).toMatchObject({ applied: 0, conflicts: 0, rejected: 0, unchanged: before.length, rows: [] });
    const after = await rows();
    expect(after.map((r) => r.version)).toEqual(before.map((r) => r.version));
    expect(after.find((r) => r.key === item.key)!.values.progress).toBe('第一段\u0001第二段\u001f完');
  });

  for (const [escape, kind] of [
    ['_x0000_', '空字符'],
    ['_xD800_', '不成对'],
  ] as const) {
    it(`${escape} in a cell: 400 BAD_TEXT naming the cell, nothing stored`, async () => {
      const item = (await rows()).find((r) => r.version === 0)!;
      let address = '';
      const file = await edit(await download(), (ws) => {
        const cell = ws.getCell(rowOf(ws, item.itemId), colOf('progress'));
        cell.value = `已开工${escape}完成`;
        address = cell.address;
      });
      const before = await rows();
      const res = await upload(file);
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body).toMatchObject({ code: 'BAD_TEXT', errors: [{ cell: address, field: 'progress', code: 'BAD_TEXT' }] });
      expect(body.errors[0].message).toContain(kind);
      expect(body.detail ?? body.title ?? '').toContain(address);
      expect((await rows()).map((r) => r.version)).toEqual(before.map((r) => r.version));
    });
  }
});
