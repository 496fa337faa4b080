// A statement prepared once on PGlite (server/db/prepared.ts) answers exactly what the same statement
// with bind parameters answers: any text (quotes, backslashes, braces, commas, "NULL", every plane of
// Unicode), arrays of such text with nulls, numbers. And it is prepared once per text, survives a rollback,
// and its generic plan (from the sixth run) still probes by key (test/server/push-scope.test.ts's measure).
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database, type Db } from '../../server/db/connect';
import { preparedRows, sqlLiteral } from '../../server/db/prepared';

/** Text PostgreSQL can hold: anything but NUL (and lone surrogates, which UTF-8 cannot carry). */
const text = fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replace(/\0/g, ''));
const tricky = fc.constantFrom("'", "''", '\\', "\\'", '"', '{', '}', ',', 'NULL', 'null', ' ', '$1', "E'", '\n', '\t', '中文', '😀');
const anyText = fc.oneof(
  text,
  tricky,
  fc.array(tricky, { maxLength: 6 }).map((a) => a.join('')),
);

const statement = (s: string, list: (string | null)[], n: number) =>
  sql`select ${s}::text as s, ${sql.param(list)}::text[] as list, ${n}::float8 as n, ${s} = any(${sql.param(list)}::text[]) as inside`;

describe('prepared statements on PGlite', () => {
  let database: Database;
  let db: Db;
  beforeAll(async () => {
    database = await openDatabase({ autoAnalyze: false });
    db = database.db;
  });
  afterAll(() => database.close());

  it('answer what the bound statement answers, for any text, array and number', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyText,
        fc.array(fc.option(anyText, { nil: null }), { maxLength: 5 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        async (s, list, n) => {
          const [bound] = await rowsOf(db, statement(s, list, n));
          const [prepared] = await preparedRows(db, db, statement(s, list, n));
          expect(prepared).toEqual(bound);
          // -0 goes as "0", bound or prepared.
          expect(prepared).toEqual({ s, list, n: n === 0 ? 0 : n, inside: list.includes(s) ? true : list.includes(null) ? null : false });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuse what they cannot carry instead of sending it', () => {
    expect(() => sqlLiteral('a\0b')).toThrow(/NUL/);
    expect(() => sqlLiteral(Number.NaN)).toThrow();
    expect(() => sqlLiteral({ a: 1 })).toThrow();
  });

  it('are prepared once per text and survive a rolled-back transaction', async () => {
    const count = async () =>
      (await rowsOf<{ n: number }>(db, sql`select count(*)::int as n from pg_prepared_statements where statement like '%qingdan_once%'`))[0].n;
    const once = (k: number) => sql`select ${k}::int + 1 as next, 'qingdan_once' as tag`;
    await db
      .transaction(async (tx) => {
        expect(await preparedRows(db, tx as unknown as Db, once(1))).toEqual([{ next: 2, tag: 'qingdan_once' }]);
        tx.rollback();
      })
      .catch(() => {});
    for (let k = 2; k < 10; k++) expect(await preparedRows(db, db, once(k))).toEqual([{ next: k + 1, tag: 'qingdan_once' }]);
    expect(await count()).toBe(1);
    // Called many times at once with a text not prepared yet: prepared once, every call answered.
    const twice = (k: number) => sql`select ${k}::int * 2 as double, 'qingdan_once_concurrent' as tag`;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, k) => preparedRows<{ double: number }>(db, db, twice(k))));
    expect(answers.map(([r]) => r.double)).toEqual(Array.from({ length: 20 }, (_, k) => 2 * k));
    expect(await count()).toBe(2);
  });
});
