// An in-memory stand-in for the push/pull half of the API (contract in docs: batches are idempotent by
// batchId), exposed as a `fetch` for ApiClient. The per-entry rules are the server's own
// (model/push-decision.ts decideEntries) over the rows held here. Unit tests use it; the e2e tests use
// the real server instead.
import { EMPTY_PROGRESS, parseProgressKey, type ProgressValues } from '../../model/progress';
import { decideEntries, type PushSnapshot } from '../../model/push-decision';
import { PushBatch, pullRowsOfResponse, type ChangedEntry, type PushResponse, type PushResult } from '../../model/sync';

export class FakeApi {
  entries = new Map<string, { version: number; values: ProgressValues; updatedBy: string; updatedAt: string; seq: number }>();
  batches = new Map<string, PushResponse>();
  seq = 0;
  pushes: { batchId: string; entries: number; bytes: number }[] = [];
  /** 'drop-request': fail before the server sees it; 'drop-response': apply, then lose the answer. */
  failNext: 'drop-request' | 'drop-response' | null = null;
  actor = 'reporter@省交通运输厅';
  /** Keys this token may not report on (the server answers FORBIDDEN_TASK). */
  forbidden = new Set<string>();
  /** Keys whose task this token's unit only co-leads (texts only, CO_LEAD_FIGURE otherwise). */
  coLead = new Set<string>();
  /** Months the office has closed. */
  closed = new Set<string>();
  private static UNIT = '本单位';

  /** Another client writing directly (as if a colleague synced first). */
  write(key: string, values: Partial<ProgressValues>, by = 'someone-else'): number {
    const cur = this.entries.get(key);
    const version = (cur?.version ?? 0) + 1;
    this.entries.set(key, {
      version,
      values: { ...(cur?.values ?? EMPTY_PROGRESS), ...values },
      updatedBy: by,
      updatedAt: new Date().toISOString(),
      seq: ++this.seq,
    });
    return version;
  }

  private push(body: unknown): PushResponse {
    const batch = PushBatch.parse(body);
    const seen = this.batches.get(batch.batchId);
    if (seen) return { ...seen, replayed: true };
    const decisions = decideEntries(batch.entries, this.snapshot(batch.entries.map((e) => e.key)), { role: 'reporter', unit: FakeApi.UNIT });
    const results: PushResult[] = decisions.map((d) => {
      if (d.outcome !== 'accepted') return d;
      const version = this.write(d.key, d.values, this.actor);
      return { key: d.key, outcome: 'applied', version, values: d.values };
    });
    const res = { batchId: batch.batchId, replayed: false, results };
    this.batches.set(batch.batchId, res);
    return res;
  }

  /** Every key is a task of its own here; the unit leads it unless told otherwise; every month is open. */
  private snapshot(keys: string[]): PushSnapshot {
    const byItem = new Map(keys.map((k) => [parseProgressKey(k)?.itemId ?? k, k]));
    const months = new Set([...keys, ...this.entries.keys()].map((k) => parseProgressKey(k)?.period).filter((p) => p !== undefined));
    const unit = FakeApi.UNIT;
    return {
      items: new Map([...byItem.keys()].map((id) => [id, { taskId: id }])),
      who: (taskId) => {
        const key = byItem.get(taskId) ?? '';
        if (this.forbidden.has(key)) return { lead: ['他单位'], co: [] };
        return this.coLead.has(key) ? { lead: ['他单位'], co: [unit] } : { lead: [unit], co: [] };
      },
      periods: new Map([...months].map((p) => [p, this.closed.has(p) ? 'closed' : 'open'])),
      stored: new Map([...this.entries].map(([k, e]) => [k, { version: e.version, values: e.values }])),
    };
  }

  private changes(since: string | null, limit: number) {
    const from = since ? Number(since) : 0;
    const all = [...this.entries.entries()].filter(([, e]) => e.seq > from).sort((a, b) => a[1].seq - b[1].seq);
    const page = all.slice(0, limit);
    const entries: ChangedEntry[] = page.map(([key, e]) => ({ key, version: e.version, values: e.values, updatedBy: e.updatedBy, updatedAt: e.updatedAt }));
    return { entries, cursor: String(page.length ? page[page.length - 1][1].seq : from), hasMore: all.length > limit };
  }

  fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url.pathname.endsWith('/progress/batches') && init?.method === 'POST') {
      const mode = this.failNext;
      this.failNext = null;
      if (mode === 'drop-request') throw new TypeError('Failed to fetch');
      const bodyText = String(init.body);
      let res: PushResponse;
      try {
        res = this.push(JSON.parse(bodyText));
      } catch (err) {
        return json(400, { type: 'about:blank', title: 'Bad Request', status: 400, code: 'BAD_BATCH', detail: '批次格式错误' });
      }
      this.pushes.push({ batchId: res.batchId, entries: res.results.length, bytes: new TextEncoder().encode(bodyText).length });
      if (mode === 'drop-response') throw new TypeError('network connection was lost');
      return json(200, res);
    }
    if (url.pathname.endsWith('/changes')) {
      const page = this.changes(url.searchParams.get('since'), Number(url.searchParams.get('limit') ?? 1000));
      // As the server: format=rows (what the typed client asks for) answers each entry as an array of values.
      return json(200, url.searchParams.get('format') === 'rows' ? pullRowsOfResponse(page) : page);
    }
    return json(404, { code: 'NOT_FOUND', detail: '找不到', status: 404 });
  };
}
