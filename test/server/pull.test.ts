// Pull: paging, cursors, and the property that matters: a row that commits late is never skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../server/db/connect';
import { savePlan } from '../../server/services/plans';
import { samplePlan } from '../helpers/plan';
import { databases, type TestDatabase } from '../helpers/db';
import { batchId, setup, type Setup } from '../helpers/server';
import { PULL_COLUMNS, pullResponseOfRows } from '../../model/sync';

const push = (s: Setup, entries: unknown[]) => s.req('POST', `/api/v1/plans/${s.planId}/progress/batches`, s.admin, { batchId: batchId(), entries });
const pull = (s: Setup, since?: string, limit?: number) => {
  const q = new URLSearchParams();
  if (since) q.set('since', since);
  if (limit) q.set('limit', String(limit));
  return s.req('GET', `/api/v1/plans/${s.planId}/changes?${q}`, s.viewer);
};

async function pullAll(s: Setup, since: string | undefined, limit: number) {
  const keys: string[] = [];
  let cursor = since;
  let pages = 0;
  for (;;) {
    const r = await pull(s, cursor, limit);
    expect(r.status).toBe(200);
    keys.push(...r.body.entries.map((e: any) => e.key));
    cursor = r.body.cursor;
    pages++;
    if (!r.body.hasMore) return { keys, cursor: cursor!, pages };
  }
}

