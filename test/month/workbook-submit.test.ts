// The workbook upload that also submits (POST …/workbook/submit): contact fields checked before anything
// is stored; the filled 清单 applied and the month submitted; a red row without 存在问题 is refused on its cells, not submitted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS } from '../../model/sheet';
import { MAIN_SHEET } from '../../server/workbook/export';
import { loadWorkbook, workbookToBuffer } from '../../server/workbook/xlsx';
import { rowsOf } from '../../server/db/connect';
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../helpers/server';

const colOf = (key: string) => COLUMNS.findIndex((c) => c.key === key) + 1;

describe('workbook upload + submit · pglite', () => {
  let server: TestServer;
  let token: string;
  const clock = new Date('2024-06-20T10:00:00+08:00');
  beforeAll(async () => {
    server = await startTestServer({ app: { now: () => clock } });
    token = await server.reporterToken('建设管理处');
  });
  afterAll(() => server.close());

  async function filled(values: Record<string, unknown>): Promise<Blob> {
    const res = await server.app.request(`/api/v1/plans/sample/periods/2024-06/workbook.xlsx?unit=${encodeURIComponent('建设管理处')}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const wb = await loadWorkbook(Buffer.from(await res.arrayBuffer()));
    const ws = wb.getWorksheet(MAIN_SHEET)!;
    let row = 0;
    ws.eachRow((r, n) => (String(r.getCell(colOf('id')).value) === 't1-m1' ? (row = n) : undefined));
    expect(row).toBeGreaterThan(0);
    for (const [k, v] of Object.entries(values)) ws.getCell(row, colOf(k)).value = v as never;
    return new Blob([new Uint8Array(await workbookToBuffer(wb))]);
  }
  const upload = async (file: Blob, contact: Record<string, string>) => {
    const form = new FormData();
    form.set('file', new File([file], '清单.xlsx'));
    for (const [k, v] of Object.entries(contact)) form.set(k, v);
    return server.app.request('/api/v1/plans/sample/periods/2024-06/workbook/submit', {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${token}` },
    });
  };
  const stored = async () => (await rowsOf<{ n: number }>(server.database.db, sql.raw(`select count(*)::int as n from progress`)))[0].n;
  const contact = { reporter: '张三', phone: '13800000000', reviewer: '李处长' };

  it('missing 审核人: 400, the workbook is not applied', async () => {
    const r = await upload(await filled({ cumulative: 60 }), { reporter: '张三', phone: '13800000000' });
    expect(r.status).toBe(400);
    expect(await stored()).toBe(0);
  });

  it('a red row without 存在问题: refused on its 存在问题 and 下步计划 cells (marked in the annotated copy), nothing stored, not submitted', async () => {
    // 10 of 101 in June (序时进度 50%): 40 points behind → red; the push protocol refuses the row.
    const r = await upload(await filled({ cumulative: 10 }), contact);
    const body = (await r.json()) as {
      upload: { applied: number; rejected: number; rows: { errors?: { field: string; code: string; cell?: string }[] }[]; annotated: { base64: string } };
      submission: unknown;
    };
    expect(body.upload).toMatchObject({ applied: 0, rejected: 1 });
    expect(body.submission).toBeNull();
    const errors = body.upload.rows[0].errors!;
    const row = Number(errors[0].cell!.replace(/^[A-Z]+/, ''));
    const letter = (key: string) => String.fromCharCode(64 + colOf(key));
    expect(errors.map((e) => [e.code, e.cell])).toEqual([
      ['LIGHT_NEEDS_PROBLEM', `${letter('problems')}${row}`],
      ['LIGHT_NEEDS_NEXT_STEP', `${letter('nextSteps')}${row}`],
    ]);
    const annotated = (await loadWorkbook(Buffer.from(body.upload.annotated.base64, 'base64'))).getWorksheet(MAIN_SHEET)!;
    expect(JSON.stringify(annotated.getCell(errors[0].cell!).note)).toContain('存在问题');
    expect(String(annotated.getCell(row, colOf('id')).value)).toBe('t1-m1');
    expect(await stored()).toBe(0);
  });

  it('fixed and uploaded again: applied and 已报送', async () => {
    const r = await upload(await filled({ cumulative: 10, problems: '征地拆迁滞后', nextSteps: '召开专题会' }), contact);
    const body = (await r.json()) as { upload: { applied: number }; submission: { status: string; contact: { reviewer: string } } };
    expect(body.upload.applied).toBe(1);
    expect(body.submission).toMatchObject({ status: '已报送', contact: { reviewer: '李处长' } });
  });
});
