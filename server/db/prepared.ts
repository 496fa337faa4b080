// A statement whose text is the same every time (only its parameters change), prepared once per PGlite
// database (issue 13).
//
// PGlite parses and plans in this process's only thread. The push's claim statement spent half its time
// being planned (1.9 of 3.8 ms per push in the month-end rush). A prepared statement is planned once.
// After PostgreSQL's five custom plans it runs a generic plan; the statement's probes (server/db/any-of.ts)
// are the same plan either way. EXECUTE takes no bind parameters, so the values go in as quoted literals
// (sqlLiteral below), which PostgreSQL reads with each parameter's input function, as it reads text-format
// bind values. PostgreSQL plans in its own process, so there the statement runs as it is.
import type { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { pgliteOf, rowsOf, type Db } from './connect';

const dialect = new PgDialect();
/** Per PGlite instance (its one session holds the prepared statements): statement text → its name. */
const preparedBy = new WeakMap<PGlite, Map<string, string>>();

/** A value as an escape-string literal: E'' reads \\ and '' the same under any standard_conforming_strings. */
function quoted(text: string): string {
  // A NUL would end the statement's text early; PostgreSQL's text cannot hold one either.
  if (text.includes('\0')) throw new TypeError('参数中含有 NUL 字符');
  return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** An array element inside an array literal: double-quoted, its " and \ escaped; null as NULL. */
function element(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value !== 'string' && typeof value !== 'number') throw new TypeError(`不支持的数组元素类型：${typeof value}`);
  return `"${String(value).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * One bind value as the literal EXECUTE is given: the text a text-format bind would carry, quoted, so the
 * parameter's own type reads it (a number as float8 or int, an array literal as text[]).
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return quoted(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`不支持的数值参数：${value}`);
    return quoted(String(value));
  }
  if (typeof value === 'boolean' || typeof value === 'bigint') return quoted(String(value));
  if (Array.isArray(value)) return quoted(`{${value.map(element).join(',')}}`);
  throw new TypeError(`不支持的参数类型：${Object.prototype.toString.call(value)}`);
}

/** drizzle's dialect with each parameter written as a literal in place of `$n`. */
class InlineDialect extends PgDialect {
  override escapeParam(_num: number, value?: unknown): string {
    return sqlLiteral(value);
  }
}
const inline = new InlineDialect();

/** The statement's text with its values as literals (for COPY, and for a statement sent with its BEGIN). */
export function inlineSql(statement: SQL): string {
  return inline.sqlToQuery(statement).sql;
}

/**
 * The rows of `statement`, run on `tx` (the transaction of `db`, or db itself): on PGlite as a statement
 * prepared once per text, on PostgreSQL as it is.
 */
export async function preparedRows<T>(db: Db, tx: Pick<Db, 'execute'>, statement: SQL): Promise<T[]> {
  const client = pgliteOf(db);
  if (!client) return rowsOf<T>(tx, statement);
  const query = dialect.sqlToQuery(statement);
  const names = preparedBy.get(client) ?? new Map<string, string>();
  preparedBy.set(client, names);
  let name = names.get(query.sql);
  if (!name) {
    name = `qingdan_prepared_${names.size + 1}`;
    // Named before the PREPARE is awaited, so a call meanwhile does not prepare the same name again (PGlite
    // runs statements in the order they were sent: its EXECUTE comes after this PREPARE).
    names.set(query.sql, name);
    try {
      // Not undone by a rollback: a prepared statement belongs to the session, not the transaction.
      await rowsOf(tx, sql.raw(`prepare ${name} as ${query.sql}`));
    } catch (err) {
      names.delete(query.sql);
      throw err;
    }
  }
  const args = query.params.length ? `(${query.params.map(sqlLiteral).join(', ')})` : '';
  return rowsOf<T>(tx, sql.raw(`execute ${name}${args}`));
}
