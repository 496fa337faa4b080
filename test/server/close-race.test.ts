// Issue 15 "Told applied when it was not": closing a month and pushing into it serialize. A push holds
// the month's period row FOR SHARE for its whole transaction, close takes it FOR UPDATE: once close has
// answered, no push can still commit rows into the month, and a push after close is PERIOD_CLOSED.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { rowsOf } from '../../server/db/connect';
import { databases, type TestDatabase } from '../helpers/db';
import { batchId, setup, type Setup } from '../helpers/server';

const countIn = async (s: Setup, period: string) =>
  (await rowsOf<{ n: number }>(s.database.db, sql`select count(*)::int as n from progress where period = ${period}`))[0].n;

for (const target of databases()) {
  describe.skipIf(target.skip)(`close races push · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    beforeAll(async () => {
      database = await target.open({ poolSize: 8 });
      s = await setup(database, { tasks: 2000 });
    });
    afterAll(() => database?.close());

    const push = (period: string, n: number, fields: Record<string, unknown> = { progress: '推进中' }) =>
      s.req('POST', `/api/v1/plans/${s.planId}/progress/batches`, s.admin, {
        batchId: batchId(`race-${period}`),
        // Tasks t2, t6, t10 … carry no target: each is a row of its own.
        entries: Array.from({ length: n }, (_, i) => ({ key: `t${4 * i + 2}@${period}`, baseVersion: 0, fields })),
      });
    const close = (period: string) => s.req('POST', `/api/v1/plans/${s.planId}/periods/${period}/close`, s.admin);

    it('8 times: a 500-row push racing close either lands wholly before close answers or is refused', async () => {
      const months = ['2024-02', '2024-03', '2024-04', '2024-05', '2024-06', '2024-07', '2024-08', '2024-09'];
      for (const [i, period] of months.entries()) {
        const pushing = push(period, 500);
        // Stagger close a little differently each time so it lands at several points of the push.
        await new Promise((r) => setTimeout(r, i * 7));
        const closed = await close(period);
        expect(closed.status).toBe(200);
        const atClose = await countIn(s, period);
        const pushed = await pushing;
        expect(pushed.status).toBe(200);
        const applied = pushed.body.results.filter((r: { outcome: string }) => r.outcome === 'applied').length;
        // All or nothing, and whatever was applied was there when close answered — nothing arrives later.
        expect([0, 500]).toContain(applied);
        if (applied === 0) expect(pushed.body.results[0].errors[0].code).toBe('PERIOD_CLOSED');
        expect(atClose).toBe(applied);
        expect(await countIn(s, period)).toBe(atClose);
      }
      const after = await push('2024-02', 5, { progress: '关闭后' });
      expect(after.body.results.map((r: { errors?: { code: string }[] }) => r.errors?.[0].code)).toEqual(Array(5).fill('PERIOD_CLOSED'));
    });

    it.skipIf(target.kind !== 'pg')('close waits for a push in flight (held at its upsert by another connection)', async () => {
      const period = '2024-10';
      const first = await push(period, 1);
      expect(first.body.results[0].outcome).toBe('applied');
      // Another connection holds the pushed row: the next push takes the month FOR SHARE, then waits on it.
      const holder = new pg.Client({ connectionString: database.url });
      await holder.connect();
      try {
        await holder.query('begin');
        await holder.query(`select 1 from progress where key = 't2@${period}' for update`);
        const order: string[] = [];
        const pushing = s
          .req('POST', `/api/v1/plans/${s.planId}/progress/batches`, s.admin, {
            batchId: batchId('held'),
            entries: [
              { key: `t2@${period}`, baseVersion: 1, fields: { progress: '第二次' } },
              { key: `t6@${period}`, baseVersion: 0, fields: { progress: '新行' } },
            ],
          })
          .then((r) => (order.push('push'), r));
        const waiting = async (n: number) => {
          for (let i = 0; i < 200; i++) {
            const [{ c }] = (
              await holder.query(`select count(*)::int as c from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)
            ).rows;
            if (c >= n) return;
            await new Promise((r) => setTimeout(r, 20));
          }
          throw new Error(`never saw ${n} waiting`);
        };
        await waiting(1); // the push waits on the held row
        const closing = close(period).then((r) => (order.push('close'), r));
        await waiting(2); // close waits on the push's FOR SHARE
        await new Promise((r) => setTimeout(r, 200));
        expect(order).toEqual([]);
        await holder.query('commit');
        const [pushed, closed] = await Promise.all([pushing, closing]);
        expect(order).toEqual(['push', 'close']);
        expect(pushed.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['applied', 'applied']);
        expect(closed.status).toBe(200);
        // The month's snapshot, taken at close, holds the push's rows.
        expect(await countIn(s, period)).toBe(2);
      } finally {
        await holder.end();
      }
    });
  });
}
