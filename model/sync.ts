// The push/pull protocol shared by the add-in, the workbook upload and the server, and the shapes of the
// other API answers the add-in and the dashboard read.
import { z } from 'zod';
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

export type PushResult =
  | { key: string; outcome: 'applied'; version: number; values: ProgressValues }
  | { key: string; outcome: 'conflict'; version: number; values: ProgressValues }
  | { key: string; outcome: 'rejected'; errors: FieldError[] };

export interface PushResponse {
  batchId: string;
  replayed: boolean; // true when this batchId was seen before and the stored answer is returned
  results: PushResult[];
}

export interface ChangedEntry {
  key: string;
  version: number;
  values: ProgressValues;
  updatedBy: string;
  updatedAt: string;
}
export interface PullResponse {
  entries: ChangedEntry[];
  cursor: string;
  hasMore: boolean;
}

/** A plan in the list (GET /plans). */
export interface PlanSummary {
  id: string;
  title: string;
  year: number | null;
  script: string;
  source: string;
  taskCount: number;
  targetCount: number;
}

/** Who a token stands for (GET /me). */
export interface Me {
  role: 'admin' | 'reporter' | 'viewer';
  unit: { id: number; name: string } | null;
}
