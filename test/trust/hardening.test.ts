// Hardening at the edges: bad-token throttling, logs that neither leak SQL nor can be forged, weak admin
// secrets refused, a Content-Security-Policy on the pages, loopback by default, unstorable text refused.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { loadConfig, weakTokenReason } from '../../server/config';
import { rowsOf } from '../../server/db/connect';
import { databases, type TestDatabase } from '../helpers/db';
import { setup, startTestServer, type Setup, type TestServer } from '../helpers/server';
import { ImportFailed, importDocument } from '../../server/services/import';
import { samplePlan } from '../helpers/plan';

describe('bad tokens are slowed per address', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ app: { authThrottle: { failures: 100, windowMs: 60_000 } } });
  });
  afterAll(() => server?.close());

  it('600 wrong tokens: 401 up to the limit, then 429 with Retry-After — also for a right token from that address', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 600; i++) {
      const res = await fetch(`${server.url}/api/v1/plans`, { headers: { authorization: `Bearer qd_wrong_${i}` } });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      await res.arrayBuffer();
    }
    expect(statuses.slice(0, 100).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(100).every((s) => s === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    const right = await fetch(`${server.url}/api/v1/plans`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(right.status).toBe(429);
    expect((await right.json()).code).toBe('TOO_MANY_BAD_TOKENS');
  });
});

for (const target of databases()) {
  describe.skipIf(target.skip)(`logs · ${target.label}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await target.open();
    });
    afterAll(() => database?.close());

    it('a 500 logs no SQL text or parameters; CR/LF in a URL cannot start a log line', async () => {
      const s: Setup = await setup(database);
      const lines: string[] = [];
      const app = createApp({ db: database.db, log: (l) => lines.push(l) });
      // A database failure with a parameter we can look for: the audit table is gone.
      await rowsOf(database.db, sql`alter table audit rename to audit_gone`);
      try {
        const res = await app.request('/api/v1/audit?entity=progress&id=SECRET-PARAM-4711', { headers: { authorization: `Bearer ${s.admin}` } });
        expect(res.status).toBe(500);
        const body = await res.text();
        expect(body).not.toMatch(/select|SECRET-PARAM/i);
      } finally {
        await rowsOf(database.db, sql`alter table audit_gone rename to audit`);
      }
      const log = lines.join('\n');
      expect(log).toContain('内部错误');
      expect(log).not.toMatch(/select|from "audit"|SECRET-PARAM-4711|params/i);

      lines.length = 0;
      await app.request('/api/v1/plans/x%0D%0A[forged]%20GET%20%2Fapi%2Fv1%2Fme%20200', { headers: { authorization: `Bearer ${s.admin}` } });
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toMatch(/[\r\n]/);
      expect(lines[0]).toContain('\\u000d\\u000a');
    });
  });
}

describe('configuration', () => {
  it('a weak QINGDAN_ADMIN_TOKEN is refused at start with a Chinese message', () => {
    for (const weak of ['1', 'admin', 'aaaaaaaaaaaaaaaaaaaaaaaa', 'abcabcabcabcabcabc']) {
      expect(() => loadConfig({ QINGDAN_ADMIN_TOKEN: weak })).toThrow(/QINGDAN_ADMIN_TOKEN 太弱/);
      expect(weakTokenReason(weak)).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(loadConfig({ QINGDAN_ADMIN_TOKEN: 'qd_test_admin_token_0123456789abcdef' }).adminToken).toBe('qd_test_admin_token_0123456789abcdef');
  });

  it('listens on loopback unless QINGDAN_HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ QINGDAN_HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });
});

describe('pages carry a Content-Security-Policy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('add-in, dashboard, office.js and the API docs', async () => {
    for (const path of ['/addin/taskpane.html', '/dashboard/', '/api/v1/docs', '/office-js/office.js']) {
      const res = await fetch(server.url + path);
      await res.arrayBuffer();
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("object-src 'none'");
    }
  });
});

describe('plan documents with unstorable text', () => {
  it('whatever the importer makes of a document, unstorable text in the plan is refused, naming where', async () => {
    const plan = samplePlan();
    plan.nodes[0].children[1].text = '进展\ud800';
    const importer = { importPlan: async () => plan };
    const err = await importDocument(importer, new Uint8Array([1]), 'x.docx').catch((e) => e);
    expect(err).toBeInstanceOf(ImportFailed);
    expect(err.code).toBe('BAD_TEXT');
    expect(err.message).toContain('nodes.0.children.1.text');
    expect(err.message).not.toContain('\ud800');
    await expect(importDocument({ importPlan: async () => ({ ...plan, title: 'a\u0000b', nodes: [] }) }, new Uint8Array([1]), 'x.docx')).rejects.toThrow(
      /标题含有空字符/,
    );
  });

  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('a NUL in an imported document is refused with a clear message, nothing previewed or stored', async () => {
    const doc = '2024年工作要点\n一、总体要求\n1.完成投资10亿\u0000元。\n2.建成公路50公里。\n';
    const res = await fetch(`${server.url}/api/v1/plans/import?name=plan.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'text/plain' },
      body: doc,
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.code).toBe('NOT_TEXT'); // the decoder already refuses it as binary
    expect(JSON.stringify(body)).not.toContain('\\u0000');
    const plans = await (await fetch(`${server.url}/api/v1/plans`, { headers: { authorization: `Bearer ${server.adminToken}` } })).json();
    expect(plans).toHaveLength(1);
  });
});

for (const target of databases()) {
  describe.skipIf(target.skip)(`unstorable text in a batch · ${target.label}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await target.open();
    });
    afterAll(() => database?.close());

    it('a NUL in entry 500 of a 1,000-entry batch: 400 naming that field, nothing stored, the cleaned retry applies', async () => {
      const s: Setup = await setup(database, { tasks: 1000 });
      const keys = (await s.req('GET', '/api/v1/plans/sample/periods/2024-05/rows', s.admin)).body.rows
        .filter((r: any) => r.key)
        .map((r: any) => r.key)
        .slice(0, 1000);
      expect(keys).toHaveLength(1000);
      const entries = keys.map((key: string, i: number) => ({ key, baseVersion: 0, fields: { progress: i === 499 ? '第五百条\u0000' : `第${i + 1}条` } }));
      const id = `nul-${Date.now()}`;
      const refused = await s.req('POST', '/api/v1/plans/sample/progress/batches', s.admin, { batchId: id, entries });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'entries.499.fields.progress', code: 'BAD_TEXT' })]);
      expect(JSON.stringify(refused.body)).not.toContain('第五百条');
      const [{ n }] = await rowsOf<{ n: number }>(database.db, sql`select ((select count(*) from progress) + (select count(*) from batches))::int as n`);
      expect(n).toBe(0);
      entries[499].fields.progress = '第五百条';
      const retry = await s.req('POST', '/api/v1/plans/sample/progress/batches', s.admin, { batchId: id, entries });
      expect(retry.status).toBe(200);
      expect(retry.body.results.filter((r: any) => r.outcome === 'applied')).toHaveLength(1000);
    });
  });
}
