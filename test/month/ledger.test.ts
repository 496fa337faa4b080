// 问题台账 over HTTP on PGlite and PostgreSQL: items derived from 存在问题, carried from May into June,
// 销号 refused without a note (nothing stored), 佐证材料 checked and stored, office refuse, counts, export.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { pgReachable } from '../helpers/db';
import { startTestServer, type TestServer } from '../helpers/server';
import { rowsOf } from '../../server/db/connect';
import { ledgerCountsFor } from '../../server/services/ledger';
import { docxXml } from '../helpers/docx';

const PG = process.env.QINGDAN_REQUIRE_PG === '1' || pgReachable;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

type Item = {
  id: number;
  status: string;
  text: string;
  unit: string;
  raisedIn: string;
  measures: string | null;
  itemId: string;
  evidence: { id: number; name: string }[];
  reviewNote: string | null;
};

for (const kind of ['pglite', 'pg'] as const) {
  describe.skipIf(kind === 'pg' && !PG)(`ledger · ${kind}`, () => {
    let server: TestServer;
    const clock = new Date('2024-06-20T10:00:00+08:00');
    let unit: string;
    let other: string;
    const req = (path: string, token: string, init: RequestInit = {}) =>
      server.app.request(`/api/v1/plans/sample${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${token}`,
          ...(typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}),
          ...(init.headers ?? {}),
        },
      });
    const push = async (entries: unknown[]) => {
      const r = await req('/progress/batches', unit, {
        method: 'POST',
        body: JSON.stringify({ batchId: `b-${Math.random().toString(36).slice(2)}`, entries }),
      });
      expect(r.status).toBe(200);
    };
    const ledger = async (q = '', token = server.adminToken) => ((await (await req(`/ledger${q}`, token)).json()) as { items: Item[] }).items;
    const count = async (q: string) => (await rowsOf<{ n: number }>(server.database.db, sql.raw(q)))[0].n;

    beforeAll(async () => {
      server = await startTestServer({ db: kind, app: { now: () => clock } });
      unit = await server.reporterToken('建设管理处');
      other = await server.reporterToken('安全监督处');
      await push([
        { key: 't1-m1@2024-05', baseVersion: 0, fields: { cumulative: 10, problems: '征地拆迁滞后', nextSteps: '五月：协调自然资源厅' } },
        { key: 't5-m1@2024-05', baseVersion: 0, fields: { cumulative: 5, problems: '资金缺口 3 亿元', nextSteps: '争取专项债' } },
        { key: 't1-m1@2024-06', baseVersion: 0, fields: { cumulative: 20, problems: '征地拆迁滞后', nextSteps: '六月：召开专题会' } },
      ]);
    });
    afterAll(() => server.close());

    it('one item per 存在问题; the same text in June keeps May as the month raised; May items carry into June', async () => {
      const items = await ledger();
      expect(items).toHaveLength(2);
      const land = items.find((i) => i.itemId === 't1-m1')!;
      expect(land).toMatchObject({ status: 'open', text: '征地拆迁滞后', unit: '建设管理处', raisedIn: '2024-05', measures: '六月：召开专题会' });
      expect((await ledger('?period=2024-06')).map((i) => i.itemId).sort()).toEqual(['t1-m1', 't5-m1']);
      expect(await ledger('', other)).toEqual([]); // another unit does not see them
      expect(await count(`select count(*)::int as n from audit where entity = 'ledger' and action = 'open'`)).toBe(2); // reads do not reopen
      await ledger();
      expect(await count(`select count(*)::int as n from ledger_items`)).toBe(2);
    });

    it('the 通报 counts the ledger: May raised two, June carries both open', async () => {
      const text = async (period: string) => (await docxXml(await (await req(`/periods/${period}/bulletin.docx`, server.adminToken)).arrayBuffer())).text;
      expect(await text('2024-05')).toContain('问题台账方面，本月新增问题2个，销号0个，截至月底尚未销号2个');
      expect(await text('2024-06')).toContain('问题台账方面，本月新增问题0个，销号0个，截至月底尚未销号2个');
    });

    it('销号 without a note: 400, nothing stored; a bad 佐证材料: 415, nothing stored; another unit: 403', async () => {
      const id = (await ledger()).find((i) => i.itemId === 't1-m1')!.id;
      for (const body of ['{"note":""}', '{"note":"   "}', '{}']) {
        const r = await req(`/ledger/${id}/close`, unit, { method: 'POST', body });
        expect(r.status).toBe(400);
        expect(((await r.json()) as { errors: { field: string }[] }).errors[0].field).toBe('note');
      }
      const form = new FormData();
      form.set('note', '已解决');
      form.set('evidence', new File([Buffer.from('MZ\x90\x00 not a pdf')], 'proof.pdf', { type: 'application/pdf' }));
      expect((await req(`/ledger/${id}/close`, unit, { method: 'POST', body: form })).status).toBe(415);
      expect((await req(`/ledger/${id}/close`, other, { method: 'POST', body: '{"note":"x"}' })).status).toBe(403);
      expect((await ledger()).find((i) => i.id === id)!.status).toBe('open');
      expect(await count(`select count(*)::int as n from ledger_evidence`)).toBe(0);
      expect(await count(`select count(*)::int as n from audit where entity = 'ledger' and action = 'close'`)).toBe(0);
    });

    it('销号 with a note and a PDF: closed, file stored and downloadable; counts; office refuses → open again', async () => {
      const id = (await ledger()).find((i) => i.itemId === 't1-m1')!.id;
      const form = new FormData();
      form.set('note', '征地已完成，土地证已办结');
      form.set('evidence', new File([PDF], '土地证.pdf', { type: 'application/pdf' }));
      const r = await req(`/ledger/${id}/close`, unit, { method: 'POST', body: form });
      expect(r.status).toBe(200);
      const item = (await ledger()).find((i) => i.id === id)!;
      expect(item.status).toBe('closed');
      expect(item.evidence.map((e) => e.name)).toEqual(['土地证.pdf']);
      const file = await req(`/ledger/${id}/evidence/${item.evidence[0].id}`, unit);
      expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true);
      // The same 销号 retried is a replay, not a 409.
      expect(await (await req(`/ledger/${id}/close`, unit, { method: 'POST', body: '{"note":"征地已完成，土地证已办结"}' })).json()).toMatchObject({
        replayed: true,
      });

      expect(await ledgerCountsFor(server.database.db, 'sample', '2024-06')).toEqual({ period: '2024-06', new: 0, closed: 1, open: 1, overdue: 0 });
      expect(await ledgerCountsFor(server.database.db, 'sample', '2024-07')).toEqual({ period: '2024-07', new: 0, closed: 0, open: 1, overdue: 1 });
      expect(await (await req('/ledger/counts?period=2024-05', server.adminToken)).json()).toEqual({
        period: '2024-05',
        new: 2,
        closed: 0,
        open: 2,
        overdue: 0,
      });

      expect((await req(`/ledger/${id}/refuse`, unit, { method: 'POST', body: '{"reason":"x"}' })).status).toBe(403);
      expect((await req(`/ledger/${id}/refuse`, server.adminToken, { method: 'POST', body: '{"reason":""}' })).status).toBe(400);
      const refused = await req(`/ledger/${id}/refuse`, server.adminToken, { method: 'POST', body: '{"reason":"佐证材料不是本项目的"}' });
      expect(refused.status).toBe(200);
      expect((await ledger()).find((i) => i.id === id)).toMatchObject({ status: 'open', reviewNote: '佐证材料不是本项目的' });
      const trail = await rowsOf<{ action: string; actor: string }>(
        server.database.db,
        sql.raw(`select action, actor from audit where entity = 'ledger' and entity_id = '${id}' order by id`),
      );
      expect(trail.map((t) => `${t.action}:${t.actor.replace(/#\d+$/, '')}`)).toEqual(['open:system:ledger', 'close:建设管理处', 'refuse:admin']);
    });

    it('exports the 问题清单台账 workbook', async () => {
      const r = await req('/ledger.xlsx', server.adminToken);
      expect(r.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await r.arrayBuffer());
      const ws = wb.getWorksheet('问题清单台账')!;
      expect(ws.getRow(2).getCell(6).value).toBe('存在问题');
      const texts = [3, 4].map((n) => ws.getRow(n).getCell(6).value).sort();
      expect(texts).toEqual(['征地拆迁滞后', '资金缺口 3 亿元']);
      expect(ws.getRow(3).getCell(5).value).toBe('2024年5月');
    });
  });
}
