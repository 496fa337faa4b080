// The office's target edits (POST …/targets/batches): one shape for the server's check, the add-in's
// pending batch in the state sheet and the targets workbook. Versioned like progress pushes.
import { z } from 'zod';
import { Comparator } from './plan';
import { FieldErrorDoc } from './sync';

export const TargetFields = z
  .object({
    value: z.number().finite().nonnegative().optional(),
    max: z.number().finite().nonnegative().nullable().optional(),
    unit: z.string().trim().min(1).max(20).optional(),
    comparator: Comparator.optional(),
    metric: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export const TargetEdit = z.object({ targetId: z.string().min(1).max(200), baseVersion: z.number().int().nonnegative(), fields: TargetFields });
export const TargetBatch = z.object({ batchId: z.string().min(8).max(100), edits: z.array(TargetEdit).max(5000) });
export type TargetBatch = z.infer<typeof TargetBatch>;

// The answers (server/services/target-batches.ts), as the OpenAPI document describes them.
export const TargetValues = z
  .object({ metric: z.string(), value: z.number(), max: z.number().nullable(), unit: z.string(), comparator: z.string() })
  .meta({ id: 'TargetValues' });
export type TargetValues = z.infer<typeof TargetValues>;

export const TargetResult = z
  .discriminatedUnion('outcome', [
    z.object({ targetId: z.string(), outcome: z.enum(['applied', 'conflict']), version: z.number().int(), values: TargetValues }),
    z.object({ targetId: z.string(), outcome: z.literal('rejected'), errors: z.array(FieldErrorDoc) }),
  ])
  .meta({ id: 'TargetResult' });
export type TargetResult = z.infer<typeof TargetResult>;

export const TargetBatchResponse = z.object({ batchId: z.string(), replayed: z.boolean(), results: z.array(TargetResult) }).meta({ id: 'TargetBatchResponse' });
export type TargetBatchResponse = z.infer<typeof TargetBatchResponse>;

/** One change the targets workbook makes (preview: old → new; a 起始月份 makes it a 调整目标). */
export const TargetChange = z
  .object({
    row: z.number().int(),
    targetId: z.string(),
    number: z.string(),
    task: z.string(),
    field: z.enum(['metric', 'value', 'max', 'unit', 'comparator']),
    old: z.union([z.string(), z.number()]).nullable(),
    new: z.union([z.string(), z.number()]).nullable(),
    /** Set when the change is a 调整目标 from that month on. */
    fromPeriod: z.string().optional(),
    reason: z.string().optional(),
  })
  .meta({ id: 'TargetChange' });
export type TargetChange = z.infer<typeof TargetChange>;

/** POST …/targets/workbook?preview=1: what the file would change, and how to confirm it. */
export const TargetsWorkbookPreview = z
  .object({ batchId: z.string(), changes: z.array(TargetChange), unchanged: z.number().int(), confirm: z.string() })
  .meta({ id: 'TargetsWorkbookPreview' });
export type TargetsWorkbookPreview = z.infer<typeof TargetsWorkbookPreview>;

/** POST …/targets/workbook?confirm=: the edits' results and the changes made. */
export const TargetsWorkbookApplied = TargetBatchResponse.extend({ changes: z.array(TargetChange) }).meta({ id: 'TargetsWorkbookApplied' });
export type TargetsWorkbookApplied = z.infer<typeof TargetsWorkbookApplied>;
