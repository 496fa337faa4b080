// Lists of keys in one statement: one array parameter for the list, instead of one parameter per key
// (drizzle's inArray), so a page of thousands of ids is one short statement.
import { sql, type Column, type SQL } from 'drizzle-orm';

/** A list as one `text[]` parameter, for `= any(…)` / `unnest(…)` inside raw SQL. */
export const textArray = (values: readonly string[]): SQL => sql`${sql.param([...values])}::text[]`;

/** `column = any($1::text[])`. */
export const anyText = (column: Column, values: readonly string[]): SQL => sql`${column} = any(${textArray(values)})`;
