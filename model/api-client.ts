// One typed client for /api/v1 (issues 8, 9), used by the add-in (addin/sync/api.ts), the dashboard and
// the office's console. Pure TS (no DOM types: model/ is checked without them): the caller gives the base
// URL, the token, fetch and (to upload files) how to wrap a file in a multipart form.
// Two kinds of failure are kept apart because the add-in's sync treats them differently: NetworkError
// (no answer, or an answer cut off — the request may or may not have reached the server: keep the batch
// and re-send it with the same batchId) and ApiError (the server answered with a problem response: its
// code, Chinese message and the fields it names).
import type { z } from 'zod';
import type { TokenInfo, Unit } from './accounts';
import type { NewImportPreview, SavedImportPreview } from './import-preview';
import type { Plan, PlanDoc } from './plan';
import type { PlanDiff } from './plan-diff';
import type { LightThresholds } from './lights';
import type { Period } from './progress';
import type { MonthlySeries } from './stats';
import type { PeriodStatsView } from './snapshot';
import type { MonthSubmissions } from './submission';
import type { SheetRow } from './sheet';
import {
  pullResponseOfRows,
  type AuditEntry,
  type Me,
  type PlanSummary,
  type PullResponse,
  type PullRowsResponse,
  type PushBatch,
  type PushResponse,
} from './sync';
import type { LedgerCloseResult, LedgerItemView } from './ledger';
import type { TargetBatch, TargetBatchResponse } from './target-edits';
import type { RevisionResult, TargetRevision } from './target-history';

export type { AuditEntry, Me, PlanSummary } from './sync';

export interface FieldError {
  field?: string;
  cell?: string;
  code: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public errors: FieldError[] = [],
  ) {
    super(message);
  }
}

export class NetworkError extends Error {
  code = 'NETWORK';
  constructor(cause: unknown) {
    super(`无法连接服务器：${(cause as Error)?.message ?? cause}`);
  }
}

/** POST …/targets/batches answers one of these per target. */
export type { TargetResult } from './target-edits';

export type { TokenInfo, Unit } from './accounts';
export type { Period } from './progress';
/** An import preview (model/import-preview.ts): POST /plans/import, GET /plans/import/{id}, POST …/edit. */
export type Preview = z.infer<typeof NewImportPreview>;
export type SavedPreview = z.infer<typeof SavedImportPreview>;
/** GET /plans/{planId} (model/plan.ts PlanDoc). */
export type PlanWithAssignments = PlanDoc;
export interface AssignmentRow {
  taskId?: string;
  task?: string;
  lead: string[];
  co: string[];
}
export type { UnitSubmission } from './submission';
export type Submissions = MonthSubmissions;
export type LedgerItem = LedgerItemView;
export type { TargetRevision } from './target-history';

/** What the client needs of fetch (the browser's or node's fits). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: unknown },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;
/** Wraps a file (a Blob) in a multipart body with the field `file` (in a browser: FormData). */
export type FormMaker = (file: unknown, name: string) => unknown;

class Multipart {
  constructor(public body: unknown) {}
}

export class ApiClient {
  readonly baseUrl: string;
  constructor(
    base: string,
    private token: string,
    private fetchFn: FetchLike,
    private form: FormMaker = () => {
      throw new Error('this client was made without a multipart form maker');
    },
  ) {
    this.baseUrl = base.replace(/\/+$/, '');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    let payload: unknown;
    if (body instanceof Multipart)
      payload = body.body; // the runtime sets the multipart content type
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res: Awaited<ReturnType<FetchLike>>;
    try {
      res = await this.fetchFn(`${this.baseUrl}/api/v1${path}`, { method, headers, body: payload });
    } catch (err) {
      throw new NetworkError(err);
    }
    let json: { code?: string; detail?: string; title?: string; errors?: FieldError[] } | null = null;
    try {
      const text = await res.text();
      json = text ? JSON.parse(text) : null;
    } catch (err) {
      if (res.ok) throw new NetworkError(err); // the answer was cut off
    }
    if (!res.ok)
      throw new ApiError(res.status, json?.code ?? `HTTP_${res.status}`, json?.detail ?? json?.title ?? `服务器错误（HTTP ${res.status}）`, json?.errors ?? []);
    return json as T;
  }

