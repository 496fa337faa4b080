// Hostile requests for every JSON endpoint (and every query string / path parameter): wrong types, huge
// and deep bodies, NUL, lone surrogates, 1e309, -0, formula strings — sent in-process to an app over a
// real database. The property: never a 5xx, and a refused request (4xx) stores nothing (every table's
// row count unchanged). Used by test/trust/fuzz.test.ts (quick) and bench/soak.ts (long).
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { findBadText } from '../../model/text-check';
import { rowsOf } from '../../server/db/connect';
import { savePlan } from '../../server/services/plans';
import type { TestDatabase } from '../helpers/db';
import { samplePlan } from '../helpers/plan';
import { batchId, setup, type Setup } from '../helpers/server';

/** A leaf written verbatim into the JSON text (1e309, -0: JSON.stringify cannot write them). */
const raw = (text: string) => `\u0001RAW:${text}\u0001`;
export function toJsonText(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0001RAW:(.*?)\\u0001"/g, '$1');
}

const lone = fc.constantFrom('\ud800', 'a\udfffb', '\udc00\ud800', '进展\udbff', '\ud83d');
const nul = fc.string({ maxLength: 8 }).map((s) => `${s}\u0000${s}`);
const formula = fc.constantFrom('=1+1', '=HYPERLINK("http://x.example","点击")', "+cmd|' /C calc'!A0", '-2+3', '@SUM(A1)', '=cmd|"/c calc"!A1', '\t=1');
export const hostileString = fc.oneof(
  { weight: 3, arbitrary: nul },
  { weight: 3, arbitrary: lone },
  { weight: 2, arbitrary: formula },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '长'.repeat(200_000),
      'x'.repeat(5000),
      '综合规划处',
      't2@2024-05',
      '2024-05',
      '../../etc/passwd',
      '%00',
      "'; drop table plans; --",
    ),
  },
);
const hostileLeaf = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom(raw('1e309'), raw('-1e309'), raw('-0'), raw('1e-400'), raw('123456789012345678901234567890')) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)) },
  { weight: 1, arbitrary: fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 2 ** 31, 0.1 + 0.2) },
);
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileLeaf,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), hostileString), tie('v'), { maxKeys: 4 }),
  ),
})).v;

/** Whole bodies that are hostile by shape: deep, huge, not JSON at all. */
const shapedBody = fc.constantFrom(
  '['.repeat(50_000) + ']'.repeat(50_000),
  '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000),
  JSON.stringify({ entries: Array.from({ length: 30_000 }, () => ({})) }),
  '{"batchId":"x'.padEnd(1_500_000, 'y') + '"}',
  '{"name": "a"',
  'null',
  '"\\u0000"',
  '[1e309]',
  '{"__proto__": {"admin": true}}',
  '{"constructor": {"prototype": {"x": 1}}}',
);

function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}
function replaceAt(v: unknown, path: (string | number)[], by: unknown): unknown {
  if (!path.length) return by;
  const copy: any = Array.isArray(v) ? [...v] : { ...(v as object) };
  copy[path[0]] = replaceAt(copy[path[0]], path.slice(1), by);
  return copy;
}
/** A valid body with one place replaced by a hostile value, or a hostile value, or a hostile shape. */
function mutated(template: unknown): fc.Arbitrary<string> {
  const all = paths(template);
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.nat(all.length - 1), hostileValue).map(([i, by]) => toJsonText(replaceAt(template, all[i], by))) },
    { weight: 2, arbitrary: hostileValue.map(toJsonText) },
    { weight: 1, arbitrary: shapedBody },
  );
}

/** Percent-encodes any JS string, lone surrogates included (as the bytes a careless client would send). */
export function encodeAny(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff)
      out += `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 63)).toString(16)}%${(0x80 | (c & 63)).toString(16)}`.toUpperCase();
    else out += encodeURIComponent(ch);
  }
  return out;
}

export interface FuzzCase {
  name: string;
  method: string;
  who: 'admin' | 'reporter' | 'viewer';
  request: fc.Arbitrary<{ path: string; body?: string }>;
  /** Relative number of runs (slow endpoints get fewer). */
  weight: number;
}

