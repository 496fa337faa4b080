// The 通报 as sent (issue 11): per-plan issuer, 期号 sequence start and 版记 lines. Read when a month
// is closed (fixed in its snapshot) and for the preview of an open month.
import { eq } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { audit, bulletinSettings } from '../db/schema';

import type { BulletinSettings, BulletinSettingsView } from '../../model/bulletin-settings';

export type { BulletinSettings } from '../../model/bulletin-settings';

export const DEFAULT_BULLETIN_SETTINGS: BulletinSettings = { issuer: null, firstIssueNumber: 1, copyTo: null, printedBy: null };

export async function getBulletinSettings(db: Db, planId: string): Promise<BulletinSettingsView> {
  const [s] = await db.select().from(bulletinSettings).where(eq(bulletinSettings.planId, planId));
  if (!s) return { ...DEFAULT_BULLETIN_SETTINGS, configured: false };
  return { issuer: s.issuer, firstIssueNumber: s.firstIssueNumber, copyTo: s.copyTo, printedBy: s.printedBy, configured: true };
}

/** Replaces the plan's settings (one transaction, audited with old → new). */
export async function putBulletinSettings(db: Db, planId: string, next: BulletinSettings, actor: string): Promise<BulletinSettings> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(bulletinSettings).where(eq(bulletinSettings.planId, planId)).for('update');
    const now = new Date();
    await tx
      .insert(bulletinSettings)
      .values({ planId, ...next, updatedBy: actor, updatedAt: now })
      .onConflictDoUpdate({ target: bulletinSettings.planId, set: { ...next, updatedBy: actor, updatedAt: now } });
    const old = before ? { issuer: before.issuer, firstIssueNumber: before.firstIssueNumber, copyTo: before.copyTo, printedBy: before.printedBy } : null;
    await tx.insert(audit).values({ planId, entity: 'plan', entityId: planId, action: 'bulletin-settings', actor, at: now, old, new: next });
    return next;
  });
}
