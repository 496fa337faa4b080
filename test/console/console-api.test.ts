// The API behind the office's console (issue 9), through app.request(): previews in the database
// (a restart or another process confirms them), corrections saved to the preview, the import warnings,
// reopen only with a reason, the token list, unit rename/merge, assignments by task number — and bad
// input refused in Chinese with nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createApp } from '../../server/app';
import { openDatabase } from '../../server/db/connect';
import { audit, importPreviews, units } from '../../server/db/schema';
import { databases, type TestDatabase } from '../helpers/db';
import { setup, type Setup } from '../helpers/server';
import { PLAN_TEXT, planDocx } from './fixture';

const CHINESE = /[\u4e00-\u9fff]/;

async function upload(s: Setup, bytes: Uint8Array | string, name: string, token = s.admin) {
  const form = new FormData();
  form.set('file', new File([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], name));
  const res = await s.app.request('/api/v1/plans/import', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: res.status, body: (await res.json()) as any };
}

for (const target of databases()) {
  describe.skipIf(target.skip)(`console api · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    const previewCount = async () => (await database.db.select({ n: count() }).from(importPreviews))[0].n;
    beforeAll(async () => {
      database = await target.open();
      s = await setup(database);
    });
    afterAll(() => database?.close());

    it('a .docx preview is stored in the database with its source text and warnings', async () => {
      const r = await upload(s, await planDocx(), '交通要点.docx');
      expect(r.status).toBe(200);
      expect(r.body.sourceText).toContain('城市公交分担率达到60%以上');
      const t = r.body.plan.nodes[0].children[0].targets[0];
      expect(r.body.sourceText.slice(t.span.start, t.span.end)).toBe(t.quote); // the console highlights there
      const codes = r.body.warnings.map((w: any) => w.code);
      expect(codes).toEqual(expect.arrayContaining(['SKIPPED_NUMBER', 'NO_UNIT', 'NO_DEADLINE']));
      expect(r.body.warnings.find((w: any) => w.code === 'SKIPPED_NUMBER').message).toMatch(/“一”之后是“三”/);
      const [row] = await database.db.select().from(importPreviews).where(eq(importPreviews.id, r.body.previewId));
      expect(row.createdBy).toMatch(/^admin#/);
      expect((await s.req('GET', `/api/v1/plans/import/${r.body.previewId}`, s.viewer)).body.plan.title).toBe(r.body.plan.title);
    });

    it('corrections survive a restart and another server process confirms them', async () => {
      const r = await upload(s, PLAN_TEXT, '交通要点.txt');
      const plan = r.body.plan;
      plan.nodes[0].children[0].targets[0].value = 120; // correct one target
      plan.nodes[0].children[2].units = { lead: ['建设管理处'] }; // and one unit
      expect((await s.req('PUT', `/api/v1/plans/import/${r.body.previewId}`, s.admin, { plan })).status).toBe(200);
      // "restart": a new app, and for PostgreSQL a second connection pool as another process would have
      const other = database.url ? await openDatabase({ databaseUrl: database.url }) : null;
      const app2 = createApp({ db: other?.db ?? database.db, log: () => {} });
      try {
        const res = await app2.request(`/api/v1/plans/import/${r.body.previewId}/confirm`, { method: 'POST', headers: { authorization: `Bearer ${s.admin}` } });
        expect(res.status).toBe(200);
        const { planId } = (await res.json()) as any;
        const stored = (await s.req('GET', `/api/v1/plans/${planId}`, s.admin)).body;
        expect(stored.nodes[0].children[0].targets[0].value).toBe(120);
        expect(stored.nodes[0].children[2].units).toEqual({ lead: ['建设管理处'] });
        const again = await app2.request(`/api/v1/plans/import/${r.body.previewId}/confirm`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.admin}` },
        });
        expect(again.status).toBe(404); // taken once
      } finally {
        await other?.close();
      }
    });

    it('bad input is refused in Chinese and stores nothing: a PDF, an empty file, a broken correction', async () => {
      const before = await previewCount();
      const pdf = await upload(s, '%PDF-1.4\n1 0 obj\n', '要点.pdf');
      expect(pdf.status).toBe(400);
      expect(pdf.body.detail).toMatch(/不支持 PDF/);
      const empty = await upload(s, '', '要点.docx');
      expect(empty.status).toBe(400);
      expect(empty.body.code).toBe('EMPTY_FILE');
      expect(empty.body.detail).toMatch(CHINESE);
      expect(await previewCount()).toBe(before);
      const r = await upload(s, PLAN_TEXT, 'x.txt');
      const bad = await s.req('PUT', `/api/v1/plans/import/${r.body.previewId}`, s.admin, { plan: { ...r.body.plan, nodes: 'x' } });
      expect(bad.status).toBe(400);
      expect(bad.body.detail).toMatch(CHINESE);
      const dup = structuredClone(r.body.plan);
      dup.nodes[1].id = dup.nodes[0].id;
      expect((await s.req('PUT', `/api/v1/plans/import/${r.body.previewId}`, s.admin, { plan: dup })).body.code).toBe('DUPLICATE_ID');
      expect((await s.req('GET', `/api/v1/plans/import/${r.body.previewId}`, s.admin)).body.plan).toEqual(r.body.plan);
      const reporter = await upload(s, PLAN_TEXT, 'x.txt', s.reporter['综合规划处']);
      expect(reporter.status).toBe(403);
      expect(reporter.body.detail).toMatch(/无权/);
    });

    it('reopen needs a reason: empty → 400 REASON_REQUIRED and the month stays closed; the reason is audited', async () => {
      const base = `/api/v1/plans/${s.planId}/periods/2024-03`;
      expect((await s.req('POST', `${base}/close`, s.admin)).status).toBe(200);
      for (const body of [undefined, {}, { reason: '  ' }]) {
        const r = await s.req('POST', `${base}/reopen`, s.admin, body);
        expect(r.status).toBe(400);
        expect(r.body).toMatchObject({ code: 'REASON_REQUIRED' });
        expect(r.body.detail).toMatch(/原因/);
      }
      const periods = (await s.req('GET', `/api/v1/plans/${s.planId}/periods`, s.admin)).body;
      expect(periods.find((p: any) => p.period === '2024-03').status).toBe('closed');
      expect((await s.req('POST', `${base}/reopen`, s.admin, { reason: '建设管理处数据有误，需更正' })).status).toBe(200);
      const log = (await s.req('GET', `/api/v1/audit?entity=period&planId=${s.planId}`, s.admin)).body;
      expect(log.filter((a: any) => a.action === 'reopen').map((a: any) => a.new.reason)).toEqual(['建设管理处数据有误，需更正']);
    });

    it('GET /tokens lists prefix, role, unit, created, last used — never the secret', async () => {
      const unitId = s.units['综合规划处'];
      const issued = await s.req('POST', `/api/v1/units/${unitId}/tokens`, s.admin, { role: 'reporter' });
      expect(issued.status).toBe(201);
      await s.req('GET', '/api/v1/me', issued.body.token);
      const list = await s.req('GET', '/api/v1/tokens', s.admin);
      const mine = list.body.find((t: any) => t.id === issued.body.id);
      expect(mine).toMatchObject({ role: 'reporter', unit: { id: unitId, name: '综合规划处' }, revokedAt: null });
      expect(issued.body.token.startsWith(mine.prefix.replace('…', ''))).toBe(true);
      // Used just now by GET /me: not before it was created, and a real timestamp.
      expect(Date.parse(mine.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(mine.createdAt));
      expect(JSON.stringify(list.body)).not.toContain(issued.body.token);
      expect((await s.req('GET', '/api/v1/tokens', s.viewer)).status).toBe(200); // read-only screens
      const denied = await s.req('GET', '/api/v1/tokens', s.reporter['综合规划处']);
      expect(denied.status).toBe(403);
      expect(denied.body.detail).toMatch(CHINESE);
    });

    it('units: a duplicate name is refused (409, nothing stored); rename and merge carry tokens and assignments', async () => {
      const n = async () => (await database.db.select({ n: count() }).from(units))[0].n;
      const before = await n();
      const dup = await s.req('POST', '/api/v1/units', s.admin, { name: '综合规划处' });
      expect(dup.status).toBe(409);
      expect(dup.body.detail).toBe('单位已存在：综合规划处');
      expect(await n()).toBe(before);
      const a = (await s.req('POST', '/api/v1/units', s.admin, { name: '旧名处' })).body;
      const b = (await s.req('POST', '/api/v1/units', s.admin, { name: '并入处' })).body;
      expect((await s.req('PATCH', `/api/v1/units/${a.id}`, s.admin, { name: '并入处' })).status).toBe(409);
      expect((await s.req('PATCH', `/api/v1/units/${a.id}`, s.admin, { name: '新名处' })).body).toEqual({ id: a.id, name: '新名处' });
      const tok = (await s.req('POST', `/api/v1/units/${a.id}/tokens`, s.admin)).body.token;
      expect((await s.req('PUT', `/api/v1/plans/${s.planId}/assignments`, s.admin, { assignments: [{ task: '5', lead: ['新名处'] }] })).status).toBe(200);
      expect((await s.req('POST', `/api/v1/units/${a.id}/merge`, s.admin, { into: b.id })).body).toEqual({ id: b.id, name: '并入处' });
      expect((await s.req('GET', '/api/v1/me', tok)).body.unit).toEqual({ id: b.id, name: '并入处' });
      expect((await s.req('GET', `/api/v1/plans/${s.planId}`, s.admin)).body.assignments.t5).toEqual({ lead: ['并入处'], co: [] });
      expect((await s.req('GET', '/api/v1/units', s.admin)).body.map((u: any) => u.name)).not.toContain('新名处');
      const actions = (await database.db.select().from(audit).where(eq(audit.entity, 'unit'))).map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(['rename', 'merge']));
    });

    it('assignments by task number, many rows at once; an unknown number stores nothing', async () => {
      const put = (assignments: unknown[]) => s.req('PUT', `/api/v1/plans/${s.planId}/assignments`, s.admin, { assignments });
      const ok = await put([
        { task: '1', lead: ['综合规划处'] },
        { task: '（2）', lead: ['运输服务处'], co: ['综合规划处'] },
        { task: '一.3', lead: ['综合规划处'] },
      ]);
      expect(ok.status).toBe(200);
      const got = (await s.req('GET', `/api/v1/plans/${s.planId}`, s.admin)).body.assignments;
      expect(got.t1.lead).toEqual(['综合规划处']);
      expect(got.t2).toEqual({ lead: ['运输服务处'], co: ['综合规划处'] });
      expect(got.t3.lead).toEqual(['综合规划处']);
      const bad = await put([
        { task: '4', lead: ['运输服务处'] },
        { task: '99', lead: ['运输服务处'] },
      ]);
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ code: 'UNKNOWN_TASK', detail: '第2行：找不到序号为“99”的任务，未做修改' });
      expect((await s.req('GET', `/api/v1/plans/${s.planId}`, s.admin)).body.assignments.t4).toBeUndefined();
    });
  });
}

