// Re-importing a revised document over a live plan (issue 9): the preview shows the differences; on
// confirm ids stay where nothing changed, a changed target gets a new version, a task without progress
// is deleted, and a task with progress is archived (its progress kept), never deleted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { archivedItems, progress } from '../../server/db/schema';
import { databases, type TestDatabase } from '../helpers/db';
import { batchId, setup, type Setup } from '../helpers/server';
import { PLAN_TEXT } from './fixture';

const REVISED = PLAN_TEXT.replace('2.新建改建农村公路500公里。牵头单位：公路处。\n', '').replace(
  '4.推进智慧交通建设。\n',
  '3.推进综合客运枢纽建设。牵头单位：运输处。\n',
);

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
      const pushed = await s.req('POST', `/api/v1/plans/${planId}/progress/batches`, s.admin, {
        batchId: batchId('ri'),
        entries: [{ key: `${t2.targets[0].id}@2024-03`, baseVersion: 0, fields: { monthDone: 50, cumulative: 150, status: '推进中' } }],
      }); // 150 of 500 公里: on pace with March's 序时进度 (issue 10's lights)
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

for (const target of databases()) {
  describe.skipIf(target.skip)(`editing a live plan · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    beforeAll(async () => {
      database = await target.open();
      s = await setup(database);
    });
    afterAll(() => database?.close());

    it('POST /plans/:id/edit opens a preview of the live plan; confirming applies the edit with the same rules, audited', async () => {
      const pushed = await s.req('POST', `/api/v1/plans/${s.planId}/progress/batches`, s.admin, {
        batchId: batchId('ed'),
        entries: [{ key: 't2@2024-03', baseVersion: 0, fields: { status: '推进中', progress: '已开工' } }],
      });
      expect(pushed.body.results[0].outcome).toBe('applied');
      const p = (await s.req('POST', `/api/v1/plans/${s.planId}/edit`, s.admin)).body;
      expect(p.diff).toMatchObject({ added: [], changed: [], removed: [], archived: [] });
      const [t1, t2] = p.plan.nodes[0].children;
      t1.title = '重点任务1（修订）';
      p.plan.nodes[0].children.splice(1, 1); // drop t2, which has progress
      expect((await s.req('PUT', `/api/v1/plans/import/${p.previewId}`, s.admin, { plan: p.plan })).status).toBe(200);
      const preview = (await s.req('GET', `/api/v1/plans/import/${p.previewId}`, s.admin)).body;
      expect(preview.diff.archived.map((e: any) => e.id)).toEqual([t2.id]);
      expect(preview.diff.changed).toEqual([
        { kind: 'task', id: t1.id, label: '1 重点任务1（修订）', fields: [{ field: 'title', old: '重点任务1', new: '重点任务1（修订）' }] },
      ]);
      expect((await s.req('POST', `/api/v1/plans/import/${p.previewId}/confirm`, s.admin)).body.planId).toBe(s.planId);
      const after = (await s.req('GET', `/api/v1/plans/${s.planId}`, s.admin)).body;
      expect(after.nodes[0].children.map((n: any) => n.id)).not.toContain('t2');
      expect(after.nodes[0].children[0]).toMatchObject({ id: 't1', title: '重点任务1（修订）', targets: [{ id: 't1-m1', version: 1 }] });
      expect((await database.db.select().from(archivedItems)).map((a) => a.itemId)).toEqual(['t2']);
    });
  });
}
