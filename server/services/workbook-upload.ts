// A workbook upload against the database, for the route and the CLI: the workbook read and compared with
// the month's stored rows page by page (server/workbook/upload.ts, services/upload-items.ts), then the
// push service as the uploading actor.
import type { PeriodId } from '../../model/progress';
import type { Actor } from '../auth/tokens';
import type { Db } from '../db/connect';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { explainConflict, type ConflictExplanation } from '../../model/upload-conflict';
import { audit } from '../db/schema';
import { parseUpload } from '../workbook/upload';
import { applyUpload, type ExplainConflicts, type UploadResult } from '../workbook/upload-apply';
import { pushBatch } from './push';
import { uploadItems } from './upload-items';

/**
 * An uploaded 清单 checked against the month's stored rows and pushed as `actor`. The rows are the whole
 * plan's, not the actor's unit's: a reporter's rows of other units' tasks left as they were are simply
 * unchanged, and edits to them are refused per row by the push service (FORBIDDEN_TASK).
 */
export async function uploadWorkbook(db: Db, actor: Actor, planId: string, period: PeriodId, buffer: Buffer): Promise<UploadResult> {
  const stored = await uploadItems(db, planId, period);
  const parsed = await parseUpload({ buffer, planId, period, stored, actor: actor.name });
  return applyUpload(parsed, (batch) => pushBatch(db, actor, planId, batch), conflictsExplained(db, actor, planId));
}
/** Each conflicting row's history from the audit: an old file of the uploader's unit, or who changed it. */
function conflictsExplained(db: Db, actor: Actor, planId: string): ExplainConflicts {
  return async (conflicts) => {
    const keys = conflicts.map((c) => c.key);
    const history = await db
      .select({ key: audit.entityId, actor: audit.actor, at: audit.at, new: audit.new })
      .from(audit)
      .where(and(eq(audit.planId, planId), eq(audit.entity, 'progress'), inArray(audit.entityId, keys)))
      .orderBy(asc(audit.id));
    const out = new Map<string, ConflictExplanation>();
    for (const c of conflicts) {
      const records = history
        .filter((h) => h.key === c.key)
        .map((h) => ({ actor: h.actor, at: new Date(h.at).toISOString(), version: Number((h.new as { version?: number } | null)?.version ?? 0) }));
      out.set(c.key, explainConflict(records, c.baseVersion, c.version, actor.name));
    }
    return out;
  };
}