for (const target of databases()) {
  describe.skipIf(target.skip)(`pull · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    beforeAll(async () => {
      database = await target.open();
      s = await setup(database, { tasks: 60 });
    });
    afterAll(() => database?.close());

    it('pages through every change once, then returns nothing until something changes', async () => {
      const entries = Array.from({ length: 25 }, (_, i) => ({ key: `t${2 * (i + 1)}@2024-0${1 + (i % 3)}`, baseVersion: 0, fields: { progress: `p${i}` } }));
      // t2,t4… : even tasks; those that are multiples of 4 carry targets, so use their target ids
      for (const e of entries) {
        const n = Number(e.key.slice(1, e.key.indexOf('@')));
        if (n % 4 === 0) e.key = e.key.replace(`t${n}@`, `t${n}-m2@`);
      }
      const r = await push(s, entries);
      expect(r.body.results.every((x: any) => x.outcome === 'applied')).toBe(true);
      const first = await pullAll(s, undefined, 10);
      expect(first.pages).toBe(3);
      expect(first.keys.sort()).toEqual(entries.map((e) => e.key).sort());
      const none = await pull(s, first.cursor);
      expect(none.body).toMatchObject({ entries: [], hasMore: false });
      await push(s, [{ key: entries[0].key, baseVersion: 1, fields: { progress: 'changed' } }]);
      const next = await pull(s, none.body.cursor);
      expect(next.body.entries).toHaveLength(1);
      expect(next.body.entries[0]).toMatchObject({
        key: entries[0].key,
        version: 2,
        values: { progress: 'changed' },
        updatedBy: expect.stringMatching(/^admin#/),
      });
    });

    it('the rows of a month come with a cursor: pulling from it skips the history, not what changes after', async () => {
      const before = await pullAll(s, undefined, 1000);
      expect(before.keys.length).toBeGreaterThan(0); // there is history to skip
      const rows = await s.req('GET', `/api/v1/plans/${s.planId}/periods/2024-02/rows`, s.viewer);
      expect(rows.status).toBe(200);
      const fresh = await pull(s, rows.body.cursor);
      expect(fresh.body).toMatchObject({ entries: [], hasMore: false });
      const item = rows.body.rows.find((r: any) => r.kind === 'item' && r.version === 0);
      const pushed = await push(s, [{ key: item.key, baseVersion: 0, fields: { progress: 'after the rows were read' } }]);
      expect(pushed.body.results[0]).toMatchObject({ outcome: 'applied' });
      const after = await pull(s, rows.body.cursor);
      expect(after.body.entries.map((e: any) => e.key)).toEqual([item.key]);
    });

    it('an entry is the stored row exactly (values in order, fractions, quotes, updatedAt as toISOString); a delta after one change is under 1 KB', async () => {
      const key = 't5-m1@2024-07';
      const fields = {
        monthDone: 0.1,
        cumulative: 12345.678,
        status: '推进中',
        progress: '含"引号"、\\反斜杠\n换行 and <tags>',
        problems: null,
        nextSteps: '下一步',
      };
      const start = await pullAll(s, undefined, 1000);
      const pushed = await push(s, [{ key, baseVersion: 0, fields }]);
      expect(pushed.body.results[0]).toMatchObject({ outcome: 'applied' });
      const res = await s.req('GET', `/api/v1/plans/${s.planId}/changes?since=${start.cursor}`, s.viewer);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const [stored] = await rowsOf<{ version: number; updated_by: string; updated_at: string | Date }>(
        database.db,
        sql`select version, updated_by, updated_at from progress where plan_id = ${s.planId} and key = ${key}`,
      );
      expect(res.body.entries).toEqual([
        { key, version: stored.version, values: fields, updatedBy: stored.updated_by, updatedAt: new Date(stored.updated_at).toISOString() },
      ]);
      expect(Object.keys(res.body.entries[0].values)).toEqual(['monthDone', 'cumulative', 'status', 'progress', 'problems', 'nextSteps']);
      expect(JSON.stringify(res.body).length).toBeLessThan(1024);
    });

    it('a missing or deleted plan is a 404 problem, for a reader and for a unit-bound reporter', async () => {
      const reporter = Object.values(s.reporter)[0];
      const deleted = await savePlan(database.db, samplePlan({ tasks: 3 }), 'test');
      await database.db.execute(sql`update plans set deleted_at = now() where id = ${deleted}`);
      for (const planId of ['no-such-plan', deleted])
        for (const token of [s.viewer, reporter]) {
          const r = await s.req('GET', `/api/v1/plans/${planId}/changes`, token);
          expect(r.status).toBe(404);
          expect(r.body.code).toBe('NOT_FOUND');
        }
    });

    it('format=rows answers the same entries as arrays under their column names; another format is a 400', async () => {
      const [objects, compact] = [await pull(s, undefined, 1000), await s.req('GET', `/api/v1/plans/${s.planId}/changes?limit=1000&format=rows`, s.viewer)];
      expect(compact.status).toBe(200);
      expect(compact.body.columns).toEqual([...PULL_COLUMNS]);
      expect(compact.body.rows.length).toBeGreaterThan(0);
      expect(pullResponseOfRows(compact.body).entries).toEqual(objects.body.entries);
      expect(compact.body.hasMore).toBe(false);
      const bad = await s.req('GET', `/api/v1/plans/${s.planId}/changes?format=csv`, s.viewer);
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
    });

    it('a bad cursor is a 400 problem', async () => {
      const r = await pull(s, 'not-a-cursor');
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('BAD_CURSOR');
    });

    it('cursors carry named fields; the one-letter cursors given out before still read the same', async () => {
      const enc = (c: unknown) => Buffer.from(JSON.stringify(c)).toString('base64url');
      const dec = (t: string) => JSON.parse(Buffer.from(t, 'base64url').toString('utf8'));
      const page = await pull(s, undefined, 2);
      expect(page.body.hasMore).toBe(true);
      const named = dec(page.body.cursor);
      expect(named).toEqual({
        since: 0,
        next: expect.objectContaining({ since: expect.any(Number) }),
        after: { txid: expect.any(Number), key: page.body.entries[1].key },
      });
      const legacy = enc({ s: named.since, x: named.next.since, t: named.after.txid, k: named.after.key });
      const withXmin = enc({ since: named.since, xmin: named.next.since, after: named.after }); // cursors before `next`
      const [a, b] = [await pull(s, page.body.cursor, 5), await pull(s, legacy, 5)];
      expect(b.status).toBe(200);
      expect(b.body.entries.map((e: any) => e.key)).toEqual(a.body.entries.map((e: any) => e.key));
      expect((await pull(s, withXmin, 5)).body.entries.map((e: any) => e.key)).toEqual(a.body.entries.map((e: any) => e.key));
      const done = await pullAll(s, undefined, 1000);
      expect(Object.keys(dec(done.cursor)).filter((k) => k !== 'open')).toEqual(['since']);
      expect((await pull(s, enc({ s: dec(done.cursor).since }))).body.entries).toEqual((await pull(s, done.cursor)).body.entries);
      const badKey = { txid: 2, key: 'k\0' }; // no text in PostgreSQL holds a NUL
      for (const bad of [
        { s: -1 },
        { since: 1, after: { txid: 2, key: 'k' } },
        { s: 1, t: 2 },
        { since: 1.5 },
        { since: 1, next: { since: 1 }, after: badKey },
        { s: 1, x: 1, t: 2, k: 'k\0' },
      ]) {
        const r = await pull(s, enc(bad));
        expect(r.status).toBe(400);
        expect(r.body.code).toBe('BAD_CURSOR');
      }
    });

    it.skipIf(target.kind === 'pglite')(
      'a transaction left open elsewhere on the server does not make every later pull return the same rows again (PostgreSQL only)',
      async () => {
        const idle = new pg.Client({ connectionString: database.url });
        await idle.connect();
        try {
          await idle.query('begin');
          await idle.query('select pg_current_xact_id()'); // holds an xid: the server-wide xmin stays behind it
          await push(s, [{ key: 't3-m1@2024-10', baseVersion: 0, fields: { progress: 'after the idle one began' } }]);
          const first = await pullAll(s, undefined, 1000);
          expect(first.keys).toContain('t3-m1@2024-10');
          const again = await pull(s, first.cursor);
          expect(again.body).toMatchObject({ entries: [], hasMore: false });
        } finally {
          await idle.query('rollback');
          await idle.end();
        }
      },
    );

    it.skipIf(target.kind === 'pglite')(
      'a transaction that started earlier but commits after a pull is not skipped (needs two connections: PostgreSQL only)',
      async () => {
        const start = await pullAll(s, undefined, 1000);
        const late = new pg.Client({ connectionString: database.url });
        await late.connect();
        try {
          // The late writer takes its transaction id first…
          await late.query('begin');
          await late.query(
            `insert into progress (plan_id, key, item_id, period, progress, version, updated_by) values ($1, 't1-m1@2024-09', 't1-m1', '2024-09', 'late', 1, 'late-writer')`,
            [s.planId],
          );
          // …then a later transaction commits, and a client pulls and advances its cursor past it.
          await push(s, [{ key: 't3-m1@2024-09', baseVersion: 0, fields: { progress: 'early' } }]);
          const mid = await pullAll(s, start.cursor, 1000);
          expect(mid.keys).toContain('t3-m1@2024-09');
          expect(mid.keys).not.toContain('t1-m1@2024-09');
          await late.query('commit');
          const after = await pullAll(s, mid.cursor, 1000);
          expect(after.keys).toContain('t1-m1@2024-09');
        } finally {
          await late.end();
        }
      },
    );
  });
}
