// 序时进度 lights (issue 10): how far a figure's 完成率 is behind the share of the year elapsed.
// Behind by fewer than `yellow` points → green; by `yellow` up to `red` → yellow; `red` or more → red.
// A yellow or red row must say what the problem is (存在问题) and what will be done (下步计划), as 滞后 does.
import { fieldError, type FieldError } from './errors';
import type { ProgressValues } from './progress';
import { completionRate } from './rules';

export type Light = 'green' | 'yellow' | 'red';
export interface LightThresholds {
  yellow: number; // points behind 序时进度
  red: number;
}
export const DEFAULT_LIGHTS: LightThresholds = { yellow: 10, red: 30 };

export function validThresholds(t: LightThresholds): boolean {
  return Number.isFinite(t.yellow) && Number.isFinite(t.red) && t.yellow > 0 && t.red > t.yellow && t.red <= 100;
}

/**
 * A row's light, or null where 序时进度 has no meaning: no 完成率, not an amount/count target (levels and
 * rates do not accumulate over the year), or already 已完成.
 */
export function lightOf(
  row: { rate: number | null; target?: { kind: string } | null; values: Pick<ProgressValues, 'status'> },
  timeProgress: number,
  t: LightThresholds = DEFAULT_LIGHTS,
): Light | null {
  if (row.rate === null || row.values.status === '已完成') return null;
  if (row.target?.kind !== 'amount' && row.target?.kind !== 'count') return null;
  const behind = timeProgress - Math.min(row.rate, 100);
  if (behind >= t.red) return 'red';
  if (behind >= t.yellow) return 'yellow';
  return 'green';
}

/** What a yellow or red row is missing. */
export function lightErrors(light: Light | null, values: Pick<ProgressValues, 'problems' | 'nextSteps'>): FieldError[] {
  if (light !== 'yellow' && light !== 'red') return [];
  const errors: FieldError[] = [];
  const label = light === 'red' ? '红灯' : '黄灯';
  if (!values.problems) errors.push(fieldError('problems', 'LIGHT_NEEDS_PROBLEM', label));
  if (!values.nextSteps) errors.push(fieldError('nextSteps', 'LIGHT_NEEDS_NEXT_STEP', label));
  return errors;
}

/**
 * What the add-in needs to apply the light rule before sync, kept in the sheet's state at 填充: the
 * month's 序时进度, the plan's thresholds and, per item, the target in force that month (value, kind).
 */
export interface LightContext {
  timeProgress: number;
  yellow: number;
  red: number;
  /** Item id → [target value, kind], amount and count targets only. */
  targets: Record<string, [number, string]>;
}

/** A row's light errors under a LightContext: the rule decideEntries applies at push. */
export function contextLightErrors(itemId: string, values: ProgressValues, ctx: LightContext | undefined): FieldError[] {
  const t = ctx?.targets[itemId];
  if (!ctx || !t) return [];
  const target = { value: t[0], kind: t[1] };
  return lightErrors(
    lightOf({ rate: completionRate(values.cumulative, target), target, values }, ctx.timeProgress, { yellow: ctx.yellow, red: ctx.red }),
    values,
  );
}
