// The export keeps a plan's structure (nodes, targets, their revisions, assignments, unit names) for the
// next export at the same structure_version (server/services/workbook-pages.ts, issue 13). A kept
// structure must never outlive a change: after every kind of change — in this process or through another
// connection to the database — the next export is the whole-plan export read afresh, part for part.
import JSZip from 'jszip';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../server/auth/tokens';
import { createUnit, renameUnit } from '../../server/auth/units';
import { openDatabase, rowsOf, type Db } from '../../server/db/connect';
import { workbookMonth } from '../../server/services/month-view';
import { putAssignments, savePlan } from '../../server/services/plans';
import { previousCumulatives } from '../../server/services/previous';
import { reviseTarget } from '../../server/services/target-revisions';
import { pagedMonth } from '../../server/services/workbook-pages';
import { workbookBuffer } from '../../server/workbook/export';
import { databases, type TestDatabase } from '../helpers/db';
import { samplePlan } from '../helpers/plan';

const ADMIN: Actor = { tokenId: 0, role: 'admin', unit: null, name: 'admin#0' };
const P = '2024-05';

/** Every part of the file but docProps/core.xml (its created time differs by the clock). */
async function parts(buffer: Buffer): Promise<Record<string, string>> {
  const zip = await JSZip.loadAsync(buffer);
  const out: Record<string, string> = {};
  for (const name of Object.keys(zip.files).sort()) if (name !== 'docProps/core.xml' && !zip.files[name].dir) out[name] = await zip.files[name].async('string');
  return out;
}

async function exported(db: Db, planId: string): Promise<Record<string, string>> {
  const paged = (await pagedMonth(db, planId, P))!;
  return parts(await workbookBuffer({ plan: paged.plan, period: P, pages: paged.pages }));
}
/** The same month read afresh, the whole plan at once (server/services/month-view.ts). */
async function fresh(db: Db, planId: string): Promise<Record<string, string>> {
  const month = (await workbookMonth(db, planId, P, undefined))!;
  return parts(await workbookBuffer({ ...month, period: P, previous: await previousCumulatives(db, planId, P) }));
}
const texts = (p: Record<string, string>) => (p['xl/sharedStrings.xml'] ?? '') + p['xl/worksheets/sheet1.xml'];

for (const target of databases()) {
  describe.skipIf(target.skip)(`the export's kept structure · ${target.label}`, () => {
    let database: TestDatabase;
    let db: Db;
    let planId: string;

    beforeAll(async () => {
      database = await target.open();
      db = database.db;
      planId = await savePlan(db, samplePlan({ id: 'kept', tasks: 12, sections: 3 }), 'test');
    });
    afterAll(() => database?.close());

    /** Exports twice (the second from what the first kept) and checks both against the fresh read. */
    async function expectFresh(): Promise<Record<string, string>> {
      const expected = await fresh(db, planId);
      expect(await exported(db, planId)).toEqual(expected);
      expect(await exported(db, planId)).toEqual(expected);
      return expected;
    }

    it('is used while nothing changes, and only then: a change that does not move structure_version is not seen until it moves', async () => {
      const before = await expectFresh();
      expect(texts(before)).toContain('任务1');
      // Behind the triggers' back: the kept structure is what the export shows (so it is kept at all) …
      await db.execute(sql`alter table nodes disable trigger nodes_structure`);
      await db.execute(sql`update nodes set title = '暗改的任务' where plan_id = ${planId} and id = 't1'`);
      await db.execute(sql`alter table nodes enable trigger nodes_structure`);
      expect(await exported(db, planId)).toEqual(before);
      // … until the version moves, as every statement on the structure's tables moves it.
      await db.execute(sql`update structure_version set version = version + 1`);
      expect(texts(await expectFresh())).toContain('暗改的任务');
    });

    it('a task renamed, a target changed, a 调整目标, an assignment and a unit renamed: each in the next export', async () => {
      await expectFresh();
      await db.execute(sql`update nodes set title = '改名后的任务' where plan_id = ${planId} and id = 't3'`);
      expect(texts(await expectFresh())).toContain('改名后的任务');

      await db.execute(sql`update targets set metric = '改过的指标', value = 987 where plan_id = ${planId} and id = 't5-m1'`);
      expect(texts(await expectFresh())).toContain('改过的指标');

      const revised = await reviseTarget(db, ADMIN, planId, 't7-m1', { fromPeriod: '2024-01', value: 4321, reason: '调整' });
      expect(revised.ok).toBe(true);
      expect(texts(await expectFresh())).toContain('4321');

      const unit = await createUnit(db, '新设的处', 'test');
      await putAssignments(db, planId, [{ taskId: 't2', lead: ['新设的处'], co: [] }], 'test');
      expect(texts(await expectFresh())).toContain('新设的处');

      await renameUnit(db, unit!.id, '改名的处', 'test');
      const renamed = texts(await expectFresh());
      expect(renamed).toContain('改名的处');
      expect(renamed).not.toContain('新设的处');

      await db.execute(sql`delete from targets where plan_id = ${planId} and id = 't9-m1'`);
      expect(texts(await expectFresh())).not.toContain('任务9投资');
    });

    it('the plan row (title) is read afresh each time', async () => {
      await expectFresh();
      await db.execute(sql`update plans set title = '改过标题的计划' where id = ${planId}`);
      expect(texts(await expectFresh())).toContain('改过标题的计划');
    });

    it('a closed month has no live pages; the structure read along is kept, and the month reopened exports live again', async () => {
      const other = await savePlan(db, samplePlan({ id: 'closed-first', tasks: 4, sections: 1 }), 'test');
      const month = sql`plan_id = ${other} and period = ${P}`;
      expect(await rowsOf(db, sql`update periods set status = 'closed' where ${month} returning 1`)).toHaveLength(1);
      expect(await pagedMonth(db, other, P)).toBeNull();
      // Behind the triggers' back, a change the next live export does not see: it uses the structure the
      // closed month's call read (and kept) instead of reading it again.
      await db.execute(sql`update periods set status = 'open' where ${month}`);
      await db.execute(sql`alter table nodes disable trigger nodes_structure`);
      await db.execute(sql`update nodes set title = '关账后暗改' where plan_id = ${other} and id = 't1'`);
      await db.execute(sql`alter table nodes enable trigger nodes_structure`);
      const live = (await pagedMonth(db, other, P))!;
      const shown = texts(await parts(await workbookBuffer({ plan: live.plan, period: P, pages: live.pages })));
      expect(shown).toContain('任务1');
      expect(shown).not.toContain('关账后暗改');
      await expect(pagedMonth(db, 'no-such-plan', P)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it.skipIf(target.kind !== 'pg')('a change made through another connection (another server process) is seen too', async () => {
      await expectFresh();
      const other = await openDatabase({ databaseUrl: database.url! });
      try {
        await other.db.execute(sql`update nodes set title = '别处改的任务' where plan_id = ${planId} and id = 't4'`);
      } finally {
        await other.close();
      }
      expect(texts(await expectFresh())).toContain('别处改的任务');
    });
  });
}
