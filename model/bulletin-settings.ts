// The 通报's settings per plan (GET|PUT …/bulletin-settings): issuer, 期号 start and 版记 lines.
import { z } from 'zod';

export const BulletinSettings = z
  .object({
    issuer: z.string().trim().min(1).max(60).nullable(),
    firstIssueNumber: z.number().int().min(1).max(999),
    copyTo: z.string().trim().max(300).nullable(),
    printedBy: z.string().trim().max(60).nullable(),
  })
  .strict()
  .meta({ id: 'BulletinSettings' });
export type BulletinSettings = z.infer<typeof BulletinSettings>;

/** GET: the settings, and whether the office has set them (else the defaults). */
export const BulletinSettingsView = BulletinSettings.extend({ configured: z.boolean() }).meta({ id: 'BulletinSettingsView' });
export type BulletinSettingsView = z.infer<typeof BulletinSettingsView>;
