// Units (the organisations that report): created by the office, referenced by reporter tokens and assignments.
import { AppError, type AppErrorCode } from '../../model/errors';
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { assignments, audit, ledgerItems, reminderWebhooks, submissions, tokens, units } from '../db/schema';
import { dropActors } from './token-cache';

export interface Unit {
  id: number;
  name: string;
}

export async function listUnits(db: Db): Promise<Unit[]> {
  return db.select({ id: units.id, name: units.name }).from(units).orderBy(asc(units.id));
}

export async function findUnit(db: Db, by: { id?: number; name?: string }): Promise<Unit | null> {
  const where = by.id !== undefined ? eq(units.id, by.id) : eq(units.name, by.name ?? '');
  const [row] = await db.select({ id: units.id, name: units.name }).from(units).where(where);
  return row ?? null;
}

/** Creates a unit; returns null when the name is taken. */
export async function createUnit(db: Db, name: string, actor: string): Promise<Unit | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(units).values({ name }).onConflictDoNothing().returning({ id: units.id, name: units.name });
    if (row) await tx.insert(audit).values({ entity: 'unit', entityId: String(row.id), action: 'create', actor, new: { name } });
    return row ?? null;
  });
}

export class UnitError extends AppError {
  constructor(status: 400 | 404 | 409, code: AppErrorCode, message: string, field: string) {
    super(code, status, message, field);
  }
}

// Tables that hold a unit by name (the month-end loop's rows) besides the id-keyed tokens and assignments.
const BY_NAME = [submissions, ledgerItems, reminderWebhooks] as const;

/** Renames a unit everywhere it is named; refuses a name another unit has (409) — nothing changes then. */
export async function renameUnit(db: Db, id: number, name: string, actor: string): Promise<Unit> {
  const renamed = await db.transaction(async (tx) => {
    const [before] = await tx.select().from(units).where(eq(units.id, id));
    if (!before) throw new UnitError(404, 'UNKNOWN_UNIT', `找不到单位：${id}`, 'unitId');
    if (before.name === name) return { id, name };
    const [taken] = await tx.select({ id: units.id }).from(units).where(eq(units.name, name));
    if (taken) throw new UnitError(409, 'UNIT_EXISTS', `单位已存在：${name}（如要合并两个单位，请用“合并”）`, 'name');
    await tx.update(units).set({ name }).where(eq(units.id, id));
    for (const t of BY_NAME) await tx.update(t).set({ unit: name }).where(eq(t.unit, before.name));
    await tx.insert(audit).values({ entity: 'unit', entityId: String(id), action: 'rename', actor, old: { name: before.name }, new: { name } });
    return { id, name };
  });
  dropActors(db); // cached actors carry the unit's name (updated_by, the audit)
  return renamed;
}

/**
 * Merges unit `fromId` into `intoId`: its tokens, assignments and month rows move to the other unit
 * (where both have one, the target's stays), then the unit is gone. One transaction, audited.
 */
export async function mergeUnits(db: Db, fromId: number, intoId: number, actor: string): Promise<Unit> {
  if (fromId === intoId) throw new UnitError(400, 'SAME_UNIT', '不能把单位合并到它自己', 'into');
  const merged = await db.transaction(async (tx) => {
    const [from] = await tx.select().from(units).where(eq(units.id, fromId));
    const [into] = await tx.select().from(units).where(eq(units.id, intoId));
    if (!from) throw new UnitError(404, 'UNKNOWN_UNIT', `找不到单位：${fromId}`, 'unitId');
    if (!into) throw new UnitError(404, 'UNKNOWN_UNIT', `找不到要并入的单位：${intoId}`, 'into');
    await tx.update(tokens).set({ unitId: intoId }).where(eq(tokens.unitId, fromId));
    // An assignment the target unit already has on the same task wins (primary key plan, task, unit).
    await tx.execute(
      sql`delete from assignments a using assignments b where a.unit_id = ${fromId} and b.unit_id = ${intoId} and a.plan_id = b.plan_id and a.task_id = b.task_id`,
    );
    await tx.update(assignments).set({ unitId: intoId }).where(eq(assignments.unitId, fromId));
    await tx.execute(
      sql`delete from submissions a using submissions b where a.unit = ${from.name} and b.unit = ${into.name} and a.plan_id = b.plan_id and a.period = b.period`,
    );
    await tx.execute(
      sql`delete from reminder_webhooks a using reminder_webhooks b where a.unit = ${from.name} and b.unit = ${into.name} and a.plan_id = b.plan_id`,
    );
    for (const t of BY_NAME) await tx.update(t).set({ unit: into.name }).where(eq(t.unit, from.name));
    await tx.delete(units).where(eq(units.id, fromId));
    await tx.insert(audit).values({
      entity: 'unit',
      entityId: String(fromId),
      action: 'merge',
      actor,
      old: { id: fromId, name: from.name },
      new: { into: intoId, name: into.name },
    });
    return { id: intoId, name: into.name };
  });
  dropActors(db); // the merged unit's tokens now stand for the other unit
  return merged;
}