  me = () => this.call<Me>('GET', '/me');
  plans = () => this.call<PlanSummary[]>('GET', '/plans');
  plan = (id: string) => this.call<PlanWithAssignments>('GET', `/plans/${enc(id)}`);
  /** `replaces`: re-import a revised document over that live plan (the preview then carries `diff`). */
  importFile(file: unknown, name: string, replaces?: string) {
    return this.call<Preview>('POST', `/plans/import${replaces ? `?replaces=${enc(replaces)}` : ''}`, new Multipart(this.form(file, name)));
  }
  editPlan = (planId: string) => this.call<Preview>('POST', `/plans/${enc(planId)}/edit`);
  preview = (id: string) => this.call<Preview>('GET', `/plans/import/${enc(id)}`);
  savePreview = (id: string, plan: Plan) => this.call<SavedPreview>('PUT', `/plans/import/${enc(id)}`, { plan });
  confirmPreview = (id: string) => this.call<{ planId: string; diff?: PlanDiff }>('POST', `/plans/import/${enc(id)}/confirm`);
  units = () => this.call<Unit[]>('GET', '/units');
  createUnit = (name: string) => this.call<Unit>('POST', '/units', { name });
  renameUnit = (id: number, name: string) => this.call<Unit>('PATCH', `/units/${id}`, { name });
  mergeUnit = (id: number, into: number) => this.call<Unit>('POST', `/units/${id}/merge`, { into });
  tokens = () => this.call<TokenInfo[]>('GET', '/tokens');
  issueToken = (unitId: number, role: 'reporter' | 'viewer' = 'reporter', label?: string) =>
    this.call<{ id: number; token: string; role: string; unit: Unit }>('POST', `/units/${unitId}/tokens`, { role, ...(label ? { label } : {}) });
  revokeToken = (id: number) => this.call<{ ok: true }>('DELETE', `/tokens/${id}`);
  putAssignments = (planId: string, assignments: AssignmentRow[]) => this.call<{ ok: true }>('PUT', `/plans/${enc(planId)}/assignments`, { assignments });
  uploadAssignments(planId: string, file: unknown, name: string) {
    return this.call<{ applied: number }>('POST', `/plans/${enc(planId)}/assignments/workbook`, new Multipart(this.form(file, name)));
  }
  reportingDeadline = (planId: string) =>
    this.call<{ day: number; source: 'setting' | 'document' | 'default' }>('GET', `/plans/${enc(planId)}/reporting-deadline`);
  setReportingDay = (planId: string, day: number) => this.call<{ day: number; moved: string[] }>('PUT', `/plans/${enc(planId)}/reporting-deadline`, { day });
  periods = (planId: string) => this.call<Period[]>('GET', `/plans/${enc(planId)}/periods`);
  closePeriod = (planId: string, period: string) => this.call<Period>('POST', `/plans/${enc(planId)}/periods/${period}/close`);
  reopenPeriod = (planId: string, period: string, reason: string) => this.call<Period>('POST', `/plans/${enc(planId)}/periods/${period}/reopen`, { reason });
  submissions = (planId: string, period: string) => this.call<Submissions>('GET', `/plans/${enc(planId)}/periods/${period}/submissions`);
  audit = (q: { planId?: string; entity?: string; id?: string; limit?: number }) => this.call<AuditEntry[]>('GET', `/audit?${qs(q)}`);
  ledger = (planId: string, q: { status?: string; unit?: string; period?: string } = {}) =>
    this.call<{ items: LedgerItem[] }>('GET', `/plans/${enc(planId)}/ledger?${qs(q)}`);
  closeLedger = (planId: string, itemId: number, note: string) =>
    this.call<LedgerCloseResult>('POST', `/plans/${enc(planId)}/ledger/${itemId}/close`, { note });
  reopenLedger = (planId: string, itemId: number, reason: string, action: 'refuse' | 'reopen' = 'reopen') =>
    this.call<unknown>('POST', `/plans/${enc(planId)}/ledger/${itemId}/${action}`, { reason });
  remind = (planId: string, period: string, units?: string[]) =>
    this.call<{ results: unknown[] }>('POST', `/plans/${enc(planId)}/periods/${period}/remind`, units ? { units } : {});
  // the dashboard
  stats = (planId: string, period: string) => this.call<PeriodStatsView>('GET', `/plans/${enc(planId)}/periods/${period}/stats`);
  monthly = (planId: string, until: string) => this.call<MonthlySeries>('GET', `/plans/${enc(planId)}/stats/monthly?until=${until}`);
  ledgerCounts = (planId: string, period: string) =>
    this.call<{ new: number; closed: number; open: number; overdue: number }>('GET', `/plans/${enc(planId)}/ledger/counts?period=${period}`);
  monthSettings = (planId: string) => this.call<{ lights: LightThresholds }>('GET', `/plans/${enc(planId)}/month-settings`);
  // the add-in's sync
  rows = (planId: string, period: string, unit?: string) =>
    this.call<{ period: string; rows: SheetRow[]; cursor: string }>('GET', `/plans/${enc(planId)}/periods/${period}/rows${unit ? `?unit=${enc(unit)}` : ''}`);
  push = (planId: string, batch: PushBatch) => this.call<PushResponse>('POST', `/plans/${enc(planId)}/progress/batches`, batch);
  /** A pull page, fetched in the compact format (40% fewer bytes, half the parsing) and read back as entries. */
  changes = async (planId: string, since: string | null, limit = 1000): Promise<PullResponse> =>
    pullResponseOfRows(
      await this.call<PullRowsResponse>('GET', `/plans/${enc(planId)}/changes?${since ? `since=${enc(since)}&` : ''}limit=${limit}&format=rows`),
    );
  pushTargets = (planId: string, batch: TargetBatch) => this.call<TargetBatchResponse>('POST', `/plans/${enc(planId)}/targets/batches`, batch);
  targetHistories = (planId: string) =>
    this.call<{ targets: { targetId: string; revisions: TargetRevision[] }[] }>('GET', `/plans/${enc(planId)}/targets/history`);
  reviseTarget = (planId: string, targetId: string, body: { fromPeriod: string; value: number; unit?: string; reason: string }) =>
    this.call<RevisionResult>('POST', `/plans/${enc(planId)}/targets/${enc(targetId)}/revisions`, body);
}

const enc = encodeURIComponent;
function qs(q: Record<string, string | number | undefined>): string {
  return Object.entries(q)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${enc(String(v))}`)
    .join('&');
}