async function table(rows: string[][]): Promise<Buffer> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('分工');
  rows.forEach((r) => ws.addRow(r));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

for (const target of databases()) {
  describe.skipIf(target.skip)(`分工 table upload · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    beforeAll(async () => {
      database = await target.open();
      s = await setup(database);
    });
    afterAll(() => database?.close());
    const send = async (bytes: Uint8Array, name = '分工.xlsx') => {
      const form = new FormData();
      form.set('file', new File([new Uint8Array(bytes)], name));
      const res = await s.app.request(`/api/v1/plans/${s.planId}/assignments/workbook`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.admin}` },
        body: form,
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const assigned = async () => (await s.req('GET', `/api/v1/plans/${s.planId}`, s.admin)).body.assignments;

    it('序号/任务/牵头单位/配合单位 rows are applied; a bad row names its cell and nothing is stored', async () => {
      const bad = await send(
        await table([
          ['2024年分工'],
          ['序号', '任务', '牵头单位', '配合单位'],
          ['1', '重点任务1', '综合规划处', ''],
          ['99', '', '运输服务处', ''],
          ['2', '', '不存在处', ''],
        ]),
      );
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: any) => [e.cell, e.code])).toEqual([
        ['A4', 'UNKNOWN_TASK'],
        ['C5', 'UNKNOWN_UNIT'],
      ]);
      expect(await assigned()).toEqual({});
      const ok = await send(
        await table([
          ['序号', '任务', '牵头单位', '配合单位'],
          ['1', '重点任务1', '综合规划处', '运输服务处、安全监督处'],
          ['', '重点任务2', '运输服务处', ''],
        ]),
      );
      expect(ok).toMatchObject({ status: 200, body: { applied: 2 } });
      const a = await assigned();
      expect(a.t1).toEqual({ lead: ['综合规划处'], co: ['运输服务处', '安全监督处'] });
      expect(a.t2).toEqual({ lead: ['运输服务处'], co: [] }); // found by its title
    });

    it('a PDF or an empty file is refused in Chinese', async () => {
      const pdf = await send(new TextEncoder().encode('%PDF-1.4 x'), '分工.pdf');
      expect(pdf).toMatchObject({ status: 400, body: { code: 'NOT_XLSX' } });
      expect(pdf.body.detail).toMatch(/PDF/);
      expect((await send(new Uint8Array(), 'x.xlsx')).body.code).toBe('EMPTY_FILE');
    });
  });
}

