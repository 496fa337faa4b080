// COPY's binary format read by hand (server/db/copy-rows.ts): the reader against answers PostgreSQL itself
// sends, the statement's values written as literals, and the reader's refusals of a damaged answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { CopyFormatError, copyRows, parseBinaryCopy, type CopyRows } from '../../server/db/copy-rows';
import { poolOf } from '../../server/db/connect';
import { inlineSql } from '../../server/db/prepared';
import { textArray } from '../../server/db/any-of';
import { databases, type TestDatabase } from '../helpers/db';

const pgTarget = databases().find((t) => t.kind === 'pg')!;
/** Every row's fields as text (null as null). */
const texts = (rows: CopyRows) => Array.from({ length: rows.count }, (_, r) => Array.from({ length: rows.width }, (_, f) => rows.text(r, f)));

describe.skipIf(pgTarget.skip)('COPY rows as bytes · PostgreSQL', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    database = await pgTarget.open({ poolSize: 2 });
    pool = poolOf(database.db)!;
  });
  afterAll(() => database?.close());

  it('gives each field the bytes PostgreSQL holds: text as UTF-8, bigint as 8 bytes, null as null', async () => {
    const rows = await copyRows(
      pool,
      sql`select * from (values (1::bigint, '推进中 🚧'::text, null::text), (9007199254740991::bigint, '', 'a'), (null, 'x', null)) v(a, b, c)`,
    );
    expect(Array.from({ length: rows.count }, (_, r) => [rows.int8(r, 0), rows.text(r, 1), rows.text(r, 2)])).toEqual([
      [1, '推进中 🚧', null],
      [Number.MAX_SAFE_INTEGER, '', 'a'],
      [null, 'x', null],
    ]);
    expect(rows.field(0, 1)).toEqual(Buffer.from('推进中 🚧', 'utf8'));
    expect([rows.length(0, 1), rows.length(0, 2), rows.length(1, 1)]).toEqual([Buffer.byteLength('推进中 🚧'), -1, 0]);
    const target = Buffer.alloc(20, '.');
    expect(rows.copyField(1, 2, target, 3)).toBe(1);
    expect(rows.copyField(0, 2, target, 5)).toBe(0);
    expect(target.toString('latin1', 0, 6)).toBe('...a..');
    expect(() => rows.int8(0, 1)).toThrow(CopyFormatError); // not 8 bytes: not a bigint
    const none = await copyRows(pool, sql`select 1 where false`);
    expect([none.count, texts(none)]).toEqual([0, []]);
  });

  it('passes every value as a literal its type reads back unchanged: quotes, backslashes, $1, newlines, arrays', async () => {
    const nasty = ["it's", 'back\\slash \\\\ \\n', '"double"', '$1 $$ $tag$', '换行\n制表\t回车\r', "'; drop table plans; --", "E'x'"];
    for (const value of nasty) {
      expect(texts(await copyRows(pool, sql`select ${value}::text`))).toEqual([[value]]);
    }
    const list = await copyRows(pool, sql`select array_to_json(${textArray(nasty)})::text`);
    expect(JSON.parse(list.text(0, 0)!)).toEqual(nasty);
    expect(texts(await copyRows(pool, sql`select (${42}::int + ${0.5}::float8)::text, ${true}::boolean::text`))).toEqual([['42.5', 'true']]);
  });

  it('reads literals the same whatever standard_conforming_strings says', async () => {
    // An escape string means the same under both settings; a plain '…' literal would not.
    await pool.query('alter database ' + new URL(database.url!).pathname.slice(1) + ' set standard_conforming_strings = off');
    try {
      // New connections take the database's setting: empty the pool's idle ones.
      const held = await Promise.all([pool.connect(), pool.connect()]);
      held.forEach((c) => c.release(true));
      expect(texts(await copyRows(pool, sql`select current_setting('standard_conforming_strings'), ${'a\\b'}::text`))).toEqual([['off', 'a\\b']]);
    } finally {
      await pool.query('alter database ' + new URL(database.url!).pathname.slice(1) + ' reset standard_conforming_strings');
      const held = await Promise.all([pool.connect(), pool.connect()]);
      held.forEach((c) => c.release(true));
    }
  });

  it('refuses a value PostgreSQL text cannot hold, before anything is sent', () => {
    expect(() => inlineSql(sql`select ${'a\0b'}::text`)).toThrow(/NUL/);
  });

  it('an answer larger than one message arrives whole', async () => {
    const rows = await copyRows(pool, sql`select g::bigint, repeat('清单', 100) from generate_series(1, 20000) g`);
    expect(rows.count).toBe(20000);
    expect(rows.int8(19999, 0)).toBe(20000);
    expect(rows.text(12345, 1)).toBe('清单'.repeat(100));
  });

  it('a failing statement rejects with the database error, and the pool still answers afterwards', async () => {
    await expect(copyRows(pool, sql`select 1 / ${0}::int`)).rejects.toThrow(/division by zero/);
    await expect(copyRows(pool, sql`select no_such_column from plans`)).rejects.toThrow(/no_such_column/);
    for (let i = 0; i < 4; i++) expect(texts(await copyRows(pool, sql`select ${'ok'}::text`))).toEqual([['ok']]);
    expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });
});

describe('COPY binary format reader', () => {
  const header = (extension = Buffer.alloc(0)) => {
    const fixed = Buffer.alloc(8);
    fixed.writeUInt32BE(extension.length, 4);
    return Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), fixed, extension]);
  };
  const field = (bytes: Buffer | null) => {
    const length = Buffer.alloc(4);
    length.writeInt32BE(bytes ? bytes.length : -1);
    return bytes ? Buffer.concat([length, bytes]) : length;
  };
  const count = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    return b;
  };
  const row = (...fields: (Buffer | null)[]) => Buffer.concat([count(fields.length), ...fields.map(field)]);

  it('skips a header extension and reads rows up to the trailer', () => {
    const rows = parseBinaryCopy(
      Buffer.concat([header(Buffer.from('future')), row(Buffer.from('a'), null), row(Buffer.from('清单'), Buffer.from('')), count(-1)]),
    );
    expect(texts(rows)).toEqual([
      ['a', null],
      ['清单', ''],
    ]);
  });

  it('refuses an answer that is not binary COPY or ends early', () => {
    const good = Buffer.concat([header(), row(Buffer.from('abc')), count(-1)]);
    expect(() => parseBinaryCopy(Buffer.from('a,b\n'))).toThrow(CopyFormatError);
    expect(() => parseBinaryCopy(Buffer.concat([Buffer.from('PGCOPX'), good.subarray(6)]))).toThrow(CopyFormatError);
    for (const cut of [good.length - 1, good.length - 2, good.length - 3, 20]) expect(() => parseBinaryCopy(good.subarray(0, cut))).toThrow(CopyFormatError);
    expect(() => parseBinaryCopy(Buffer.concat([header(), row(Buffer.from('a')), row(Buffer.from('b'), null), count(-1)]))).toThrow(/字段数不同/);
    expect(texts(parseBinaryCopy(good))).toEqual([['abc']]);
    expect(parseBinaryCopy(Buffer.concat([header(), count(-1)])).count).toBe(0);
  });
});
