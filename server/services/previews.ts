// Import previews in the database (issue 9): put after an upload, replaced by the office's corrections,
// taken once on confirm. Stored rows survive a restart and are visible to every server process on the
// same PostgreSQL; a preview older than a week is swept.
import { randomUUID } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import { Plan } from '../../model/plan';
import type { Db } from '../db/connect';
import { importPreviews } from '../db/schema';

const TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface StoredPreview {
  id: string;
  name: string;
  plan: Plan;
  sourceText: string;
  replacesPlanId: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

function toPreview(r: typeof importPreviews.$inferSelect): StoredPreview {
  return {
    id: r.id,
    name: r.name,
    plan: r.plan as Plan,
    sourceText: r.sourceText,
    replacesPlanId: r.replacesPlanId,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export class PreviewStore {
  constructor(
    private db: Db,
    private now: () => Date = () => new Date(),
  ) {}

  /** `replacesPlanId`: a re-import of that live plan (confirm then updates it instead of adding a plan). */
  async put(plan: Plan, sourceText: string, name: string, actor: string, replacesPlanId: string | null = null): Promise<string> {
    await this.db.delete(importPreviews).where(lt(importPreviews.updatedAt, new Date(this.now().getTime() - TTL_MS)));
    const id = randomUUID();
    await this.db.insert(importPreviews).values({ id, name, plan, sourceText, replacesPlanId, createdBy: actor });
    return id;
  }

  async get(id: string): Promise<StoredPreview | null> {
    const [row] = await this.db.select().from(importPreviews).where(eq(importPreviews.id, id));
    return row ? toPreview(row) : null;
  }

  /** Replaces the previewed plan with the office's corrected one; false when the preview is gone. */
  async update(id: string, plan: Plan): Promise<boolean> {
    const rows = await this.db
      .update(importPreviews)
      .set({ plan, updatedAt: this.now() })
      .where(eq(importPreviews.id, id))
      .returning({ id: importPreviews.id });
    return rows.length > 0;
  }

  /**
   * Deletes the preview and hands its plan to `store` in one transaction: if storing fails the preview
   * stays; two confirms of one preview store it once (the second finds nothing).
   */
  async take<T>(id: string, store: (tx: Db, plan: Plan, replacesPlanId: string | null) => Promise<T>): Promise<T | null> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.delete(importPreviews).where(eq(importPreviews.id, id)).returning();
      if (!row) return null;
      return store(tx as unknown as Db, row.plan as Plan, row.replacesPlanId);
    });
  }
}

/** Parses a plan sent back by the console (zod: model/plan.ts), or the list of what is wrong. */
export function parsePlan(value: unknown): { ok: true; plan: Plan } | { ok: false; issues: { field: string; message: string }[] } {
  const r = Plan.safeParse(value);
  if (r.success) return { ok: true, plan: r.data };
  return { ok: false, issues: r.error.issues.slice(0, 20).map((i) => ({ field: i.path.join('.'), message: i.message })) };
}