for (const target of databases()) {
  describe.skipIf(target.skip)(`reporting deadline · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    beforeAll(async () => {
      database = await target.open();
      s = await setup(database);
    });
    afterAll(() => database?.close());

    it('the document or default day, then the office’s setting moves open months only (audited); 0 is refused', async () => {
      const url = `/api/v1/plans/${s.planId}/reporting-deadline`;
      expect((await s.req('GET', url, s.viewer)).body).toEqual({ day: 28, source: 'default' });
      await s.req('POST', `/api/v1/plans/${s.planId}/periods/2024-01/close`, s.admin);
      const bad = await s.req('PUT', url, s.admin, { day: 0 });
      expect(bad.status).toBe(400);
      const r = await s.req('PUT', url, s.admin, { day: 31 });
      expect(r.body).toMatchObject({ day: 31, source: 'setting' });
      const periods = (await s.req('GET', `/api/v1/plans/${s.planId}/periods`, s.admin)).body;
      expect(periods.slice(0, 3).map((p: any) => p.deadline)).toEqual(['2024-01-28', '2024-02-29', '2024-03-31']); // January closed: kept
      expect((await s.req('PUT', url, s.reporter['综合规划处'], { day: 5 })).status).toBe(403);
      const log = (await s.req('GET', `/api/v1/audit?entity=plan&planId=${s.planId}`, s.admin)).body;
      expect(log.at(-1)).toMatchObject({ action: 'reporting-day', new: { day: 31 } });
    });
  });
}
