// `column = any($1::text[])`: one array parameter for a list of keys, instead of one parameter per key
// (drizzle's inArray), so a page of thousands of ids is one short statement.
import { sql, type Column, type SQL } from 'drizzle-orm';

export const anyText = (column: Column, values: readonly string[]): SQL => sql`${column} = any(${sql.param([...values])}::text[])`;

/** A list as one `text[]` parameter, for `= any(…)` / `unnest(…)` inside raw SQL. */
export const textArray = (values: readonly string[]): SQL => sql`${sql.param([...values])}::text[]`;
