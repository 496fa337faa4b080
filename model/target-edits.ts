// The office's target edits (POST …/targets/batches): one shape for the server's check, the add-in's
// pending batch in the state sheet and the targets workbook. Versioned like progress pushes.
import { z } from 'zod';
import { Comparator } from './plan';

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
