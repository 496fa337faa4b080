// Every endpoint × every role: the exact set of roles allowed (anything else gets 401/403 before any
// effect). Allowed calls may still fail for their own reasons (404 …) but never with 401/403.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, type TestDatabase } from '../helpers/db';
import { batchId, EVERY_CALLER, roleTokens, setup, type Setup, type Who } from '../helpers/server';

const READERS: Who[] = ['admin', 'reporter', 'viewer'];
const PLAN = 'sample';

// method, path, body, allowed roles
const TABLE: [string, string, unknown, Who[]][] = [
  ['GET', '/health', undefined, ['admin', 'reporter', 'viewer', 'anonymous', 'revoked']],
  ['GET', '/api/v1/openapi.json', undefined, ['admin', 'reporter', 'viewer', 'anonymous', 'revoked']],
  ['GET', '/api/v1/docs', undefined, ['admin', 'reporter', 'viewer', 'anonymous', 'revoked']],
  ['GET', '/api/v1/me', undefined, READERS],
  ['GET', '/api/v1/plans', undefined, READERS],
  ['GET', `/api/v1/plans/${PLAN}`, undefined, READERS],
  ['POST', '/api/v1/plans/import?name=plan.txt', '2024年工作要点\n一、总体\n1.完成投资10亿元。\n', ['admin']],
  ['POST', '/api/v1/plans/import/00000000-0000-0000-0000-000000000000/confirm', undefined, ['admin']],
  ['DELETE', '/api/v1/plans/no-such-plan', undefined, ['admin']],
  ['POST', '/api/v1/plans/no-such-plan/restore', undefined, ['admin']],
  ['GET', '/api/v1/units', undefined, READERS],
  ['POST', '/api/v1/units', { name: 'roles-test-unit' }, ['admin']],
  ['POST', '/api/v1/units/999999/tokens', {}, ['admin']],
  ['DELETE', '/api/v1/tokens/999999', undefined, ['admin']],
  ['GET', '/api/v1/tokens', undefined, ['admin', 'viewer']],
  ['POST', `/api/v1/plans/${PLAN}/assignments/workbook`, undefined, ['admin']],
  ['POST', `/api/v1/plans/${PLAN}/edit`, undefined, ['admin']],
  ['GET', `/api/v1/plans/${PLAN}/reporting-deadline`, undefined, READERS],
  ['PUT', `/api/v1/plans/${PLAN}/reporting-deadline`, { day: 28 }, ['admin']],
  ['PATCH', '/api/v1/units/999999', { name: 'roles-test-rename' }, ['admin']],
  ['POST', '/api/v1/units/999999/merge', { into: 999998 }, ['admin']],
  ['GET', '/api/v1/plans/import/no-such-preview', undefined, ['admin', 'viewer']],
  ['PUT', '/api/v1/plans/import/no-such-preview', { plan: {} }, ['admin']],
  ['PUT', `/api/v1/plans/${PLAN}/assignments`, { assignments: [] }, ['admin']],
  ['GET', `/api/v1/plans/${PLAN}/periods`, undefined, READERS],
  ['POST', `/api/v1/plans/${PLAN}/periods/2024-11/close`, undefined, ['admin']],
  ['POST', `/api/v1/plans/${PLAN}/periods/2024-11/reopen`, undefined, ['admin']],
  ['GET', `/api/v1/plans/${PLAN}/periods/2024-11/rows`, undefined, READERS],
  ['POST', `/api/v1/plans/${PLAN}/progress/batches`, 'BATCH', ['admin', 'reporter']],
  ['GET', `/api/v1/plans/${PLAN}/changes`, undefined, READERS],
  ['POST', `/api/v1/plans/${PLAN}/targets/batches`, { batchId: 'TARGETS', edits: [] }, ['admin']],
  ['GET', '/api/v1/audit?entity=progress&planId=sample', undefined, READERS],
  ['GET', `/api/v1/plans/${PLAN}/periods/2024-11/stats`, undefined, READERS],
  ['GET', `/api/v1/plans/${PLAN}/stats/monthly`, undefined, READERS],
  ['GET', `/api/v1/plans/${PLAN}/periods/2024-11/bulletin.docx`, undefined, READERS],
  ['GET', `/api/v1/plans/${PLAN}/periods/2024-11/workbook.xlsx`, undefined, READERS],
  ['POST', `/api/v1/plans/${PLAN}/periods/2024-11/workbook`, undefined, ['admin', 'reporter']],
  ['GET', `/api/v1/plans/${PLAN}/targets/workbook.xlsx`, undefined, ['admin']],
  ['POST', `/api/v1/plans/${PLAN}/targets/workbook?preview=1`, undefined, ['admin']],
  ['GET', `/api/v1/plans/${PLAN}/visibility`, undefined, READERS],
  ['PUT', `/api/v1/plans/${PLAN}/visibility`, { unitsSeeEachOther: false }, ['admin']],
];

