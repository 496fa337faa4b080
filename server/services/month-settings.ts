// Per-plan settings of the month-end loop (issue 10): 序时进度 light thresholds and 催报 rules.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { DEFAULT_LIGHTS, validThresholds, type LightThresholds } from '../../model/lights';
import { DEFAULT_RULES, ReminderRule } from '../../model/reminders';
import type { Db } from '../db/connect';
import { audit, monthSettings } from '../db/schema';
import { HttpProblem } from '../routes/problem';
import { ensurePlan } from './plans';

export interface MonthSettings {
  lights: LightThresholds;
  rules: ReminderRule[];
}

export async function loadMonthSettings(db: Db, planId: string): Promise<MonthSettings> {
  const [row] = await db.select().from(monthSettings).where(eq(monthSettings.planId, planId));
  if (!row) return { lights: DEFAULT_LIGHTS, rules: DEFAULT_RULES };
  return { lights: { yellow: row.yellowPoints, red: row.redPoints }, rules: (row.reminderRules as ReminderRule[] | null) ?? DEFAULT_RULES };
}

export const MonthSettingsInput = z
  .object({
    lights: z.object({ yellow: z.number(), red: z.number() }).strict().optional(),
    rules: z.array(ReminderRule).max(20).optional(),
  })
  .strict();

export async function saveMonthSettings(db: Db, planId: string, input: z.infer<typeof MonthSettingsInput>, actor: string): Promise<MonthSettings> {
  await ensurePlan(db, planId);
  if (input.lights && !validThresholds(input.lights)) {
    throw new HttpProblem(400, 'BAD_THRESHOLDS', '黄灯、红灯阈值须满足 0 < 黄灯 < 红灯 ≤ 100（落后序时进度的百分点）', [
      { field: 'lights', code: 'BAD_THRESHOLDS', message: '0 < 黄灯 < 红灯 ≤ 100' },
    ]);
  }
  const ids = input.rules?.map((r) => r.id) ?? [];
  if (new Set(ids).size !== ids.length)
    throw new HttpProblem(400, 'DUPLICATE_RULE', '催报规则的 id 重复', [{ field: 'rules', code: 'DUPLICATE_RULE', message: '催报规则的 id 重复' }]);
  return db.transaction(async (tx) => {
    const before = await loadMonthSettings(tx as unknown as Db, planId);
    const next: MonthSettings = { lights: input.lights ?? before.lights, rules: input.rules ?? before.rules };
    const values = { planId, yellowPoints: next.lights.yellow, redPoints: next.lights.red, reminderRules: next.rules, updatedBy: actor, updatedAt: new Date() };
    await tx.insert(monthSettings).values(values).onConflictDoUpdate({ target: monthSettings.planId, set: values });
    await tx.insert(audit).values({ planId, entity: 'month_settings', entityId: planId, action: 'update', actor, old: before, new: next });
    return next;
  });
}
