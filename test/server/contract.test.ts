// The API contract: every schema in the OpenAPI document says what it is (no untyped `{}`), and the main
// routes answer exactly what they declare — each body is parsed with the model schema the route registers
// and must come back unchanged (zod strips undeclared keys, so an extra or missing field fails).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { TokenInfo, Unit } from '../../model/accounts';
import { LedgerCounts } from '../../model/ledger';
import { PlanDoc } from '../../model/plan';
import { SheetRow } from '../../model/sheet';
import { MonthlySeries } from '../../model/stats';
import { PeriodStatsView, SnapshotRecord } from '../../model/snapshot';
import { MonthSubmissions, ReturnResult, WorkbookSubmitResult } from '../../model/submission';
import { submissions } from '../../server/db/schema';
import { MonthSettings, ReminderLog, RemindResult, WebhookList, WebhookSet } from '../../model/reminders';
import { PushResponse, PlanSummary } from '../../model/sync';
import { TargetBatchResponse } from '../../model/target-edits';
import { RevisionResult, TargetHistory } from '../../model/target-history';
import { BulletinSettingsView } from '../../model/bulletin-settings';
import { databases, type TestDatabase } from '../helpers/db';
import { batchId, setup, type Setup } from '../helpers/server';

type Json = Record<string, unknown>;

