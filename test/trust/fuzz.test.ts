// The fast-check property over every JSON endpoint (test/trust/fuzz.ts): hostile requests with 0 answers
// 5xx, nothing stored from a refused request, no unstorable text echoed back. The quick version here
// (1,200 per database); `npm run soak` runs 5,000 per database (QINGDAN_FUZZ_RUNS).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, type TestDatabase } from '../helpers/db';
import { fuzzEndpoints } from './fuzz';

const RUNS = Number(process.env.QINGDAN_FUZZ_RUNS ?? 1200);

for (const target of databases()) {
  describe.skipIf(target.skip)(`hostile requests · ${target.label}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await target.open();
    });
    afterAll(() => database?.close());

    it(`${RUNS} requests: no 5xx, nothing stored when refused`, async () => {
      const report = await fuzzEndpoints(database, RUNS);
      expect(report.failures).toEqual([]);
      expect(report.cases).toBeGreaterThanOrEqual(RUNS * 0.95);
      // The guard really was exercised: refusals for unstorable text, and accepted requests too.
      expect(report.byStatus[400]).toBeGreaterThan(RUNS / 10);
      expect(report.byStatus[200]).toBeGreaterThan(0);
    }, 600_000);
  });
}
