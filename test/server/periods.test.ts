// Monthly periods: day 28 by default, or the plan's own "每月N日前" rule, clamped to short months.
import { describe, expect, it } from 'vitest';
import { monthlyPeriods, planDeadlineDay } from '../../model/progress';
import { samplePlan } from '../helpers/plan';

describe('monthly periods', () => {
  it('twelve months of the plan year, due on the 28th by default', () => {
    const periods = monthlyPeriods(samplePlan({ year: 2023 }));
    expect(periods.map((p) => p.period)).toEqual(Array.from({ length: 12 }, (_, i) => `2023-${String(i + 1).padStart(2, '0')}`));
    expect(new Set(periods.map((p) => p.deadline.slice(8)))).toEqual(new Set(['28']));
    expect(periods.every((p) => p.status === 'open')).toBe(true);
  });

  it("the plan's own monthly rule wins, and day 31 falls back to each month's last day", () => {
    const plan = samplePlan({ year: 2024, monthlyDay: 31 });
    expect(planDeadlineDay(plan)).toBe(31);
    const byMonth = Object.fromEntries(monthlyPeriods(plan).map((p) => [p.period, p.deadline]));
    expect(byMonth['2024-01']).toBe('2024-01-31');
    expect(byMonth['2024-02']).toBe('2024-02-29');
    expect(byMonth['2024-04']).toBe('2024-04-30');
    expect(monthlyPeriods(samplePlan({ year: 2024, monthlyDay: 5 }))[0].deadline).toBe('2024-01-05');
  });

  it('a plan without a year uses the current year', () => {
    const plan = { ...samplePlan(), year: null };
    expect(monthlyPeriods(plan, new Date('2026-06-01'))[0].period).toBe('2026-01');
  });
});
