// The push/pull protocol shared by the add-in, the workbook upload and the server, and the shapes of the
// other API answers the add-in and the dashboard read.
import { z } from 'zod';
import { INPUT_KEYS, type InputKey } from './fields';
import { ProgressFields, ProgressValues } from './progress';
import type { FieldError } from './errors';

export const PushEntry = z.object({
  key: z.string().min(3).max(200), // progressKey(itemId, period)
  baseVersion: z.number().int().nonnegative(), // 0 = "I saw no entry"
  fields: ProgressFields,
});
export type PushEntry = z.infer<typeof PushEntry>;

export const PushBatch = z.object({
  batchId: z.string().min(8).max(100), // client-chosen, reused verbatim on retry
  entries: z.array(PushEntry).max(20_000),
});
export type PushBatch = z.infer<typeof PushBatch>;

// The answers are zod schemas too: the server's OpenAPI document is made from them (server/routes/sync.ts).
/** One refusal, about a field (or, from a workbook, a cell): model/errors.ts FieldError. */
export const FieldErrorDoc = z
  .object({ field: z.string().optional(), cell: z.string().optional(), code: z.string(), message: z.string() })
  .meta({ id: 'FieldError' });

export const PushResult = z.discriminatedUnion('outcome', [
  z.object({ key: z.string(), outcome: z.literal('applied'), version: z.number().int(), values: ProgressValues }),
  z.object({ key: z.string(), outcome: z.literal('conflict'), version: z.number().int(), values: ProgressValues }),
  z.object({ key: z.string(), outcome: z.literal('rejected'), errors: z.array(FieldErrorDoc) }),
]);
export type PushResult =
  | { key: string; outcome: 'applied'; version: number; values: ProgressValues }
  | { key: string; outcome: 'conflict'; version: number; values: ProgressValues }
  | { key: string; outcome: 'rejected'; errors: FieldError[] };

export const PushResponse = z
  .object({
    batchId: z.string(),
    replayed: z.boolean(), // true when this batchId was seen before and the stored answer is returned
    results: z.array(PushResult),
  })
  .meta({ id: 'PushResponse' });
export interface PushResponse {
  batchId: string;
  replayed: boolean;
  results: PushResult[];
}

export const ChangedEntry = z.object({ key: z.string(), version: z.number().int(), values: ProgressValues, updatedBy: z.string(), updatedAt: z.string() });
export type ChangedEntry = z.infer<typeof ChangedEntry>;
export const PullResponse = z.object({ entries: z.array(ChangedEntry), cursor: z.string(), hasMore: z.boolean() }).meta({ id: 'PullResponse' });
export type PullResponse = z.infer<typeof PullResponse>;

/**
 * The columns of a compact pull page (GET …/changes?format=rows): each entry as one array of its values, in
 * this order (the database builds the arrays: drizzle/0012_progress_entry_row.sql). A page of 1,000 entries
 * is 40% smaller than with names, and parsed in half the time (issue 13).
 */
export const PULL_COLUMNS = ['key', 'version', ...INPUT_KEYS, 'updatedBy', 'updatedAt'] as const;
/** One entry's values in the order of `columns`. */
const PullRow = z.array(z.union([z.string(), z.number(), z.null()]));
export const PullRowsResponse = z
  .object({ columns: z.array(z.string()), rows: z.array(PullRow), cursor: z.string(), hasMore: z.boolean() })
  .meta({ id: 'PullRowsResponse' });
export type PullRowsResponse = z.infer<typeof PullRowsResponse>;

type PullColumn = (typeof PULL_COLUMNS)[number];
type PullValue = string | number | null;
const isInputKey = (c: PullColumn): c is InputKey => (INPUT_KEYS as readonly string[]).includes(c);
/** An entry's value under a column of the compact format. */
const valueAt = (e: ChangedEntry, c: PullColumn): PullValue => (isInputKey(c) ? e.values[c] : e[c]);

/** A page in the compact format: what the server's database builds (for clients that answer as the server does). */
export function pullRowsOfResponse(page: PullResponse): PullRowsResponse {
  const rows = page.entries.map((e) => PULL_COLUMNS.map((c) => valueAt(e, c)));
  return { columns: [...PULL_COLUMNS], rows, cursor: page.cursor, hasMore: page.hasMore };
}

/** A compact page as the entries it holds, read by its own column names (a server may add columns). */
export function pullResponseOfRows(page: PullRowsResponse): PullResponse {
  const at = (name: string) => {
    const i = page.columns.indexOf(name);
    if (i < 0) throw new Error(`拉取结果缺少列：${name}`);
    return i;
  };
  const [key, version, updatedBy, updatedAt] = [at('key'), at('version'), at('updatedBy'), at('updatedAt')];
  const fields = INPUT_KEYS.map((k) => [k, at(k)] as const);
  const entries = page.rows.map((row): ChangedEntry => {
    const values = {} as Record<string, unknown>;
    for (const [k, i] of fields) values[k] = row[i];
    return {
      key: row[key] as string,
      version: row[version] as number,
      values: values as ProgressValues,
      updatedBy: row[updatedBy] as string,
      updatedAt: row[updatedAt] as string,
    };
  });
  return { entries, cursor: page.cursor, hasMore: page.hasMore };
}

/** One entry of the audit trail (GET /audit): who did what, old → new. */
export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  old: unknown;
  new: unknown;
  batchId: string | null;
}

/** A plan in the list (GET /plans). */
export const PlanSummary = z
  .object({
    id: z.string(),
    title: z.string(),
    year: z.number().nullable(),
    script: z.string(),
    source: z.string(),
    taskCount: z.number().int(),
    targetCount: z.number().int(),
  })
  .meta({ id: 'PlanSummary' });
export type PlanSummary = z.infer<typeof PlanSummary>;

/** Who a token stands for (GET /me). */
export interface Me {
  role: 'admin' | 'reporter' | 'viewer';
  unit: { id: number; name: string } | null;
}
