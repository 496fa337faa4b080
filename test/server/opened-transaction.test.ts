// openedTransaction (server/db/opened-transaction.ts): one transaction opened by its first statement —
// on PostgreSQL "begin; <statement>" as one simple query. All or nothing, its connection always returned.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Db } from '../../server/db/connect';
import { textArray } from '../../server/db/any-of';
import { openedTransaction } from '../../server/db/opened-transaction';
import { databases, type TestDatabase } from '../helpers/db';

for (const target of databases()) {
  describe.skipIf(target.skip)(`openedTransaction · ${target.label}`, () => {
    let database: TestDatabase;
    let db: Db;
    beforeAll(async () => {
      // A pool of 2 on PostgreSQL: a connection not given back would hang the later cases.
      database = await target.open({ poolSize: 2 });
      db = database.db;
      await rowsOf(db, sql`create table tx_probe (k text primary key, v text)`);
    });
    afterAll(() => database?.close());
    const count = async (k: string) => (await rowsOf<{ n: number }>(db, sql`select count(*)::int as n from tx_probe where k = ${k}`))[0].n;

    it('work gets the first statement rows (values with quotes, backslashes, Chinese, arrays) and its writes commit together', async () => {
      const text = `O'Brien \\ 完成"278亿元"`;
      const r = await openedTransaction(
        db,
        sql`insert into tx_probe (k, v) values (${'a'}, ${text}) returning v, ${textArray(['x', 'y"z'])} as arr, ${3}::int + 1 as n`,
        async (tx, rows: { v: string; arr: string[]; n: number }[]) => {
          await rowsOf(tx as unknown as Db, sql`insert into tx_probe (k, v) values (${'b'}, ${rows[0].v})`);
          return rows[0];
        },
      );
      expect(r).toEqual({ v: text, arr: ['x', 'y"z'], n: 4 });
      expect(await count('a')).toBe(1);
      expect((await rowsOf<{ v: string }>(db, sql`select v from tx_probe where k = 'b'`))[0].v).toBe(text);
    });

    it('work throwing rolls back the first statement too, and the error is the one work threw', async () => {
      for (let i = 0; i < 4; i++) {
        await expect(
          openedTransaction(db, sql`insert into tx_probe (k) values (${`c${i}`}) returning k`, async (tx) => {
            await rowsOf(tx as unknown as Db, sql`insert into tx_probe (k) values (${`d${i}`})`);
            throw new Error('工作失败');
          }),
        ).rejects.toThrow('工作失败');
        expect(await count(`c${i}`)).toBe(0);
        expect(await count(`d${i}`)).toBe(0);
      }
    });

    it('inside another transaction (a workbook confirm runs a target batch so): part of it, undone with it', async () => {
      const inner = (tx: Db, k: string) =>
        openedTransaction(tx, sql`insert into tx_probe (k) values (${k}) returning k`, async (_t, rows: { k: string }[]) => rows[0].k);
      expect(await db.transaction(async (tx) => inner(tx as unknown as Db, 'outer-kept'))).toBe('outer-kept');
      expect(await count('outer-kept')).toBe(1);
      await expect(
        db.transaction(async (tx) => {
          await inner(tx as unknown as Db, 'outer-undone');
          throw new Error('外层失败');
        }),
      ).rejects.toThrow('外层失败');
      expect(await count('outer-undone')).toBe(0);
    });

    it('a failing first statement: nothing stored, work not run, the database error carries its code', async () => {
      await rowsOf(db, sql`insert into tx_probe (k) values ('taken')`);
      let ran = false;
      for (let i = 0; i < 4; i++) {
        const err = await openedTransaction(db, sql`insert into tx_probe (k) values (${'taken'}) returning k`, async () => {
          ran = true;
        }).catch((e: unknown) => e);
        expect((err as { code?: string; cause?: { code?: string } }).code ?? (err as { cause?: { code?: string } }).cause?.code).toBe('23505');
      }
      expect(ran).toBe(false);
      // Every connection came back: the pool of two still serves two transactions at once.
      const both = await Promise.all([1, 2].map((n) => openedTransaction(db, sql`select ${n}::int as n`, async (_tx, rows: { n: number }[]) => rows[0].n)));
      expect(both).toEqual([1, 2]);
    });
  });
}
