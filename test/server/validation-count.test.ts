// How often the model's rules run along one report's way (issue 8 counted 20 validateProgress calls for
// one edited row, 6,014 for a 1,000-row sheet): the add-in checks a changed row once (校验), the server
// once per entry (decideEntries), whether the entry came from the add-in's push or a workbook upload.
// First: zod v4 schemas get .openapi() only if created after this extension loads (the server's own order).
import '@hono/zod-openapi';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as rules from '../../model/rules';
import { COLUMN_INDEX as C, INPUT_KEYS } from '../../model/sheet';
import { ApiClient } from '../../addin/sync/api';
import { SheetSync } from '../../addin/sync/engine';
import { startTestServer, type TestServer } from '../helpers/server';
import { samplePlan, syntheticPlan } from '../helpers/plan';
import { filled } from '../addin/helpers';
import { colOf, edit } from '../workbook/sheet-edit';
import { FIRST_DATA_ROW } from '../../server/workbook/export';

vi.mock('../../model/rules', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../model/rules')>();
  return { ...m, validateProgress: vi.fn(m.validateProgress), normalizeField: vi.fn(m.normalizeField) };
});
const validateCalls = () => vi.mocked(rules.validateProgress).mock.calls.length;
const normalizeCalls = () => vi.mocked(rules.normalizeField).mock.calls.length;

const N = 1000;
let addinServer: TestServer;
let server: TestServer;
const synthetic = syntheticPlan(N);
const sample = samplePlan({ tasks: N, id: 'count' });

beforeAll(async () => {
  [addinServer, server] = await Promise.all([startTestServer({ plans: [synthetic] }), startTestServer({ plans: [sample] })]);
}, 120_000);
afterAll(async () => {
  await addinServer?.close();
  await server?.close();
});
beforeEach(() => {
  vi.mocked(rules.validateProgress).mockClear();
  vi.mocked(rules.normalizeField).mockClear();
});

/** samplePlan gives every task exactly one item: t{i}-m1 (odd), t{i}-m2 (multiple of 4) or t{i}. */
const itemOf = (i: number) => (i % 2 === 1 ? `t${i}-m1` : i % 4 === 0 ? `t${i}-m2` : `t${i}`);

describe('validation count along a report', () => {
  it('one edited row of a 1,000-row sheet: validated once by the add-in and once by the server', async () => {
    const f = await filled(N);
    const sync = new SheetSync(f.excel, new ApiClient(addinServer.url, addinServer.adminToken), f.sheetName, f.stateSheetName);
    f.excel.state.userEdit(f.sheetName, f.addressOf('t499.1', C.progress), '已完成招标');
    // 校验 alone: the changed row once, the 999 others not at all (their cells are only normalised).
    await sync.validate();
    expect(validateCalls()).toBe(1);
    expect(normalizeCalls()).toBe(N * INPUT_KEYS.length);
    vi.mocked(rules.validateProgress).mockClear();
    const report = await sync.sync();
    expect(report.counts.applied).toBe(1);
    expect(validateCalls()).toBe(2); // the add-in's diff + the server's decideEntries
  });

  it('a 1,000-entry push: the server validates each entry once', async () => {
    const period = '2024-05';
    const entries = Array.from({ length: N }, (_, k) => ({
      key: `${itemOf(k + 1)}@${period}`,
      baseVersion: 0,
      fields: { monthDone: 1, cumulative: 5000, status: '推进中', progress: `第${k + 1}项按计划推进`, problems: null, nextSteps: null },
    }));
    const res = await fetch(`${server.url}/api/v1/plans/${sample.id}/progress/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ batchId: 'count-push-1', entries }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { outcome: string }[] };
    expect(body.results.filter((r) => r.outcome === 'applied')).toHaveLength(N);
    expect(validateCalls()).toBe(N);
  });

  it('a 1,000-row workbook upload: each row validated once, each input cell normalised once', async () => {
    const period = '2024-06';
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}/api/v1/plans/${sample.id}/periods/${period}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${server.adminToken}`, ...(init.headers ?? {}) },
      });
    const exported = Buffer.from(await (await api('/workbook.xlsx')).arrayBuffer());
    let edited = 0;
    const file = await edit(exported, (ws) => {
      for (let r = FIRST_DATA_ROW; r <= ws.rowCount; r++) {
        if (!ws.getCell(r, colOf('id')).value) continue;
        ws.getCell(r, colOf('progress')).value = `第${r}行按计划推进`;
        edited++;
      }
    });
    expect(edited).toBe(N);
    vi.mocked(rules.validateProgress).mockClear();
    vi.mocked(rules.normalizeField).mockClear();
    const res = await api('/workbook', { method: 'POST', body: new Uint8Array(file), headers: { 'content-type': 'application/octet-stream' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { applied: number };
    expect(body.applied).toBe(N);
    expect(validateCalls()).toBe(N);
    expect(normalizeCalls()).toBeLessThanOrEqual(N * INPUT_KEYS.length);
  });
});
