// A plan without a year takes the current year in Asia/Shanghai (UTC+8, no daylight saving), not UTC's:
// at 00:30 on 1 January in China it is still 31 December in UTC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaYear, monthlyPeriods } from '../../model/progress';
import { listPeriods } from '../../server/services/periods';
import { savePlan } from '../../server/services/plans';
import { databases, type TestDatabase } from '../helpers/db';
import { samplePlan } from '../helpers/plan';

const JAN_1_0030_SHANGHAI = new Date('2024-12-31T16:30:00Z');

describe('the year of a plan without one', () => {
  it('is the year in Asia/Shanghai', () => {
    expect(chinaYear(JAN_1_0030_SHANGHAI)).toBe(2025);
    expect(chinaYear(new Date('2024-12-31T15:59:59Z'))).toBe(2024);
    const periods = monthlyPeriods({ ...samplePlan(), year: null }, JAN_1_0030_SHANGHAI);
    expect(periods[0].period).toBe('2025-01');
    expect(periods[11].period).toBe('2025-12');
  });
});

for (const target of databases()) {
  describe.skipIf(target.skip)(`import at 00:30 on 1 January · ${target.label}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await target.open();
    });
    afterAll(() => database?.close());
    it('stores that year’s months (clock injected)', async () => {
      const id = await savePlan(database.db, { ...samplePlan({ id: 'noyear' }), year: null }, 'test', { now: JAN_1_0030_SHANGHAI });
      const months = (await listPeriods(database.db, id)).map((p) => p.period);
      expect(months[0]).toBe('2025-01');
      expect(months).toHaveLength(12);
    });
  });
}
