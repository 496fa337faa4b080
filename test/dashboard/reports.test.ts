// The report routes over a real server: stats, the monthly series and the 通报 from progress pushed
// through the API, on PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import JSZip from 'jszip';
import { pgReachable } from '../helpers/db';
import { startTestServer, type TestServer } from '../helpers/server';
import { PLAN } from '../helpers/plan';
import { pushFixture } from './push-fixture';

for (const db of ['pglite', 'pg'] as const) {
  const skip = db === 'pg' && !pgReachable;
  describe.skipIf(skip)(`report routes · ${db}${skip ? ' (SKIPPED: PostgreSQL unreachable)' : ''}`, () => {
    let server: TestServer;
    let planId: string;
    const get = (path: string, token = server.adminToken) =>
      fetch(`${server.url}/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    beforeAll(async () => {
      server = await startTestServer({ db, plans: [PLAN] });
      planId = server.planIds[0];
      await pushFixture(server);
    });
    afterAll(() => server?.close());

    it('GET …/periods/:period/stats summarises the month from the stored reports', async () => {
      const res = await get(`/plans/${planId}/periods/2026-06/stats`);
      expect(res.status).toBe(200);
      const s = await res.json();
      expect(s).toMatchObject({ period: '2026-06', deadline: '2026-06-28', closed: false, timeProgress: 50 });
      expect(s.totals).toMatchObject({ items: 8, tasks: 7, reported: 5, avgRate: 66.7, byStatus: { 已完成: 2, 推进中: 2, 滞后: 1, 未开始: 0, 未填报: 3 } });
      expect(s.unreportedUnits).toEqual(['运输处']);
      expect(s.partialUnits).toEqual(['建设管理处']);
      expect(s.lagging.map((x: { itemId: string }) => x.itemId)).toEqual(['t-road']);
    });

    it('follows assignments made by the office', async () => {
      await server.reporterToken('科技处'); // creates the unit
      const put = await fetch(`${server.url}/api/v1/plans/${planId}/assignments`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ assignments: [{ taskId: 'k5', lead: ['科技处'], co: [] }] }),
      });
      expect(put.status).toBe(200);
      const s = await (await get(`/plans/${planId}/periods/2026-06/stats`)).json();
      expect(s.unreportedUnits).toEqual(['科技处', '运输处']);
      expect(s.byUnit.some((u: { unassigned: boolean }) => u.unassigned)).toBe(false);
    });

    it('GET …/stats/monthly gives one point per month up to `until`', async () => {
      const res = await get(`/plans/${planId}/stats/monthly?until=2026-06`);
      expect(res.status).toBe(200);
      const { series } = await res.json();
      expect(series.map((p: { period: string }) => p.period)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']);
      expect(series[4]).toMatchObject({ reported: 1, reportRate: 12.5, avgRate: 34.2, timeProgress: 41.7 });
      expect(series[5]).toMatchObject({ reported: 5, reportRate: 62.5, avgRate: 66.7, lagging: 1 });
      expect(series[0]).toMatchObject({ reported: 0, avgRate: null });
    });

    it('GET …/bulletin.docx returns a Word file with this month’s figures', async () => {
      const res = await get(`/plans/${planId}/periods/2026-06/bulletin.docx?issuedOn=2026-07-03&issuer=${encodeURIComponent('省交通运输厅规划办公室')}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('重点任务推进情况通报-2026-06.docx')}`);
      const xml = await (await JSZip.loadAsync(await res.arrayBuffer())).file('word/document.xml')!.async('string');
      const text = xml.replace(/<[^>]+>/g, '');
      expect(text).toContain('关于2026年6月重点任务推进情况的通报');
      expect(text).toContain('报送率62.5%，报送率较上月提高50个百分点');
      expect(text).toContain('未报送单位：科技处、运输处');
      expect(text).toContain('征地拆迁进度慢');
      expect(text).toContain('于2026年7月28日前报送2026年7月');
      expect(text).toContain('2026年7月3日');
    });

    it('is readable by viewers and reporters, not without a token', async () => {
      expect((await get(`/plans/${planId}/periods/2026-06/stats`, await server.viewerToken())).status).toBe(200);
      expect((await get(`/plans/${planId}/stats/monthly`, await server.reporterToken('运输处'))).status).toBe(200);
      const anon = await get(`/plans/${planId}/periods/2026-06/stats`, '');
      expect(anon.status).toBe(401);
    });

    it('answers bad months and plans with a problem in Chinese', async () => {
      const bad = await get(`/plans/${planId}/periods/2026-13/stats`);
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      expect(await bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'period' }] });
      const other = await get(`/plans/${planId}/periods/2031-01/bulletin.docx`);
      expect(other.status).toBe(404);
      expect(await other.json()).toMatchObject({ code: 'UNKNOWN_PERIOD', detail: expect.stringContaining('2031-01') });
      const none = await get(`/plans/nope/periods/2026-06/stats`);
      expect(none.status).toBe(404);
      expect((await none.json()).detail).toMatch(/找不到计划/);
    });
  });
}
