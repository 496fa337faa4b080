// `qingdan export` / `qingdan upload` as a user runs them: child processes on an embedded database
// directory (DATA_DIR), and against a running server with --url/--token.
import { startTestServer, type TestServer } from '../helpers/server';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS } from '../../model/sheet';
import { openDatabase } from '../../server/db/connect';
import { loadRows } from '../../server/services/rows';
import { savePlan } from '../../server/services/plans';
import { FIRST_DATA_ROW, MAIN_SHEET } from '../../server/workbook/export';
import { loadWorkbook, workbookToBuffer } from '../../server/workbook/xlsx';
import { seedPlan } from '../helpers/plan';
import { CHILD_MS, CHILD_PROCESS_CASE_MS } from '../helpers/timeouts';

const root = new URL('../../', import.meta.url).pathname;
const colOf = (key: string) => COLUMNS.findIndex((c) => c.key === key) + 1;
const plan = seedPlan('cli2023');
let dir: string;

function qingdan(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'bin/qingdan.mjs'), ...args],
      { cwd: dir, env: { ...process.env, ...env }, timeout: CHILD_MS },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function setStatus(file: string, out: string, value: unknown): Promise<string> {
  const wb = await loadWorkbook(readFileSync(file));
  const ws = wb.getWorksheet(MAIN_SHEET)!;
  const cell = ws.getCell(FIRST_DATA_ROW + 1, colOf('status'));
  cell.value = value as never;
  writeFileSync(out, await workbookToBuffer(wb));
  return String(ws.getCell(FIRST_DATA_ROW + 1, colOf('id')).value);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qd-cli-'));
  const database = await openDatabase({ dataDir: join(dir, 'data') });
  await savePlan(database.db, plan, 'test');
  await database.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('qingdan export / upload (embedded database)', () => {
  it(
    'exports, uploads an edit, refuses a formula with the cell and writes the annotated copy',
    async () => {
      const env = { DATA_DIR: join(dir, 'data') };
      const ex = await qingdan(['export', plan.id, '2023-05', '--out', 'm.xlsx'], env);
      expect(ex.stderr).toContain('已导出：m.xlsx');
      expect(ex.code).toBe(0);
      const itemId = await setStatus(join(dir, 'm.xlsx'), join(dir, 'edited.xlsx'), '推进中');
      const up = await qingdan(['upload', 'edited.xlsx', '--plan', plan.id, '--period', '2023-05'], env);
      expect(up.stderr).toMatch(/保存1行/);
      expect(up.code).toBe(0);

      await setStatus(join(dir, 'm.xlsx'), join(dir, 'bad.xlsx'), { formula: 'A1', result: 'x' });
      const bad = await qingdan(['upload', 'bad.xlsx', '--plan', plan.id, '--period', '2023-05'], env);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('错误 [BAD_CELLS]');
      expect(bad.stderr).toContain(`K${FIRST_DATA_ROW + 1}`);
      expect(existsSync(join(dir, 'bad（批注）.xlsx'))).toBe(true);

      const missing = await qingdan(['export', 'no-such-plan', '2023-05'], env);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('错误 [NOT_FOUND]');

      const database = await openDatabase({ dataDir: join(dir, 'data') });
      try {
        const { rows } = await loadRows(database.db, plan.id, '2023-05');
        const row = rows.find((r) => r.kind === 'item' && r.itemId === itemId);
        expect(row).toMatchObject({ version: 1, values: { status: '推进中' } });
      } finally {
        await database.close();
      }
    },
    CHILD_PROCESS_CASE_MS,
  ); // five CLI processes, each opening the database
});

describe('qingdan export / upload --url (a running server)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ plans: [plan] });
  }, CHILD_PROCESS_CASE_MS);
  afterAll(() => server?.close());

  it(
    'exports one unit’s workbook and uploads it through the API',
    async () => {
      const remote = ['--url', server.url, '--token', server.adminToken];
      const ex = await qingdan(['export', plan.id, '2023-05', '--unit', '公路局', '--out', 'u.xlsx', ...remote]);
      expect(ex.code).toBe(0);
      const wb = await loadWorkbook(readFileSync(join(dir, 'u.xlsx')));
      expect(String(wb.getWorksheet(MAIN_SHEET)!.getCell('A2').value)).toBe('填报单位：公路局');
      await setStatus(join(dir, 'u.xlsx'), join(dir, 'u2.xlsx'), '已完成');
      const up = await qingdan(['upload', 'u2.xlsx', '--plan', plan.id, '--period', '2023-05', '--json', ...remote]);
      expect(up.code).toBe(0);
      expect(JSON.parse(up.stdout)).toMatchObject({ applied: 1, rejected: 0 });
      const notXlsx = await qingdan(['upload', 'u.xlsx', '--plan', plan.id, '--period', '2023-06', ...remote]);
      expect(notXlsx.code).toBe(1);
      expect(notXlsx.stderr).toContain('WRONG_PERIOD');
    },
    CHILD_PROCESS_CASE_MS,
  );
});
