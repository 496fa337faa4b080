// Reporter isolation: a reporter of unit A probing unit B's progress through every read path (rows,
// workbook, changes, audit), with the office's per-plan setting off (default) and on.
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, type TestDatabase } from '../helpers/db';
import { batchId, setup, type Setup } from '../helpers/server';

const A = '综合规划处'; // leads t4, t8; co-leads t3, t7
const B = '运输服务处'; // leads t2, t6; co-leads t1, t5
const SECRET = '乙局内部进展XYZ';
const P = '/api/v1/plans/sample';

async function workbookText(res: Response): Promise<string> {
  const zip = await JSZip.loadAsync(await res.arrayBuffer());
  const parts = await Promise.all(Object.values(zip.files).map((f) => f.async('string')));
  return parts.join('\n');
}

for (const target of databases()) {
  describe.skipIf(target.skip)(`reporter isolation · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    let a: string;
    const get = (path: string, token = a) => s.app.request(path, { headers: { authorization: `Bearer ${token}` } });
    beforeAll(async () => {
      database = await target.open();
      s = await setup(database);
      a = s.reporter[A];
      const pushed = await s.req('POST', `${P}/progress/batches`, s.reporter[B], {
        batchId: batchId('b'),
        entries: [{ key: 't2@2024-05', baseVersion: 0, fields: { status: '推进中', progress: SECRET } }],
      });
      expect(pushed.body.results[0], JSON.stringify(pushed.body)).toMatchObject({ outcome: 'applied' });
      const mine = await s.req('POST', `${P}/progress/batches`, a, {
        batchId: batchId('a'),
        entries: [{ key: 't8-m2@2024-05', baseVersion: 0, fields: { status: '推进中', progress: '甲的进展' } }],
      });
      expect(mine.body.results[0].outcome).toBe('applied');
    });
    afterAll(() => database?.close());

    it('by default, A sees only its own unit: ?unit=B is refused, ?unit= and no unit give A’s rows', async () => {
      const other = await get(`${P}/periods/2024-05/rows?unit=${encodeURIComponent(B)}`);
      expect(other.status).toBe(403);
      expect((await other.json()).code).toBe('FORBIDDEN_UNIT');
      for (const q of ['', '?unit=', `?unit=${encodeURIComponent(A)}`]) {
        const res = await get(`${P}/periods/2024-05/rows${q}`);
        expect(res.status).toBe(200);
        const text = await res.text();
        expect(text).not.toContain(SECRET);
        expect(text).toContain('甲的进展');
        const rows = JSON.parse(text).rows.filter((r: any) => r.kind !== 'section');
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.every((r: any) => /^t[3478](-|@)/.test(r.key))).toBe(true);
      }
    });

    it('workbook: B’s and the whole plan’s are not A’s to download', async () => {
      expect((await get(`${P}/periods/2024-05/workbook.xlsx?unit=${encodeURIComponent(B)}`)).status).toBe(403);
      const whole = await get(`${P}/periods/2024-05/workbook.xlsx`);
      expect(whole.status).toBe(200);
      const text = await workbookText(whole);
      expect(text).not.toContain(SECRET);
      expect(text).toContain('甲的进展');
    });

    it('changes: A pulls only its own items', async () => {
      const res = await get(`${P}/changes`);
      const keys = (await res.json()).entries.map((e: any) => e.key);
      expect(keys).toEqual(['t8-m2@2024-05']);
    });

    it('audit: A needs a plan, sees no token issued and no other unit’s progress', async () => {
      expect((await get('/api/v1/audit')).status).toBe(400);
      const res = await get('/api/v1/audit?planId=sample');
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(text).not.toContain(SECRET);
      const entries = JSON.parse(text);
      expect(entries.map((e: any) => e.entityId)).toEqual(['t8-m2@2024-05']);
      expect(await (await get('/api/v1/audit?entity=token&planId=sample')).json()).toEqual([]);
      // A viewer (the leaders, no unit) reads all progress but not the tokens; the office reads everything.
      const viewer = await (await get('/api/v1/audit', s.viewer)).json();
      expect(viewer.some((e: any) => e.entity === 'token')).toBe(false);
      expect(viewer.some((e: any) => e.entityId === 't2@2024-05')).toBe(true);
    });

    it('once the office lets units see each other (audited), A reads B’s progress', async () => {
      expect((await s.req('PUT', `${P}/visibility`, a, { unitsSeeEachOther: true })).status).toBe(403);
      expect((await s.req('PUT', `${P}/visibility`, s.admin, { unitsSeeEachOther: true })).status).toBe(200);
      expect((await s.req('GET', `${P}/visibility`, a)).body).toEqual({ unitsSeeEachOther: true });
      const rows = await get(`${P}/periods/2024-05/rows?unit=${encodeURIComponent(B)}`);
      expect(rows.status).toBe(200);
      expect(await rows.text()).toContain(SECRET);
      const keys = (await (await get(`${P}/changes`)).json()).entries.map((e: any) => e.key).sort();
      expect(keys).toEqual(['t2@2024-05', 't8-m2@2024-05']);
      const audit = await (await get('/api/v1/audit?planId=sample', s.admin)).json();
      expect(audit.find((e: any) => e.action === 'visibility')).toMatchObject({ old: { unitsSeeEachOther: false }, new: { unitsSeeEachOther: true } });
      await s.req('PUT', `${P}/visibility`, s.admin, { unitsSeeEachOther: false });
      expect((await get(`${P}/periods/2024-05/rows?unit=${encodeURIComponent(B)}`)).status).toBe(403);
    });
  });
}
