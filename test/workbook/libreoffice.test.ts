// A real other program: LibreOffice (Debian libreoffice-calc-nogui, headless) re-saves the exported
// 清单 as .xlsx → upload → no changes; LibreOffice edits cells (UNO script) and saves → upload → exactly
// those changes stored. Also renders the export to PDF and PNG (test-artifacts/workbook/) to look at.
// Skipped (visibly) when soffice is missing, unless CI=true.
import { startTestServer, type TestServer } from '../helpers/server';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS, type ItemRow, type SheetRow } from '../../model/sheet';
import { FIRST_DATA_ROW, MAIN_SHEET } from '../../server/workbook/export';
import { loadWorkbook } from '../../server/workbook/xlsx';
import { seedPlan } from '../helpers/plan';
import { run } from './run-tool';

const has = (cmd: string, args: string[]) => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
};
const soffice = has('soffice', ['--version']);
const uno = has('/usr/bin/python3', ['-c', 'import uno']);
const poppler = has('pdftoppm', ['-v']);
if (process.env.CI === 'true' && !(soffice && uno && poppler)) throw new Error('CI needs libreoffice-calc-nogui (with python3-uno) and poppler-utils');
const why = !soffice ? 'SKIPPED: soffice not installed' : !uno ? 'SKIPPED: /usr/bin/python3 has no uno module (python3-uno)' : '';

const ARTIFACTS = new URL('../../test-artifacts/workbook/', import.meta.url).pathname;
const here = new URL('.', import.meta.url).pathname;
const colOf = (key: string) => COLUMNS.findIndex((c) => c.key === key) + 1;
const plan = seedPlan('lo2023');
const P = '2023-05';
let server: TestServer;
let work: string;

const profile = () => `file://${mkdtempSync(join(tmpdir(), 'lo-'))}`;
/** LibreOffice converts FILE to FORMAT in OUTDIR with a fresh user profile (no shared state between runs). */
async function convert(file: string, format: string, outdir: string): Promise<void> {
  await run('soffice', [`-env:UserInstallation=${profile()}`, '--headless', '--norestore', '--convert-to', format, '--outdir', outdir, file]);
}

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${server.adminToken}`, ...(init.headers ?? {}) } });
}
async function items(): Promise<ItemRow[]> {
  const body = (await (await api(`/plans/${plan.id}/periods/${P}/rows`)).json()) as { rows: SheetRow[] };
  return body.rows.filter((r): r is ItemRow => r.kind === 'item');
}
async function upload(file: string) {
  const res = await api(`/plans/${plan.id}/periods/${P}/workbook`, { method: 'POST', body: new Uint8Array(readFileSync(file)) });
  expect(res.status).toBe(200);
  return res.json();
}

describe.skipIf(!!why)(`LibreOffice round trip ${why}`, () => {
  let exported: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'qd-lo-'));
    server = await startTestServer({ plans: [plan] });
    // Some stored progress first, so numbers, statuses and text all make the trip.
    const rows = await items();
    const entries = rows
      .filter((_, i) => i % 4 === 0)
      .map((r, i) => ({
        key: r.key,
        baseVersion: 0,
        fields: r.target
          ? { monthDone: 1.5, cumulative: 10 + i, status: '推进中', progress: `按计划推进，第${i}项` }
          : { status: i % 2 ? '已完成' : '推进中', progress: '=不是公式' },
      }));
    const push = await api(`/plans/${plan.id}/progress/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ batchId: 'lo-seed-0001', entries }),
    });
    expect(push.status).toBe(200);
    const res = await api(`/plans/${plan.id}/periods/${P}/workbook.xlsx`);
    exported = join(work, 'export.xlsx');
    writeFileSync(exported, Buffer.from(await res.arrayBuffer()));
  });
  afterAll(async () => {
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('re-saved by LibreOffice, the 清单 uploads with no changes', async () => {
    const out = join(work, 'resaved');
    await convert(exported, 'xlsx', out);
    const before = await items();
    const body = await upload(join(out, 'export.xlsx'));
    expect(body).toMatchObject({ applied: 0, rejected: 0, conflicts: 0, unchanged: before.length, matchedBy: 'id', headerRow: 4 });
    expect((await items()).map((r) => r.version)).toEqual(before.map((r) => r.version));
  });

  it('cells changed in LibreOffice are exactly the changes stored', async () => {
    const before = await items();
    const ws = (await loadWorkbook(readFileSync(exported))).getWorksheet(MAIN_SHEET)!;
    const rowOf = (id: string) => {
      for (let r = FIRST_DATA_ROW; r <= ws.rowCount; r++) if (ws.getCell(r, colOf('id')).value === id) return r;
      throw new Error(id);
    };
    const reported = before.find((r) => r.target && r.version > 0)!;
    const fresh = before.find((r) => !r.target && r.version === 0)!;
    const addr = (id: string, key: string) => ws.getCell(rowOf(id), colOf(key)).address;
    const edits = [
      { sheet: MAIN_SHEET, cell: addr(reported.itemId, 'cumulative'), value: 88.5 },
      { sheet: MAIN_SHEET, cell: addr(reported.itemId, 'status'), value: '已完成' },
      { sheet: MAIN_SHEET, cell: addr(fresh.itemId, 'progress'), value: '已印发实施方案' },
    ];
    const edited = join(work, 'edited-by-lo.xlsx');
    await run('/usr/bin/python3', [join(here, 'lo_edit.py'), exported, edited, JSON.stringify(edits), mkdtempSync(join(tmpdir(), 'lo-'))]);
    const body = await upload(edited);
    expect(body).toMatchObject({ applied: 2, rejected: 0, conflicts: 0, unchanged: before.length - 2 });
    const after = await items();
    const changed = after.filter((r, i) => r.version !== before[i].version).map((r) => r.key);
    expect(changed.sort()).toEqual([reported.key, fresh.key].sort());
    expect(after.find((r) => r.key === reported.key)!.values).toEqual({ ...reported.values, cumulative: 88.5, status: '已完成' });
    expect(after.find((r) => r.key === fresh.key)!.values).toEqual({ ...fresh.values, progress: '已印发实施方案' });
  });

  it.skipIf(!poppler)('renders to an A4-landscape PDF with the Chinese text in a CJK font, and to PNG', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await convert(exported, 'pdf', ARTIFACTS);
    const pdf = join(ARTIFACTS, 'export.pdf');
    expect(existsSync(pdf)).toBe(true);
    const info = await run('pdfinfo', [pdf]);
    const [, w, h] = /Page size:\s+([\d.]+) x ([\d.]+)/.exec(info)!;
    expect([Math.round(Number(w)), Math.round(Number(h))]).toEqual([842, 595]); // A4 landscape, in points
    const text = await run('pdftotext', ['-l', '1', pdf, '-']);
    expect(text.replace(/\s/g, '')).toContain('重点任务清单');
    expect(text).toContain('本月进展');
    expect(await run('pdffonts', [pdf])).toMatch(/WenQuanYi|wqy|Noto Sans CJK|Source Han/i);
    await run('pdftoppm', ['-r', '110', '-png', '-f', '1', '-l', '1', pdf, join(ARTIFACTS, 'export')]);
    expect(existsSync(join(ARTIFACTS, 'export-1.png'))).toBe(true);
  });
});
