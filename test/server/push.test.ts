// Push: per-entry outcomes, validation through model/rules, exactly-once batches, conflicts, audit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { verifyToken } from '../../server/auth/tokens';
import { rowsOf } from '../../server/db/connect';
import { databases, type TestDatabase } from '../helpers/db';
import { savePlan, softDeletePlan } from '../../server/services/plans';
import { samplePlan } from '../helpers/plan';
import { batchId, setup, type Setup } from '../helpers/server';

const P = '2024-03';
const push = (s: Setup, token: string, entries: unknown[], id = batchId()) =>
  s.req('POST', `/api/v1/plans/${s.planId}/progress/batches`, token, { batchId: id, entries });
const count = async (s: Setup, table: 'progress' | 'audit' | 'batches') =>
  (await rowsOf<{ n: number }>(s.database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0].n;

for (const target of databases()) {
  describe.skipIf(target.skip)(`push · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    beforeAll(async () => {
      database = await target.open({ poolSize: 12 });
      s = await setup(database);
    });
    afterAll(() => database?.close());

    it('applies valid entries, rejects invalid ones with code + Chinese message, per entry', async () => {
      const r = await push(s, s.admin, [
        // 累计 30 of 101 (29.7%) is ahead of March's 序时进度 (25%): green, so no 存在问题 is needed.
        { key: `t1-m1@${P}`, baseVersion: 0, fields: { monthDone: 3, cumulative: '３０', unit: '亿元', status: '推进中', progress: '开工' } },
        { key: `t3-m1@${P}`, baseVersion: 0, fields: { cumulative: -1 } },
        { key: `t4-m2@${P}`, baseVersion: 0, fields: { status: '滞后' } },
        { key: `t1-m1@${P}`, baseVersion: 0, fields: {} },
        { key: `nope@${P}`, baseVersion: 0, fields: {} },
        { key: `t2@2031-01`, baseVersion: 0, fields: {} },
        { key: `t5-m1@${P}`, baseVersion: 0, fields: { unit: '公里' } },
      ]);
      expect(r.status).toBe(200);
      const [ok, neg, lag, dup, unknown, noPeriod, badUnit] = r.body.results;
      expect(ok).toMatchObject({ outcome: 'applied', version: 1, values: { monthDone: 3, cumulative: 30, status: '推进中', progress: '开工' } });
      expect(neg).toMatchObject({ outcome: 'rejected', errors: [{ field: 'cumulative', code: 'NEGATIVE', message: '数值不能小于0' }] });
      expect(lag.errors.map((e: any) => e.code).sort()).toEqual(['LAG_NEEDS_NEXT_STEP', 'LAG_NEEDS_PROBLEM']);
      expect(dup.errors[0].code).toBe('DUPLICATE_ENTRY');
      expect(unknown.errors[0].code).toBe('UNKNOWN_KEY');
      expect(noPeriod.errors[0].code).toBe('UNKNOWN_PERIOD');
      expect(badUnit.errors[0]).toMatchObject({ field: 'unit', code: 'UNIT_MISMATCH' });
      const stored = await rowsOf<{ key: string; cumulative: number; version: number }>(database.db, sql`select key, cumulative, version from progress`);
      expect(stored).toEqual([{ key: `t1-m1@${P}`, cumulative: 30, version: 1 }]);
    });

    it('累计 may not drop below the previous month, counting entries earlier in the same batch', async () => {
      const r = await push(s, s.admin, [
        { key: `t7-m1@2024-01`, baseVersion: 0, fields: { cumulative: 50 } },
        { key: `t7-m1@2024-02`, baseVersion: 0, fields: { cumulative: 40 } },
      ]);
      expect(r.body.results[0].outcome).toBe('applied');
      expect(r.body.results[1].errors[0].code).toBe('CUMULATIVE_DECREASED');
      const later = await push(s, s.admin, [{ key: `t7-m1@2024-02`, baseVersion: 0, fields: { cumulative: 49 } }]);
      expect(later.body.results[0].errors[0].code).toBe('CUMULATIVE_DECREASED');
    });

    it('a reporter writes only tasks its unit leads or co-leads (FORBIDDEN_TASK otherwise)', async () => {
      // 综合规划处 leads t4, t8 and co-leads t3, t7 in the sample plan; t1 belongs to others.
      // issue 10: a co-lead writes texts only — its figure is refused (CO_LEAD_FIGURE), its text applied.
      // t1-m1 of its own month (2024-11, no other case writes it), stored once by the office: version 1.
      const t1 = `t1-m1@2024-11`;
      // Behind 序时进度 in November, so it carries the texts a yellow/red row needs (issue 10).
      expect(
        (await push(s, s.admin, [{ key: t1, baseVersion: 0, fields: { cumulative: 12, problems: '征地滞后', nextSteps: '加快征地' } }])).body.results[0],
      ).toMatchObject({ outcome: 'applied', version: 1 });
      const r = await push(s, s.reporter['综合规划处'], [
        { key: `t4-m2@${P}`, baseVersion: 0, fields: { status: '推进中' } },
        { key: `t3-m1@${P}`, baseVersion: 0, fields: { progress: '配合完成征地' } },
        { key: t1, baseVersion: 1, fields: { cumulative: 99 } },
        { key: `t7-m1@${P}`, baseVersion: 0, fields: { cumulative: 60 } }, // on pace: only the co-lead rule refuses it
      ]);
      expect(r.body.results.map((x: any) => x.outcome)).toEqual(['applied', 'applied', 'rejected', 'rejected']);
      expect(r.body.results[2].errors[0]).toMatchObject({ code: 'FORBIDDEN_TASK', message: expect.stringContaining('无权') });
      expect(r.body.results[3].errors[0]).toMatchObject({ field: 'cumulative', code: 'CO_LEAD_FIGURE', message: expect.stringContaining('牵头单位') });
      // Reassigning t1 to 综合规划处 by the office lets it write there.
      const put = await s.req('PUT', `/api/v1/plans/${s.planId}/assignments`, s.admin, { assignments: [{ taskId: 't1', lead: ['综合规划处'], co: [] }] });
      expect(put.status).toBe(200);
      const again = await push(s, s.reporter['综合规划处'], [{ key: t1, baseVersion: 1, fields: { cumulative: 40 } }]);
      expect(again.body.results[0]).toMatchObject({ outcome: 'applied', version: 2 });
      const viewer = await push(s, s.viewer, []);
      expect(viewer.status).toBe(403);
    });

    it('a malformed request is a 400 problem with field errors and nothing is applied', async () => {
      const before = [await count(s, 'progress'), await count(s, 'audit'), await count(s, 'batches')];
      const bad = [
        { batchId: 'short', entries: [] },
        { batchId: batchId(), entries: [{ key: `t2@${P}`, baseVersion: -1, fields: {} }] },
        { batchId: batchId(), entries: [{ key: `t2@${P}`, baseVersion: 0, fields: { status: '推进中', color: 'red' } }] },
        { batchId: batchId(), entries: [{ key: `t2@${P}`, baseVersion: 0, fields: { status: '推进中' } }, 'junk'] },
        '{"batchId": "abcdefgh", "entries": [',
      ];
      for (const body of bad) {
        const r = await s.req('POST', `/api/v1/plans/${s.planId}/progress/batches`, s.admin, body);
        expect(r.status).toBe(400);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        expect(r.body).toMatchObject({ status: 400, code: expect.any(String), detail: expect.any(String) });
        expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/); // no stack trace
      }
      const fieldErr = await s.req('POST', `/api/v1/plans/${s.planId}/progress/batches`, s.admin, bad[1]);
      expect(fieldErr.body.errors[0]).toMatchObject({ field: 'entries.0.baseVersion', code: 'TOO_SMALL' });
      expect([await count(s, 'progress'), await count(s, 'audit'), await count(s, 'batches')]).toEqual(before);
    });

    it('a batch replayed 100 times sequentially has exactly one effect and returns the stored answer', async () => {
      const id = batchId('replay');
      const entries = [{ key: `t8-m2@${P}`, baseVersion: 0, fields: { status: '推进中', progress: '第一次' } }];
      const first = await push(s, s.admin, entries, id);
      expect(first.body).toMatchObject({ replayed: false, results: [{ outcome: 'applied', version: 1 }] });
      const auditBefore = await count(s, 'audit');
      for (let i = 0; i < 100; i++) {
        const again = await push(s, s.admin, entries, id);
        expect(again.body.replayed).toBe(true);
        expect(again.body.results).toEqual(first.body.results);
      }
      const [row] = await rowsOf<{ version: number }>(database.db, sql`select version from progress where key = ${`t8-m2@${P}`}`);
      expect(row.version).toBe(1);
      expect(await count(s, 'audit')).toBe(auditBefore);
    });

    it("a replay answers what the first answer said — applied values from the batch's own audit rows — even after later writes", async () => {
      const id = batchId('mixed');
      const entries = [
        {
          key: `t1-m1@2024-12`,
          baseVersion: 0,
          fields: { monthDone: 0.1, cumulative: 40.25, status: '推进中', progress: "“引号”\\与'撇号'", problems: '征地', nextSteps: '加快' },
        },
        { key: `t3-m1@2024-06`, baseVersion: 0, fields: { cumulative: -1 } },
        { key: `t6@2024-06`, baseVersion: 0, fields: { status: '已完成', problems: null } },
      ];
      const first = await push(s, s.admin, entries, id);
      expect(
        first.body.results.map((r: any) => r.outcome),
        JSON.stringify(first.body.results[0]),
      ).toEqual(['applied', 'rejected', 'applied']);
      // Stored: the refusal in full, an applied entry as its key and outcome only (its values are in the audit).
      const [stored] = await rowsOf<{ response: any }>(database.db, sql`select response from batches where batch_id = ${id}`);
      expect(stored.response.results[0]).toEqual({ key: `t1-m1@2024-12`, outcome: 'applied' });
      expect(stored.response.results[1]).toEqual(first.body.results[1]);
      // A later batch changes the same row: the replay still answers the first batch's values and version.
      const later = await push(s, s.admin, [{ key: `t1-m1@2024-12`, baseVersion: 1, fields: { cumulative: 50, progress: '后来的' } }]);
      expect(later.body.results[0]).toMatchObject({ outcome: 'applied', version: 2 });
      const again = await push(s, s.admin, entries, id);
      expect(again.body).toEqual({ ...first.body, replayed: true });
    });

    it('an answer stored in full (as before issue 13) is replayed as it was stored', async () => {
      const id = batchId('full');
      const answer = {
        batchId: id,
        replayed: false,
        results: [
          {
            key: 't2@2024-02',
            outcome: 'applied',
            version: 3,
            values: { monthDone: null, cumulative: null, status: '推进中', progress: '旧', problems: null, nextSteps: null },
          },
        ],
      };
      const actor = (await verifyToken(database.db, s.admin))!.name;
      await database.db.execute(
        sql`insert into batches (plan_id, kind, batch_id, actor, response) values (${s.planId}, 'progress', ${id}, ${actor}, ${JSON.stringify(answer)}::jsonb)`,
      );
      const again = await push(s, s.admin, [{ key: 't2@2024-02', baseVersion: 0, fields: {} }], id);
      expect(again.body).toEqual({ ...answer, replayed: true });
    });

    it('a batch sent 100 times concurrently has exactly one effect', async () => {
      const id = batchId('conc');
      const entries = [
        { key: `t6@${P}`, baseVersion: 0, fields: { status: '已完成' } },
        { key: `t5-m1@${P}`, baseVersion: 0, fields: { cumulative: 30 } },
      ];
      const answers = await Promise.all(Array.from({ length: 100 }, () => push(s, s.admin, entries, id)));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(answers.filter((a) => a.body.replayed === false)).toHaveLength(1);
      for (const a of answers)
        expect(a.body.results.map((r: any) => [r.outcome, r.version])).toEqual([
          ['applied', 1],
          ['applied', 1],
        ]);
      const versions = await rowsOf<{ key: string; version: number }>(
        database.db,
        sql`select key, version from progress where key in (${`t6@${P}`}, ${`t5-m1@${P}`}) order by key`,
      );
      expect(versions.map((v) => v.version)).toEqual([1, 1]);
      const audits = await rowsOf<{ n: number }>(database.db, sql`select count(*)::int as n from audit where batch_id = ${id}`);
      expect(audits[0].n).toBe(2);
    });

    it('two clients with the same baseVersion: one applied, one conflict carrying the winner', async () => {
      const key = `t2@2024-04`;
      const a = push(s, s.admin, [{ key, baseVersion: 0, fields: { progress: 'A 的进展' } }]);
      const b = push(s, s.reporter['安全监督处'], [{ key, baseVersion: 0, fields: { progress: 'B 的进展' } }]);
      const results = (await Promise.all([a, b])).map((r) => r.body.results[0]);
      const applied = results.filter((r) => r.outcome === 'applied');
      const conflict = results.filter((r) => r.outcome === 'conflict');
      expect(applied).toHaveLength(1);
      expect(conflict).toHaveLength(1);
      expect(conflict[0]).toMatchObject({ version: 1, values: { progress: applied[0].values.progress } });
      // The loser rebases on the winner's version and succeeds.
      const loserToken = conflict[0] === results[0] ? s.admin : s.reporter['安全监督处'];
      const retry = await push(s, loserToken, [{ key, baseVersion: 1, fields: { problems: '补充' } }]);
      expect(retry.body.results[0]).toMatchObject({ outcome: 'applied', version: 2, values: { progress: applied[0].values.progress, problems: '补充' } });
    });

    it('many concurrent pushers on one key: versions advance one at a time, no lost update', async () => {
      const key = `t2@2024-05`;
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => push(s, s.admin, [{ key, baseVersion: 0, fields: { progress: `writer ${i}` } }])),
      );
      expect(outcomes.filter((o) => o.body.results[0].outcome === 'applied')).toHaveLength(1);
      const [row] = await rowsOf<{ version: number }>(database.db, sql`select version from progress where key = ${key}`);
      expect(row.version).toBe(1);
    });

    it('concurrent batches over the same keys in different orders: no deadlock, each key applied once', async () => {
      const keys = Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0 ? `t${i + 1}-m1@2024-08` : (i + 1) % 4 === 0 ? `t${i + 1}-m2@2024-08` : `t${i + 1}@2024-08`,
      );
      const batches = Array.from({ length: 10 }, (_, b) => {
        const rotated = [...keys.slice(b % keys.length), ...keys.slice(0, b % keys.length)];
        const order = b % 2 ? rotated.reverse() : rotated; // every batch in a different order
        return order.map((key) => ({ key, baseVersion: 0, fields: { progress: `batch ${b}` } }));
      });
      const answers = await Promise.all(batches.map((entries) => push(s, s.admin, entries)));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      for (const key of keys) {
        const outcomes = answers.map((a) => a.body.results.find((r: any) => r.key === key).outcome);
        expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
        expect(outcomes.filter((o) => o === 'conflict')).toHaveLength(9);
      }
    });

    it('the same batch id from another user is refused, not replayed to them', async () => {
      const id = batchId('mine');
      await push(s, s.admin, [], id);
      const r = await push(s, s.reporter['综合规划处'], [], id);
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('BATCH_ID_REUSED');
    });

    it('a push to an unknown or deleted plan is a 404 and claims no batch id (the claim is part of the snapshot read)', async () => {
      const before = await count(s, 'batches');
      const gone = await savePlan(s.database.db, samplePlan({ id: 'push-gone' }), 'test');
      await softDeletePlan(s.database.db, gone, 'test');
      for (const planId of ['no-such-plan', gone]) {
        const r = await s.req('POST', `/api/v1/plans/${planId}/progress/batches`, s.admin, {
          batchId: batchId(),
          entries: [{ key: `t2@${P}`, baseVersion: 0, fields: {} }],
        });
        expect(r.status).toBe(404);
      }
      expect(await count(s, 'batches')).toBe(before);
    });

    it('a closed period refuses writes with PERIOD_CLOSED; reopening allows them again', async () => {
      expect((await s.req('POST', `/api/v1/plans/${s.planId}/periods/2024-06/close`, s.admin)).body.status).toBe('closed');
      const r = await push(s, s.admin, [{ key: `t2@2024-06`, baseVersion: 0, fields: { status: '推进中' } }]);
      expect(r.body.results[0].errors[0]).toMatchObject({ field: 'period', code: 'PERIOD_CLOSED', message: '该月份已关闭，不能再填报' });
      await s.req('POST', `/api/v1/plans/${s.planId}/periods/2024-06/reopen`, s.admin, { reason: '补报' }); // a reopen needs a reason (issue 9)
      expect((await push(s, s.admin, [{ key: `t2@2024-06`, baseVersion: 0, fields: { status: '推进中' } }])).body.results[0].outcome).toBe('applied');
    });

    it('the audit trail of an entry is readable: who, when, old, new, batch id', async () => {
      const key = `t2@2024-07`;
      const b1 = batchId();
      const b2 = batchId();
      await push(s, s.admin, [{ key, baseVersion: 0, fields: { progress: '一' } }], b1);
      await push(s, s.reporter['安全监督处'], [{ key, baseVersion: 1, fields: { progress: '二' } }], b2);
      const r = await s.req('GET', `/api/v1/audit?entity=progress&id=${encodeURIComponent(key)}`, s.viewer);
      expect(r.status).toBe(200);
      expect(r.body.map((a: any) => [a.action, a.actor.split('#')[0], a.old?.progress ?? null, a.new.progress, a.batchId])).toEqual([
        ['create', 'admin', null, '一', b1],
        ['update', '安全监督处', '一', '二', b2],
      ]);
      expect(Date.parse(r.body[0].at)).toBeGreaterThan(Date.now() - 60_000);
    });
  });
}

for (const target of databases()) {
  describe.skipIf(target.skip)(`audit is append-only · ${target.label}`, () => {
    it('the database refuses UPDATE, DELETE and TRUNCATE on audit', async () => {
      const database = await target.open();
      try {
        const s = await setup(database);
        await push(s, s.admin, [{ key: 't2@2024-01', baseVersion: 0, fields: { progress: 'x' } }]);
        for (const q of [sql`update audit set actor = 'someone else'`, sql`delete from audit`, sql`truncate audit`]) {
          // drizzle wraps the database's error ("Failed query: …"); the trigger's own words are its cause.
          const err = (await database.db.execute(q).then(
            () => null,
            (e: unknown) => e,
          )) as { message: string; cause?: { message?: string } } | null;
          expect(`${err?.message} ${err?.cause?.message ?? ''}`).toMatch(/audit is append-only \((UPDATE|DELETE|TRUNCATE) refused\)/);
        }
        expect(await count(s, 'audit')).toBeGreaterThan(0);
      } finally {
        await database.close();
      }
    });
  });
}