/** Where a schema in the document has neither a type nor a reference nor a combination: its JSON path. */
export function untypedSchemas(doc: Json): string[] {
  const out: string[] = [];
  const typed = (s: Json) => 'type' in s || '$ref' in s || 'oneOf' in s || 'anyOf' in s || 'allOf' in s || 'const' in s || 'enum' in s;
  const walk = (s: unknown, path: string) => {
    if (!s || typeof s !== 'object') return;
    const schema = s as Json;
    if (!typed(schema)) out.push(path);
    for (const [k, v] of Object.entries((schema.properties as Json) ?? {})) walk(v, `${path}.properties.${k}`);
    if (schema.items) walk(schema.items, `${path}.items`);
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${path}.additionalProperties`);
    for (const key of ['oneOf', 'anyOf', 'allOf', 'prefixItems'] as const) ((schema[key] as unknown[]) ?? []).forEach((v, i) => walk(v, `${path}.${key}.${i}`));
  };
  for (const [name, s] of Object.entries(((doc.components as Json)?.schemas as Json) ?? {})) walk(s, `components.schemas.${name}`);
  for (const [route, ops] of Object.entries((doc.paths as Json) ?? {}))
    for (const [method, op] of Object.entries(ops as Json)) {
      const o = op as { requestBody?: { content?: Json }; responses?: Record<string, { content?: Json }>; parameters?: { name: string; schema?: unknown }[] };
      const at = `paths.${route}.${method}`;
      for (const [type, c] of Object.entries(o.requestBody?.content ?? {})) walk((c as Json).schema, `${at}.requestBody.${type}`);
      for (const [status, r] of Object.entries(o.responses ?? {}))
        for (const [type, c] of Object.entries(r.content ?? {})) walk((c as Json).schema, `${at}.responses.${status}.${type}`);
      for (const p of o.parameters ?? []) walk(p.schema, `${at}.parameters.${p.name}`);
    }
  return out;
}

describe('untypedSchemas', () => {
  it('finds an untyped schema however deep, and passes typed ones', () => {
    const doc = {
      components: { schemas: { A: { type: 'object', properties: { ok: { type: 'string' }, bad: { type: 'array', items: {} } } } } },
      paths: { '/x': { get: { responses: { 200: { content: { 'application/json': { schema: { anyOf: [{ $ref: '#/A' }, {}] } } } } } } } },
    };
    expect(untypedSchemas(doc)).toEqual(['components.schemas.A.properties.bad.items', 'paths./x.get.responses.200.application/json.anyOf.1']);
  });
});

/** The body exactly as the schema describes it: parsing keeps every field and adds none. */
function conforms(schema: z.ZodType, body: unknown) {
  const parsed = schema.safeParse(body);
  expect(parsed.error?.issues ?? []).toEqual([]);
  expect(parsed.data).toEqual(body);
}

for (const target of databases()) {
  describe.skipIf(target.skip)(`contract · ${target.label}`, () => {
    let database: TestDatabase;
    let s: Setup;
    let period: string;
    beforeAll(async () => {
      database = await target.open();
      s = await setup(database);
      period = (await s.req('GET', `/api/v1/plans/${s.planId}/periods`, s.admin)).body[0].period;
    });
    afterAll(() => database?.close());

    it('the OpenAPI document has no untyped schema, and names the model shapes as components', async () => {
      const doc = (await s.req('GET', '/api/v1/openapi.json')).body;
      expect(untypedSchemas(doc)).toEqual([]);
      expect(Object.keys(doc.components.schemas)).toEqual(
        expect.arrayContaining([
          'PlanDoc',
          'Plan',
          'PlanNode',
          'PeriodStats',
          'PeriodStatsView',
          'MonthPoint',
          'SheetRow',
          'PushResponse',
          'TargetBatchResponse',
          'PlanDiff',
          'ImportWarning',
          'MonthSnapshot',
          'TargetHistory',
        ]),
      );
      expect(doc.paths['/plans/{planId}'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PlanDoc' });
    });

    it('plans, the plan document and a month’s rows are what they declare', async () => {
      for (const p of (await s.req('GET', '/api/v1/plans', s.viewer)).body) conforms(PlanSummary, p);
      await s.req('PUT', `/api/v1/plans/${s.planId}/assignments`, s.admin, { assignments: [{ taskId: 't1', lead: ['建设管理处'], co: ['综合规划处'] }] });
      const plan = await s.req('GET', `/api/v1/plans/${s.planId}`, s.viewer);
      expect(plan.body.assignments).toEqual({ t1: { lead: ['建设管理处'], co: ['综合规划处'] } });
      conforms(PlanDoc, plan.body);
      const rows = await s.req('GET', `/api/v1/plans/${s.planId}/periods/${period}/rows`, s.admin);
      expect(rows.body.rows.length).toBeGreaterThan(0);
      for (const r of rows.body.rows) conforms(SheetRow, r);
    });

    it('a push, its stats and the monthly series are what they declare', async () => {
      const key = `t1-m1@${period}`;
      const push = await s.req('POST', `/api/v1/plans/${s.planId}/progress/batches`, s.admin, {
        batchId: batchId('contract'),
        entries: [
          { key, baseVersion: 0, fields: { monthDone: 3, cumulative: 30, status: '推进中', progress: '开工' } },
          { key: `t3-m1@${period}`, baseVersion: 0, fields: { cumulative: -1 } },
          { key: `nope@${period}`, baseVersion: 0, fields: { status: '滞后' } },
        ],
      });
      expect(push.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['applied', 'rejected', 'rejected']);
      conforms(PushResponse, push.body);
      const stats = await s.req('GET', `/api/v1/plans/${s.planId}/periods/${period}/stats`, s.viewer);
      expect(stats.body.totals.reported).toBe(1);
      conforms(PeriodStatsView, stats.body);
      const series = await s.req('GET', `/api/v1/plans/${s.planId}/stats/monthly?until=${period}`, s.viewer);
      expect(series.body.series.at(-1).period).toBe(period);
      conforms(MonthlySeries, series.body);
      const subs = await s.req('GET', `/api/v1/plans/${s.planId}/periods/${period}/submissions`, s.admin);
      conforms(MonthSubmissions, subs.body);
    });

    it('target edits, a revision and the histories are what they declare', async () => {
      const edits = await s.req('POST', `/api/v1/plans/${s.planId}/targets/batches`, s.admin, {
        batchId: batchId('contract-t'),
        edits: [
          { targetId: 't1-m1', baseVersion: 1, fields: { value: 120 } },
          { targetId: 't3-m1', baseVersion: 7, fields: { value: 5 } },
          { targetId: 'nope', baseVersion: 1, fields: { value: 5 } },
        ],
      });
      expect(edits.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['applied', 'conflict', 'rejected']);
      conforms(TargetBatchResponse, edits.body);
      const later = (await s.req('GET', `/api/v1/plans/${s.planId}/periods`, s.admin)).body.at(-1).period;
      const rev = await s.req('POST', `/api/v1/plans/${s.planId}/targets/t1-m1/revisions`, s.admin, { fromPeriod: later, value: 150, reason: '调整' });
      expect(rev.status).toBe(200);
      conforms(RevisionResult, rev.body);
      conforms(TargetHistory, (await s.req('GET', `/api/v1/plans/${s.planId}/targets/t1-m1/history`, s.viewer)).body);
      conforms(BulletinSettingsView, (await s.req('GET', `/api/v1/plans/${s.planId}/bulletin-settings`, s.viewer)).body);
    });

    it('a closed month’s snapshot is what it declares', async () => {
      expect((await s.req('POST', `/api/v1/plans/${s.planId}/periods/${period}/close`, s.admin)).status).toBe(200);
      const snap = await s.req('GET', `/api/v1/plans/${s.planId}/periods/${period}/snapshots/1`, s.viewer);
      expect(snap.body.data.period).toBe(period);
      conforms(SnapshotRecord, snap.body);
      const stats = await s.req('GET', `/api/v1/plans/${s.planId}/periods/${period}/stats`, s.viewer);
      expect(stats.body.snapshot).toMatchObject({ version: 1 });
      conforms(PeriodStatsView, stats.body);
    });

    it('units, tokens and the ledger counts are what they declare, and refuse/reopen are in the document', async () => {
      for (const u of (await s.req('GET', '/api/v1/units', s.viewer)).body) conforms(Unit, u);
      const tokens = (await s.req('GET', '/api/v1/tokens', s.admin)).body;
      expect(tokens.length).toBeGreaterThan(0);
      for (const t of tokens) conforms(TokenInfo, t);
      const counts = await s.req('GET', `/api/v1/plans/${s.planId}/ledger/counts?period=${period}`, s.viewer);
      expect(counts.body.period).toBe(period);
      conforms(LedgerCounts, counts.body);
      const doc = (await s.req('GET', '/api/v1/openapi.json')).body;
      expect(doc.paths['/plans/{planId}/ledger/counts'].get.responses['200'].content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/LedgerCounts',
      });
      for (const action of ['refuse', 'reopen'])
        expect(doc.paths[`/plans/{planId}/ledger/{itemId}/${action}`].post.responses['200'].content['application/json'].schema).toEqual({
          $ref: '#/components/schemas/LedgerReopenResult',
        });
    });
    it('the month-end routes are in the document: JSON answers by their model component, files as binary', async () => {
      const doc = (await s.req('GET', '/api/v1/openapi.json')).body;
      const json: [string, string, string][] = [
        ['post', '/plans/{planId}/periods/{period}/workbook/submit', 'WorkbookSubmitResult'],
        ['post', '/plans/{planId}/periods/{period}/submissions/{unit}/return', 'ReturnResult'],
        ['get', '/plans/{planId}/month-settings', 'MonthSettings'],
        ['put', '/plans/{planId}/month-settings', 'MonthSettings'],
        ['post', '/plans/{planId}/periods/{period}/remind', 'RemindResult'],
        ['get', '/plans/{planId}/reminders', 'ReminderLog'],
        ['get', '/plans/{planId}/webhooks', 'WebhookList'],
        ['put', '/plans/{planId}/webhooks', 'WebhookSet'],
      ];
      for (const [method, path, component] of json) {
        expect(doc.paths[path]?.[method]?.responses['200'].content['application/json'].schema, `${method} ${path}`).toEqual({
          $ref: `#/components/schemas/${component}`,
        });
        expect(doc.components.schemas[component]).toBeDefined();
      }
      const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      expect(doc.paths['/plans/{planId}/ledger.xlsx'].get.responses['200'].content[xlsx].schema).toEqual({ type: 'string', format: 'binary' });
      const evidence = doc.paths['/plans/{planId}/ledger/{itemId}/evidence/{evidenceId}'].get;
      expect(evidence.responses['200'].content['application/octet-stream'].schema).toEqual({ type: 'string', format: 'binary' });
      expect(evidence.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['evidenceId', 'itemId', 'planId']);
      // Every route the app serves under /api/v1 is in the document (a plain app.get/post would be missing),
      // but the document itself and its viewer page.
      const served = s.app.routes
        .filter((r) => r.path.startsWith('/api/v1/') && ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].includes(r.method))
        .map((r) => `${r.method.toLowerCase()} ${r.path.slice('/api/v1'.length).replace(/:(\w+)/g, '{$1}')}`);
      expect(served.length).toBeGreaterThan(40);
      expect(served.filter((r) => !['get /openapi.json', 'get /docs'].includes(r) && !doc.paths[r.split(' ')[1]]?.[r.split(' ')[0]])).toEqual([]);
    });

    it('month settings, 催报, robots and a return answer exactly what they declare', async () => {
      const P = `/api/v1/plans/${s.planId}`;
      conforms(MonthSettings, (await s.req('GET', `${P}/month-settings`, s.viewer)).body);
      const saved = await s.req('PUT', `${P}/month-settings`, s.admin, { lights: { yellow: 5, red: 20 }, rules: [{ id: 'on-day', offsetDays: 0 }] });
      expect(saved.body).toEqual({ lights: { yellow: 5, red: 20 }, rules: [{ id: 'on-day', offsetDays: 0, hour: 9, daily: false, maxDays: 10 }] });
      conforms(MonthSettings, saved.body);
      const bad = await s.req('PUT', `${P}/month-settings`, s.admin, { lights: { yellow: 'x' } });
      expect([bad.status, bad.body.code, bad.body.detail]).toEqual([400, 'VALIDATION_FAILED', '请求内容不符合要求']);
      // A bad path parameter answers as before the route was declared (the app's ZodError answer).
      const badPeriod = await s.req('POST', `${P}/periods/2024-13/remind`, s.admin, {});
      expect([badPeriod.status, badPeriod.body.code, badPeriod.body.detail]).toEqual([400, 'VALIDATION_FAILED', '请求内容不符合要求']);

      // Before any robot is set: every owing unit is reminded with no webhook (nothing leaves the machine).
      const later = (await s.req('GET', `${P}/periods`, s.admin)).body.at(-1).period;
      const remind = await s.req('POST', `${P}/periods/${later}/remind`, s.admin, { requestId: 'contract-1' });
      expect(remind.status).toBe(200);
      expect(remind.body.results.length).toBeGreaterThan(0);
      expect(remind.body.results.every((r: { status: string }) => r.status === 'no-webhook')).toBe(true);
      conforms(RemindResult, remind.body);
      const log = await s.req('GET', `${P}/reminders?period=${later}`, s.admin);
      expect(log.body.sends.length).toBe(remind.body.results.length);
      conforms(ReminderLog, log.body);

      const set = await s.req('PUT', `${P}/webhooks`, s.admin, { unit: '', kind: 'wecom', url: 'https://robot.example/send?key=secret' });
      expect(set.body).toEqual({ unit: '', kind: 'wecom', host: 'robot.example', signed: false });
      conforms(WebhookSet, set.body);
      const hooks = await s.req('GET', `${P}/webhooks`, s.admin);
      expect(hooks.body.webhooks).toHaveLength(1);
      conforms(WebhookList, hooks.body);

      // A standing submission (its rows need not be valid for the office to send it back).
      const unit = Object.keys(s.reporter)[0];
      await s.database.db.insert(submissions).values({
        planId: s.planId,
        period: later,
        unit,
        status: 'submitted',
        submittedAt: new Date(),
        reporter: '张三',
        phone: '13800000000',
        reviewer: '李四',
        submittedBy: 'test',
      });
      const back = await s.req('POST', `${P}/periods/${later}/submissions/${encodeURIComponent(unit)}/return`, s.admin, { reason: '口径不一致' });
      expect(back.body).toMatchObject({ unit, period: later, status: 'returned', reason: '口径不一致' });
      conforms(ReturnResult, back.body);

      // The workbook upload that also submits: the file as exported (nothing changed), the submission refused with its rows.
      const exported = await s.app.request(`${P}/periods/${later}/workbook.xlsx`, { headers: { authorization: `Bearer ${s.reporter[unit]}` } });
      expect(exported.status).toBe(200);
      const form = new FormData();
      form.set('file', new File([new Uint8Array(await exported.arrayBuffer())], '清单.xlsx'));
      for (const [k, v] of Object.entries({ reporter: '张三', phone: '13800000000', reviewer: '李四' })) form.set(k, v);
      const res = await s.app.request(`${P}/periods/${later}/workbook/submit`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${s.reporter[unit]}` },
      });
      expect(res.status).toBe(200);
      const both = await res.json();
      expect(both.upload).toMatchObject({ applied: 0, rejected: 0, conflicts: 0 });
      expect([both.submission, both.notSubmitted, both.errors]).toEqual([null, '本月尚未填报任何内容，不能报送', []]);
      conforms(WorkbookSubmitResult, both);
    });
  });
}
