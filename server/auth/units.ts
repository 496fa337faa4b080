// Units (the organisations that report): created by the office, referenced by reporter tokens and assignments.
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { audit, units } from '../db/schema';

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
