// Re-importing a revised document over a live plan (issue 9): the preview shows the differences; on
// confirm ids stay where nothing changed, a changed target gets a new version, a task without progress
// is deleted, and a task with progress is archived (its progress kept), never deleted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { archivedItems, progress } from '../../server/db/schema';
import { databases, type TestDatabase } from '../helpers/db';
import { batchId, setup, type Setup } from '../server/setup';
import { PLAN_TEXT } from './fixture';

const REVISED = PLAN_TEXT.replace('2.新建改建农村公路500公里。牵头单位：公路处。\n', '').replace('4.推进智慧交通建设。\n', '3.推进综合客运枢纽建设。牵头单位：运输处。\n');

for (const target of databases()) {
  describe.skipIf(target.skip)(`re-import · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    beforeAll(async () => {
      database = await target.open();
      s = await setup(database);
    });
    afterAll(() => database?.close());

    const upload = async (text: string, query = '') => {
      const form = new FormData();
      form.set('file', new File([text], '要点.txt'));
      const res = await s.app.request(`/api/v1/plans/import${query}`, { method: 'POST', headers: { authorization: `Bearer ${s.admin}` }, body: form });
      return (await res.json()) as any;
    };

    it('diff in the preview; confirm keeps ids, archives the reported task, deletes the unreported one', async () => {
      const first = await upload(PLAN_TEXT);
      const { planId } = (await s.req('POST', `/api/v1/plans/import/${first.previewId}/confirm`, s.admin)).body;
      const live = (await s.req('GET', `/api/v1/plans/${planId}`, s.admin)).body;
      const [t1, t2, t4] = live.nodes[0].children;
      const kept = live.nodes[1].children[0];
      const pushed = await s.req('POST', `/api/v1/plans/${planId}/progress/batches`, s.admin, { batchId: batchId('ri'), entries: [{ key: `${t2.targets[0].id}@2024-03`, baseVersion: 0, fields: { monthDone: 50, cumulative: 50, status: '推进中' } }] });
      expect(pushed.body.results[0].outcome).toBe('applied');

      const revised = await upload(REVISED, `?replaces=${planId}`);
      expect(revised.replacesPlanId).toBe(planId);
      expect(revised.diff.archived.map((e: any) => e.id)).toEqual(expect.arrayContaining([t2.id]));
      expect(revised.diff.removed.map((e: any) => e.id)).toEqual([t4.id]);
      expect(revised.diff.added.map((e: any) => e.label)).toContain('3 推进综合客运枢纽建设');
      // the clerk corrects a target in the preview: it shows as a change of that target
      revised.plan.nodes[0].children[0].targets[0].value = 150;
      await s.req('PUT', `/api/v1/plans/import/${revised.previewId}`, s.admin, { plan: revised.plan });
      const again = (await s.req('GET', `/api/v1/plans/import/${revised.previewId}`, s.admin)).body;
      expect(again.diff.changed.find((e: any) => e.id === t1.targets[0].id).fields).toEqual([{ field: 'value', old: 100, new: 150 }]);

      const done = await s.req('POST', `/api/v1/plans/import/${revised.previewId}/confirm`, s.admin);
      expect(done.status).toBe(200);
      expect(done.body.planId).toBe(planId);
      const after = (await s.req('GET', `/api/v1/plans/${planId}`, s.admin)).body;
      expect(after.nodes[0].children.map((n: any) => n.id)).toEqual([t1.id, expect.any(String)]);
      expect(after.nodes[1].children[0].id).toBe(kept.id);
      expect(after.nodes[0].children[0].targets[0]).toMatchObject({ id: t1.targets[0].id, value: 150, version: 2 });
      const archived = await database.db.select().from(archivedItems).where(eq(archivedItems.planId, planId));
      expect(archived.map((a) => [a.itemId, a.kind])).toEqual(expect.arrayContaining([[t2.id, 'task']]));
      expect((archived.find((a) => a.itemId === t2.id)!.data as any).title).toBe(t2.title);
      expect(await database.db.select().from(progress).where(eq(progress.planId, planId))).toHaveLength(1); // history kept
      expect((await s.req('GET', '/api/v1/plans', s.admin)).body.filter((p: any) => p.id.startsWith(planId))).toHaveLength(1); // no second plan
      const log = (await s.req('GET', `/api/v1/audit?entity=plan&planId=${planId}`, s.admin)).body;
      expect(log.at(-1)).toMatchObject({ action: 'reimport' });
    });
  });
}
