// Lists of keys in one statement: one array parameter for the list, instead of one parameter per key
// (drizzle's inArray), so a page of thousands of ids is one short statement.
import { sql, type Column, type SQL } from 'drizzle-orm';

/** A list as one `text[]` parameter, for `= any(…)` / `unnest(…)` inside raw SQL. */
export const textArray = (values: readonly string[]): SQL => sql`${sql.param([...values])}::text[]`;

/** `column = any($1::text[])`. */
export const anyText = (column: Column, values: readonly string[]): SQL => sql`${column} = any(${textArray(values)})`;

/**
 * A `from` item: the rows `lookup(key)` finds for each of `values`, one index probe per value. Written as
 * `key = any(…)` the planner may scan the whole plan's rows and filter them by key, and both databases did
 * (issue 13: PostgreSQL read 15,000 progress rows for 196, PGlite 10,000 nodes for 196 tasks); a lateral
 * subquery fenced by `offset 0` cannot be flattened into such a scan. `values`: a list, or a text[]
 * expression; `as`: the alias of the rows.
 */
export function probes(values: readonly string[] | SQL, as: string, lookup: (key: SQL) => SQL): SQL {
  const key = sql.raw(`${as}_key`);
  const list = Array.isArray(values) ? textArray(values) : (values as SQL);
  return sql`unnest(${list}) as ${key}(v) cross join lateral (${lookup(sql`${key}.v`)} offset 0) as ${sql.raw(as)}`;
}