// A reporter of unit A (综合规划处) probing unit B (运输服务处) while the plan does not share: each answer.
const B = encodeURIComponent('运输服务处');
const PROBES: [string, string, number][] = [
  ['GET', `/api/v1/plans/${PLAN}/periods/2024-11/rows?unit=${B}`, 403],
  ['GET', `/api/v1/plans/${PLAN}/periods/2024-11/workbook.xlsx?unit=${B}`, 403],
  ['GET', '/api/v1/audit', 400],
  ['GET', '/api/v1/audit?entity=token', 400],
  ['PUT', `/api/v1/plans/${PLAN}/visibility`, 403],
];

for (const target of databases()) {
  describe.skipIf(target.skip)(`roles · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    let tokens: Partial<Record<Who, string>> = {};
    beforeAll(async () => {
      database = await target.open();
      s = await setup(database);
      tokens = await roleTokens(s);
    });
    afterAll(() => database?.close());

    it('the allowed set of every endpoint is exactly as in the table', async () => {
      const mismatches: string[] = [];
      for (const [method, path, body, allowed] of TABLE) {
        for (const who of EVERY_CALLER) {
          const payload =
            body === 'BATCH'
              ? { batchId: batchId(who), entries: [] }
              : body && typeof body === 'object' && 'batchId' in body
                ? { ...body, batchId: batchId(who) }
                : body;
          let res;
          if (typeof payload === 'string') {
            const headers: Record<string, string> = { 'content-type': 'text/plain' };
            if (tokens[who]) headers.authorization = `Bearer ${tokens[who]}`;
            res = await s.app.request(path, { method, headers, body: payload });
          } else {
            res = await s.req(method, path, tokens[who], payload);
          }
          const denied = res.status === 401 || res.status === 403;
          const expected = allowed.includes(who);
          if (denied === expected) mismatches.push(`${method} ${path} as ${who}: ${res.status}`);
          if (!expected) expect(res.status).toBe(who === 'anonymous' || who === 'revoked' ? 401 : 403);
        }
      }
      expect(mismatches).toEqual([]);
    });

    it('a reporter of unit A cannot reach unit B’s progress', async () => {
      const got = [];
      for (const [method, path] of PROBES)
        got.push([method, path, (await s.req(method, path, tokens.reporter, method === 'PUT' ? { unitsSeeEachOther: true } : undefined)).status]);
      expect(got).toEqual(PROBES);
      // What A may read holds only A's tasks (t3, t4, t7, t8 — see test/helpers/plan.ts).
      const rows = (await s.req('GET', `/api/v1/plans/${PLAN}/periods/2024-11/rows?unit=`, tokens.reporter)).body.rows.filter((r: any) => r.kind !== 'section');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r: any) => /^t[3478][-@]/.test(r.key))).toBe(true);
    });

    it('denials are problem responses with a Chinese detail', async () => {
      const r = await s.req('POST', '/api/v1/units', s.viewer, { name: 'x' });
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body).toMatchObject({ status: 403, code: 'FORBIDDEN', detail: expect.stringContaining('无权') });
      const anon = await s.req('GET', '/api/v1/plans');
      expect(anon.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    });
  });
}