const q = (params: Record<string, string>) =>
  '?' +
  Object.entries(params)
    .map(([k, v]) => `${encodeAny(k)}=${encodeAny(v)}`)
    .join('&');
const queryOf = (keys: string[]) =>
  fc
    .dictionary(
      fc.oneof(fc.constantFrom(...keys), hostileString),
      fc.oneof(hostileString, fc.constantFrom('1', '0', '-1', '1e309', '2024-05', '10000', 'NaN')),
      { maxKeys: 4 },
    )
    .map(q);

export function fuzzCases(s: Setup): FuzzCase[] {
  const P = '/api/v1/plans/sample';
  const body = (template: unknown) => mutated(template);
  const post = (path: string, template: unknown) => body(template).map((b) => ({ path, body: b }));
  const get = (path: string, keys: string[]) => queryOf(keys).map((query) => ({ path: path + query }));
  const pathParam = (make: (p: string) => string) => hostileString.map((p) => ({ path: make(encodeAny(p)) }));
  const unitId = s.units['综合规划处'];
  return [
    { name: 'POST /units', method: 'POST', who: 'admin', weight: 4, request: post('/api/v1/units', { name: 'x单位' }) },
    {
      name: 'POST /units/:id/tokens',
      method: 'POST',
      who: 'admin',
      weight: 3,
      request: post(`/api/v1/units/${unitId}/tokens`, { role: 'reporter', label: '某人' }),
    },
    {
      name: 'PUT assignments',
      method: 'PUT',
      who: 'admin',
      weight: 4,
      request: post(`${P}/assignments`, { assignments: [{ taskId: 't1', lead: ['综合规划处'], co: ['建设管理处'] }] }),
    },
    {
      name: 'POST progress (admin)',
      method: 'POST',
      who: 'admin',
      weight: 8,
      request: fc.nat().chain((n) =>
        post(`${P}/progress/batches`, {
          batchId: `fuzz-${n}-${Math.random()}`,
          entries: [
            {
              key: 't1-m1@2024-05',
              baseVersion: 0,
              fields: { monthDone: 1, cumulative: 2, unit: '亿元', status: '推进中', progress: '开工', problems: '无', nextSteps: '继续' },
            },
            { key: 't2@2024-05', baseVersion: 0, fields: { status: '滞后', problems: 'p', nextSteps: 'n' } },
          ],
        }),
      ),
    },
    {
      name: 'POST progress (reporter)',
      method: 'POST',
      who: 'reporter',
      weight: 4,
      request: fc.nat().chain((n) =>
        post(`${P}/progress/batches`, {
          batchId: `fuzzr-${n}-${Math.random()}`,
          entries: [{ key: 't4-m2@2024-06', baseVersion: 0, fields: { monthDone: 1, cumulative: 1, progress: '进展' } }],
        }),
      ),
    },
    {
      name: 'POST targets',
      method: 'POST',
      who: 'admin',
      weight: 4,
      request: fc.nat().chain((n) =>
        post(`${P}/targets/batches`, {
          batchId: `fuzzt-${n}-${Math.random()}`,
          edits: [{ targetId: 't1-m1', baseVersion: 1, fields: { value: 120, unit: '亿元' } }],
        }),
      ),
    },
    { name: 'PUT visibility', method: 'PUT', who: 'admin', weight: 2, request: post(`${P}/visibility`, { unitsSeeEachOther: false }) },
    { name: 'DELETE plan', method: 'DELETE', who: 'admin', weight: 2, request: post('/api/v1/plans/victim', { confirmTitle: '测试' }) },
    { name: 'POST restore', method: 'POST', who: 'admin', weight: 1, request: pathParam((p) => `/api/v1/plans/${p}/restore`) },
    { name: 'GET rows', method: 'GET', who: 'reporter', weight: 3, request: get(`${P}/periods/2024-05/rows`, ['unit']) },
    { name: 'GET changes', method: 'GET', who: 'viewer', weight: 3, request: get(`${P}/changes`, ['since', 'limit']) },
    { name: 'GET audit', method: 'GET', who: 'reporter', weight: 3, request: get('/api/v1/audit', ['entity', 'id', 'planId', 'limit']) },
    { name: 'GET stats/monthly', method: 'GET', who: 'viewer', weight: 1, request: get(`${P}/stats/monthly`, ['until']) },
    { name: 'GET plan by id', method: 'GET', who: 'viewer', weight: 2, request: pathParam((p) => `/api/v1/plans/${p}`) },
    { name: 'GET period rows by path', method: 'GET', who: 'admin', weight: 2, request: pathParam((p) => `${P}/periods/${p}/rows`) },
    { name: 'DELETE token', method: 'DELETE', who: 'admin', weight: 1, request: pathParam((p) => `/api/v1/tokens/${p}`) },
    { name: 'POST import confirm', method: 'POST', who: 'admin', weight: 1, request: pathParam((p) => `/api/v1/plans/import/${p}/confirm`) },
    { name: 'GET workbook', method: 'GET', who: 'admin', weight: 1, request: get(`${P}/periods/2024-05/workbook.xlsx`, ['unit', 'template']) },
  ];
}

