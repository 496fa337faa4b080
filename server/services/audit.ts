// Reading the append-only audit trail (writes happen inside the services' own transactions).
import { and, asc, eq, ne, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { audit } from '../db/schema';

export type { AuditEntry } from '../../model/sync';
import type { AuditEntry } from '../../model/sync';

/** What a reader may see: `hideTokens` (not the office) leaves out token issues and revocations; `items` keeps only those items' progress. */
export interface AuditScope {
  hideTokens?: boolean;
  items?: string[] | null;
}

export async function readAudit(db: Db, q: { entity?: string; id?: string; planId?: string; limit?: number }, scope: AuditScope = {}): Promise<AuditEntry[]> {
  const where: SQL[] = [];
  if (scope.hideTokens) where.push(ne(audit.entity, 'token'));
  if (scope.items) {
    if (!scope.items.length) return [];
    // entity_id of progress is progressKey(itemId, period) = "itemId@period"
    where.push(
      eq(audit.entity, 'progress'),
      sql`regexp_replace(${audit.entityId}, '@[^@]*$', '') in (${sql.join(
        scope.items.map((i) => sql`${i}`),
        sql`, `,
      )})`,
    );
  }
  if (q.entity) where.push(eq(audit.entity, q.entity));
  if (q.id) where.push(eq(audit.entityId, q.id));
  if (q.planId) where.push(eq(audit.planId, q.planId));
  const rows = await db
    .select()
    .from(audit)
    .where(and(...where))
    .orderBy(asc(audit.id))
    .limit(Math.min(q.limit ?? 1000, 10_000));
  return rows.map((r) => ({
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entityId: r.entityId,
    old: r.old,
    new: r.new,
    batchId: r.batchId,
  }));
}
