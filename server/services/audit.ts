// Reading the append-only audit trail (writes happen inside the services' own transactions).
import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { audit } from '../db/schema';

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

export async function readAudit(db: Db, q: { entity?: string; id?: string; planId?: string; limit?: number }): Promise<AuditEntry[]> {
  const where: SQL[] = [];
  if (q.entity) where.push(eq(audit.entity, q.entity));
  if (q.id) where.push(eq(audit.entityId, q.id));
  if (q.planId) where.push(eq(audit.planId, q.planId));
  const rows = await db.select().from(audit).where(and(...where)).orderBy(asc(audit.id)).limit(Math.min(q.limit ?? 1000, 10_000));
  return rows.map((r) => ({ at: r.at.toISOString(), actor: r.actor, action: r.action, entity: r.entity, entityId: r.entityId, old: r.old, new: r.new, batchId: r.batchId }));
}
