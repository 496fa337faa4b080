// A plan import's preview as the API answers it (POST /plans/import, GET|PUT /plans/import/{id},
// POST /plans/{planId}/edit): the route schemas and the typed client's Preview, from one description.
import { z } from 'zod';
import { ImportWarning } from './import-warnings';
import { Plan } from './plan';
import { PlanDiff } from './plan-diff';

/** A preview as opened (import or edit): with the differences from the live plan when it replaces one. */
export const NewImportPreview = z
  .object({
    previewId: z.string(),
    name: z.string(),
    plan: Plan,
    sourceText: z.string(),
    warnings: z.array(ImportWarning),
    replacesPlanId: z.string().nullable(),
    diff: PlanDiff.nullable(),
  })
  .meta({ id: 'NewImportPreview' });
/** A stored preview as read back: who made it and when. */
export const ImportPreview = NewImportPreview.extend({ createdBy: z.string(), updatedAt: z.string() }).meta({ id: 'ImportPreview' });
/** PUT /plans/import/{id}: the corrected plan as saved, with its warnings again. */
export const SavedImportPreview = NewImportPreview.pick({ previewId: true, plan: true, warnings: true });
