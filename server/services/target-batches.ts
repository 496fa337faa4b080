// Target edits by the office: same batch-id and version semantics as progress pushes, each change audited.
import { and, eq, inArray } from 'drizzle-orm';
import type { TargetBatch, TargetBatchResponse, TargetResult, TargetValues } from '../../model/target-edits';
import { fieldError, type ErrorCode } from '../../model/errors';
import type { Actor } from '../auth/tokens';
import type { Db } from '../db/connect';
import { audit, targets } from '../db/schema';
import { oncePerBatch } from './push';
import { ensurePlan } from './plans';
import { correctLatestRevision } from './target-revisions';

// The edit shapes are model/target-edits.ts (shared with the add-in's state sheet).
export { TargetBatch, TargetEdit, TargetFields } from '../../model/target-edits';

export type { TargetBatchResponse, TargetResult, TargetValues } from '../../model/target-edits';

const pick = (t: typeof targets.$inferSelect): TargetValues => ({ metric: t.metric, value: t.value, max: t.max, unit: t.unit, comparator: t.comparator });

export async function pushTargets(db: Db, actor: Actor, planId: string, batch: TargetBatch): Promise<TargetBatchResponse> {
  await ensurePlan(db, planId);
  return oncePerBatch(db, planId, 'targets', batch.batchId, actor, async (tx) => {
    const ids = [...new Set(batch.edits.map((e) => e.targetId))];
    const rows = ids.length
      ? await tx
          .select()
          .from(targets)
          .where(and(eq(targets.planId, planId), inArray(targets.id, ids)))
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const seen = new Set<string>();
    const results: TargetResult[] = [];
    const now = new Date();
    for (const edit of batch.edits) {
      const cur = byId.get(edit.targetId);
      const reject = (code: ErrorCode, field = 'targetId') => results.push({ targetId: edit.targetId, outcome: 'rejected', errors: [fieldError(field, code)] });
      if (seen.has(edit.targetId)) {
        reject('DUPLICATE_ENTRY');
        continue;
      }
      seen.add(edit.targetId);
      if (!cur) {
        reject('UNKNOWN_KEY');
        continue;
      }
      if (cur.version !== edit.baseVersion) {
        results.push({ targetId: edit.targetId, outcome: 'conflict', version: cur.version, values: pick(cur) });
        continue;
      }
      const next = { ...pick(cur), ...edit.fields } as TargetValues;
      if (next.max != null && next.max < next.value) {
        reject('MAX_BELOW_VALUE', 'max');
        continue;
      }
      // The version check in the WHERE makes a concurrent edit of the same target a conflict, not a lost update.
      const [updated] = await tx
        .update(targets)
        .set({ ...next, version: cur.version + 1, updatedBy: actor.name, updatedAt: now })
        .where(and(eq(targets.planId, planId), eq(targets.id, cur.id), eq(targets.version, cur.version)))
        .returning();
      if (!updated) {
        const [latest] = await tx
          .select()
          .from(targets)
          .where(and(eq(targets.planId, planId), eq(targets.id, cur.id)));
        results.push({ targetId: edit.targetId, outcome: 'conflict', version: latest.version, values: pick(latest) });
        continue;
      }
      await correctLatestRevision(tx as unknown as Db, planId, cur.id, {
        value: updated.value,
        max: updated.max,
        unit: updated.unit,
        comparator: updated.comparator as 'eq',
      });
      await tx.insert(audit).values({
        planId,
        entity: 'target',
        entityId: cur.id,
        action: 'update',
        actor: actor.name,
        at: now,
        old: { version: cur.version, ...pick(cur) },
        new: { version: updated.version, ...pick(updated) },
        batchId: batch.batchId,
      });
      results.push({ targetId: edit.targetId, outcome: 'applied', version: updated.version, values: pick(updated) });
    }
    return { batchId: batch.batchId, replayed: false, results };
  });
}