const COUNTS = sql`select json_build_array(${sql.join(
  ['plans', 'nodes', 'targets', 'units', 'tokens', 'assignments', 'periods', 'progress', 'batches', 'audit', 'plan_visibility', 'setup_state'].map((t) =>
    sql.raw(`(select count(*) from ${t})`),
  ),
  sql`, `,
)})::text as c`;
const counts = async (db: TestDatabase['db']) => (await rowsOf<{ c: string }>(db, COUNTS))[0].c;

export interface FuzzReport {
  cases: number;
  byStatus: Record<number, number>;
  failures: string[];
}

/** Runs `total` hostile requests spread over the endpoints by weight; returns what it saw. */
export async function fuzzEndpoints(database: TestDatabase, total: number, seed = 4711): Promise<FuzzReport> {
  const s = await setup(database);
  // A second plan with a report, to be deleted (needs its title) and restored by the fuzzer.
  await savePlan(database.db, samplePlan({ id: 'victim' }), 'test');
  await s.req('POST', '/api/v1/plans/victim/progress/batches', s.admin, {
    batchId: batchId(),
    entries: [{ key: 't2@2024-05', baseVersion: 0, fields: { progress: 'x' } }],
  });
  const tokens = { admin: s.admin, reporter: s.reporter['综合规划处'], viewer: s.viewer };
  const cases = fuzzCases(s);
  const weights = cases.reduce((n, c) => n + c.weight, 0);
  const report: FuzzReport = { cases: 0, byStatus: {}, failures: [] };
  for (const [i, c] of cases.entries()) {
    const runs = Math.max(1, Math.round((total * c.weight) / weights));
    await fc
      .assert(
        fc.asyncProperty(c.request, async (r) => {
          const before = await counts(database.db);
          const headers: Record<string, string> = { authorization: `Bearer ${tokens[c.who]}` };
          if (r.body !== undefined) headers['content-type'] = 'application/json';
          const res = await s.app.request(r.path, { method: c.method, headers, body: r.body });
          const text = await res.text();
          report.cases++;
          report.byStatus[res.status] = (report.byStatus[res.status] ?? 0) + 1;
          const where = `${c.name} ${r.path.slice(0, 120)} ${String(r.body).slice(0, 160)}`;
          if (res.status >= 500) report.failures.push(`${res.status} ${where}: ${text.slice(0, 200)}`);
          if (res.status >= 400) {
            const after = await counts(database.db);
            if (after !== before) report.failures.push(`stored on ${res.status}: ${where} ${before} → ${after}`);
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {}
            if (findBadText(parsed)) report.failures.push(`echoed unstorable text: ${where}`);
          }
          return report.failures.length === 0;
        }),
        { numRuns: runs, seed: seed + i, endOnFailure: true },
      )
      .catch(() => {}); // the failures are in the report, with the request that caused them
    if (report.failures.length) break;
  }
  return report;
}
