// Deleting a plan with reports needs its title typed back; a deleted plan can be restored (audited).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, type TestDatabase } from '../helpers/db';
import { samplePlan } from '../helpers/plan';
import { savePlan } from '../../server/services/plans';
import { batchId, setup, type Setup } from '../helpers/server';

for (const target of databases()) {
  describe.skipIf(target.skip)(`delete and restore · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    beforeAll(async () => {
      database = await target.open();
      s = await setup(database);
    });
    afterAll(() => database?.close());

    it('a plan with reports: 400 without its title, deleted with it, restored with every report', async () => {
      const pushed = await s.req('POST', '/api/v1/plans/sample/progress/batches', s.admin, {
        batchId: batchId(),
        entries: [{ key: 't2@2024-05', baseVersion: 0, fields: { progress: '已开工' } }],
      });
      expect(pushed.body.results[0].outcome).toBe('applied');
      for (const body of [undefined, {}, { confirmTitle: '测试' }]) {
        const r = await s.req('DELETE', '/api/v1/plans/sample', s.admin, body);
        expect(r.status).toBe(400);
        expect(r.body).toMatchObject({ code: 'CONFIRM_TITLE', errors: [{ field: 'confirmTitle' }] });
        expect(r.body.detail).toContain('测试工作要点');
      }
      expect((await s.req('GET', '/api/v1/plans/sample', s.admin)).status).toBe(200);
      expect((await s.req('DELETE', '/api/v1/plans/sample', s.admin, { confirmTitle: ' 测试工作要点 ' })).status).toBe(200);
      expect((await s.req('GET', '/api/v1/plans/sample', s.admin)).status).toBe(404);
      expect((await s.req('POST', '/api/v1/plans/sample/restore', s.viewer)).status).toBe(403);
      expect((await s.req('POST', '/api/v1/plans/sample/restore', s.admin)).status).toBe(200);
      expect((await s.req('POST', '/api/v1/plans/sample/restore', s.admin)).status).toBe(404); // not deleted now
      const rows = (await s.req('GET', '/api/v1/plans/sample/periods/2024-05/rows', s.admin)).body.rows;
      expect(rows.find((r: any) => r.key === 't2@2024-05').values.progress).toBe('已开工');
      const audit = await s.req('GET', '/api/v1/audit?entity=plan&id=sample', s.admin);
      expect(audit.body.map((e: any) => e.action)).toEqual(['import', 'delete', 'restore']);
    });

    it('a plan without reports is deleted without confirmation', async () => {
      await savePlan(database.db, samplePlan({ id: 'empty' }), 'test');
      expect((await s.req('DELETE', '/api/v1/plans/empty', s.admin)).status).toBe(200);
    });
  });
}
