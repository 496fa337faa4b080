// The HTTP client for /api/v1 (contract: docs/api or /work/prompts/api.md). Two kinds of failure are
// kept apart because the sync treats them differently: NetworkError (no answer — the request may or may
// not have reached the server: keep the batch and re-send it with the same batchId) and ApiError (the
// server answered with a problem response: a code and a Chinese message).
import type { Me, PlanSummary, PushBatch, PushResponse, PullResponse } from '../../model/sync';
import type { Plan } from '../../model/plan';
import type { Period } from '../../model/progress';
import type { SheetRow, TaskAssignment } from '../../model/sheet';
import type { TargetBatch } from '../excel/state';

export class NetworkError extends Error {
  code = 'NETWORK';
  constructor(cause: unknown) {
    super(`无法连接服务器：${(cause as Error)?.message ?? cause}`);
  }
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public errors?: { field?: string; cell?: string; code: string; message: string }[],
  ) {
    super(message);
  }
}

/** POST …/targets/batches answers one of these per target (server/services/targets.ts TargetResult). */
type TargetResult =
  | { targetId: string; outcome: 'applied' | 'conflict'; version: number; values: { value: number; max: number | null; unit: string } }
  | { targetId: string; outcome: 'rejected'; errors: { message: string }[] };

export type PlanWithAssignments = Plan & { assignments?: Record<string, TaskAssignment> };

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private token: string,
    private fetchImpl: typeof fetch = (...a) => fetch(...a),
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.baseUrl}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new NetworkError(err);
    }
    let data: { code?: string; detail?: string; title?: string; errors?: ApiError['errors'] };
    try {
      data = await res.json();
    } catch (err) {
      if (res.ok) throw new NetworkError(err); // the answer was cut off
      data = {};
    }
    if (!res.ok) throw new ApiError(res.status, data.code ?? `HTTP_${res.status}`, data.detail ?? data.title ?? `服务器错误（${res.status}）`, data.errors);
    return data as T;
  }

  me = () => this.call<Me>('GET', '/me');
  plans = () => this.call<PlanSummary[]>('GET', '/plans');
  plan = (planId: string) => this.call<PlanWithAssignments>('GET', `/plans/${encodeURIComponent(planId)}`);
  units = () => this.call<{ id: string; name: string }[]>('GET', '/units');
  periods = (planId: string) => this.call<Period[]>('GET', `/plans/${encodeURIComponent(planId)}/periods`);
  rows = (planId: string, period: string, unit?: string) =>
    this.call<{ period: string; rows: SheetRow[]; cursor: string }>('GET', `/plans/${encodeURIComponent(planId)}/periods/${period}/rows${unit ? `?unit=${encodeURIComponent(unit)}` : ''}`);
  push = (planId: string, batch: PushBatch) => this.call<PushResponse>('POST', `/plans/${encodeURIComponent(planId)}/progress/batches`, batch);
  changes = (planId: string, since: string | null, limit = 1000) =>
    this.call<PullResponse>('GET', `/plans/${encodeURIComponent(planId)}/changes?${since ? `since=${encodeURIComponent(since)}&` : ''}limit=${limit}`);
  pushTargets = (planId: string, batch: TargetBatch) => this.call<{ results: TargetResult[] }>('POST', `/plans/${encodeURIComponent(planId)}/targets/batches`, batch);
  putAssignments = (planId: string, assignments: { taskId: string; lead: string[]; co: string[] }[]) =>
    this.call<unknown>('PUT', `/plans/${encodeURIComponent(planId)}/assignments`, { assignments });
}
