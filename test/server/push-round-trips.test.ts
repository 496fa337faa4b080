// Round trips of one push on PostgreSQL (issue 13: in the month-end rush each statement is a socket write
// and a wait on a shared server). Counted at pg's Client.query, where every statement leaves the process.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, type TestDatabase } from '../helpers/db';
import { batchId, setup, type Setup } from '../helpers/server';

const target = databases().find((t) => t.kind === 'pg')!;

describe.skipIf(target.skip)('push round trips · PostgreSQL', () => {
  let database: TestDatabase;
  let s: Setup;
  const statements: string[] = [];
  const query = pg.Client.prototype.query;
  beforeAll(async () => {
    database = await target.open();
    s = await setup(database);
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const q = args[0] as string | { text: string };
      statements.push(typeof q === 'string' ? q : q.text);
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
  });
  afterAll(async () => {
    pg.Client.prototype.query = query;
    await database?.close();
  });

  const entries = (period: string, baseVersion: number) =>
    ['t4-m2', 't8-m2'].map((item, i) => ({
      key: `${item}@${period}`,
      baseVersion,
      fields: { monthDone: i + 1, cumulative: i + 10, status: '推进中', progress: '推进', problems: '征地偏慢', nextSteps: '加快征地' },
    }));

  it('a reporter push: begin with the claim-and-read statement, one write statement, commit (the token cached)', async () => {
    const token = s.reporter['综合规划处'];
    const push = (id: string, period: string, base: number) =>
      s.req('POST', `/api/v1/plans/${s.planId}/progress/batches`, token, { batchId: id, entries: entries(period, base) });
    const first = await push(batchId(), '2024-03', 0); // verifies the token (and touches it)
    expect(first.status).toBe(200);
    statements.length = 0;
    const r = await push(batchId(), '2024-04', 0);
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: { outcome: string }) => x.outcome)).toEqual(['applied', 'applied']);
    expect(statements.length).toBe(3);
    // BEGIN travels with the claim (server/db/opened-transaction.ts); the write stores the answer too.
    expect(statements[0]).toMatch(/^begin; with claim as \(/);
    expect(statements[1]).toMatch(/insert into progress/);
    expect(statements[2]).toBe('commit');
  });

  it('a target batch: begin with the claim of its batch id, its writes, commit', async () => {
    statements.length = 0;
    const r = await s.req('POST', `/api/v1/plans/${s.planId}/targets/batches`, s.admin, {
      batchId: batchId('tg'),
      edits: [{ targetId: 't1-m1', baseVersion: 1, fields: { value: 300 } }],
    });
    expect(r.body.results.map((x: { outcome: string }) => x.outcome)).toEqual(['applied']);
    const opened = statements.findIndex((q) => /^begin; insert into batches/.test(q));
    expect(opened).toBeGreaterThanOrEqual(0);
    expect(statements.slice(opened + 1)).not.toContain('begin');
    expect(statements.at(-1)).toBe('commit');
  });
});

for (const target of databases()) {
  describe.skipIf(target.skip)(`push with quotes and backslashes in what becomes a literal · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    beforeAll(async () => {
      database = await target.open();
      s = await setup(database);
    });
    afterAll(() => database?.close());

    it("a batch id and keys holding ' \\ ; -- are stored and answered as they are, and replayed by the same id", async () => {
      const token = s.reporter['综合规划处'];
      const id = `q'); drop table progress; -- \\' ${batchId()}`;
      const body = {
        batchId: id,
        entries: [
          {
            key: 't4-m2@2024-05',
            baseVersion: 0,
            fields: { monthDone: 1, cumulative: 20, status: '推进中', progress: `它's \\ 完成"278亿元"`, problems: "征地'偏慢", nextSteps: '加快\\征地' },
          },
          { key: `x'); delete from progress; --@2024-05`, baseVersion: 0, fields: { monthDone: 1 } },
        ],
      };
      const r = await s.req('POST', `/api/v1/plans/${s.planId}/progress/batches`, token, body);
      expect(r.status).toBe(200);
      expect(r.body.batchId).toBe(id);
      expect(r.body.results.map((x: { outcome: string }) => x.outcome)).toEqual(['applied', 'rejected']);
      expect(r.body.results[0].values.progress).toBe(`它's \\ 完成"278亿元"`);
      const again = await s.req('POST', `/api/v1/plans/${s.planId}/progress/batches`, token, body);
      expect(again.body).toMatchObject({ replayed: true, results: r.body.results });
      const rows = await s.req('GET', `/api/v1/plans/${s.planId}/changes`, s.admin);
      expect(rows.body.entries.map((e: { key: string }) => e.key)).toContain('t4-m2@2024-05');
    });
  });
}
