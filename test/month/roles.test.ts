// Issue 10 endpoints × every role: the exact set allowed (anything else 401/403 before any effect), in
// the same form as test/server/roles.test.ts (kept apart so both tables merge without conflicts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, type TestDatabase } from '../helpers/db';
import { EVERY_CALLER, roleTokens, setup, type Setup, type Who } from '../helpers/server';

const READERS: Who[] = ['admin', 'reporter', 'viewer'];
const P = '/api/v1/plans/sample';
const U = encodeURIComponent('综合规划处');

const TABLE: [string, string, unknown, Who[]][] = [
  ['GET', `${P}/periods/2024-11/submissions`, undefined, READERS],
  ['POST', `${P}/periods/2024-11/submit`, { reporter: '张三', phone: '13800000000', reviewer: '李四' }, ['admin', 'reporter']],
  ['POST', `${P}/periods/2024-11/submissions/${U}/return`, { reason: '口径不一致' }, ['admin']],
  ['POST', `${P}/periods/2024-11/workbook/submit`, {}, ['admin', 'reporter']],
  ['GET', `${P}/month-settings`, undefined, READERS],
  ['PUT', `${P}/month-settings`, {}, ['admin']],
  ['GET', `${P}/ledger`, undefined, READERS],
  ['GET', `${P}/ledger.xlsx`, undefined, READERS],
  ['GET', `${P}/ledger/counts?period=2024-11`, undefined, READERS],
  ['POST', `${P}/ledger/999/close`, { note: '已解决' }, ['admin', 'reporter']],
  ['POST', `${P}/ledger/999/refuse`, { reason: 'x' }, ['admin']],
  ['POST', `${P}/ledger/999/reopen`, { reason: 'x' }, ['admin']],
  ['GET', `${P}/ledger/999/evidence/1`, undefined, READERS],
  ['POST', `${P}/periods/2024-11/remind`, { units: ['不存在的单位'] }, ['admin']],
  ['GET', `${P}/reminders`, undefined, ['admin']],
  ['GET', `${P}/webhooks`, undefined, ['admin']],
  ['PUT', `${P}/webhooks`, {}, ['admin']],
];

for (const target of databases()) {
  describe.skipIf(target.skip)(`month roles · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    let tokens: Partial<Record<Who, string>> = {};
    beforeAll(async () => {
      database = await target.open();
      s = await setup(database);
      tokens = await roleTokens(s);
    });
    afterAll(() => database?.close());

    it('the allowed set of every issue-10 endpoint is exactly as in the table', async () => {
      const mismatches: string[] = [];
      for (const [method, path, body, allowed] of TABLE) {
        for (const who of EVERY_CALLER) {
          const res = await s.req(method, path, tokens[who], body);
          const denied = res.status === 401 || res.status === 403;
          if (denied === allowed.includes(who)) mismatches.push(`${method} ${path} as ${who}: ${res.status}`);
          if (res.status >= 500) mismatches.push(`${method} ${path} as ${who}: ${res.status}`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  });
}
