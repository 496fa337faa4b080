// A workbook upload against the database, for the route and the CLI: the month's stored rows, the
// workbook checks (server/workbook/upload.ts), then the push service as the uploading actor.
import type { PeriodId } from '../../model/progress';
import type { Actor } from '../auth/tokens';
import type { Db } from '../db/connect';
import { applyUpload, parseUpload, type UploadResult } from '../workbook/upload';
import { pushBatch } from './push';
import { loadRows } from './rows';

/**
 * An uploaded 清单 checked against the month's stored rows and pushed as `actor`. The rows are the whole
 * plan's, not the actor's unit's: a reporter's rows of other units' tasks left as they were are simply
 * unchanged, and edits to them are refused per row by the push service (FORBIDDEN_TASK).
 */
export async function uploadWorkbook(db: Db, actor: Actor, planId: string, period: PeriodId, buffer: Buffer): Promise<UploadResult> {
  const { rows } = await loadRows(db, planId, period);
  const parsed = await parseUpload({ buffer, planId, period, rows, actor: actor.name });
  return applyUpload(parsed, (batch) => pushBatch(db, actor, planId, batch));
}
