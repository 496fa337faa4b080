// What the task pane's buttons do, without the DOM: connect, pick, 填充 / 校验 / 同步 / 刷新, select a
// result's cell, resolve a conflict. The UI (taskpane.ts) only renders and calls these.
import { DEFAULT_LIGHTS, type LightContext } from '../model/lights';
import { walkNodes } from '../model/plan';
import { periodEnd, previousPeriod, yearMonths, type Period } from '../model/progress';
import type { SheetRow } from '../model/sheet';
import { timeProgress } from '../model/stats';
import { fillSheet } from './excel/fill';
import { sheetNameFor, stateSheetNameFor } from './excel/layout';
import { dataSheetName, readSheet, selectCell } from './excel/sheet';
import { loadState, StateSheetError } from './excel/state';
import type { ExcelApi } from './excel/types';
import { patientExcel } from './excel/run';
import { adminSync } from './sync/admin';
import type { Me, PlanSummary } from '../model/sync';
import { ApiClient, type PlanWithAssignments } from './sync/api';
import { diffSheet } from './sync/diff';
import { SheetSync, type Report } from './sync/engine';

export class UnsyncedChangesError extends Error {
  code = 'UNSYNCED_CHANGES';
  constructor(public count: number) {
    super(`该表有 ${count} 行未同步的修改。请先同步；若要放弃这些修改并重新填充，请再点一次“填充”。`);
  }
}

/** A reporter whose unit leads or co-leads nothing in the plan: say so instead of filling an empty sheet. */
export class NoTasksError extends Error {
  code = 'NO_TASKS';
  constructor(unit: string | undefined) {
    super(`${unit ? `“${unit}”` : '本单位'}在该计划中没有牵头或配合的任务。请联系规划处分配牵头单位后再填充。`);
  }
}

export interface Selection {
  planId: string;
  period: string;
  admin: boolean;
}

export interface MonthChoice {
  period: string;
  label: string; // 2023年6月（截止6月28日 · 已关闭）
  closed: boolean;
}

/** A month as the list shows it: 2023年6月（截止6月28日）, with " · 已关闭" once the office closed it. */
export function monthLabel(p: Pick<Period, 'period' | 'deadline' | 'status'>): string {
  const [y, m] = p.period.split('-').map(Number);
  const [, dm, dd] = p.deadline.split('-').map(Number);
  return `${y}年${m}月（截止${dm}月${dd}日${p.status === 'closed' ? ' · 已关闭' : ''}）`;
}

/**
 * The month being reported: the first open month whose deadline is today or later, else the last open
 * one, else the last month (ISO dates compare as text).
 */
export function reportingMonth(periods: Pick<Period, 'period' | 'deadline' | 'status'>[], today: string): string | null {
  const open = periods.filter((p) => p.status === 'open');
  return open.find((p) => p.deadline >= today)?.period ?? open.at(-1)?.period ?? periods.at(-1)?.period ?? null;
}

/** The months a user can pick: the plan's year, or this year when the plan has none. */
export function monthsOf(year: number | null, now = new Date()): string[] {
  return yearMonths(year ?? now.getFullYear());
}

/**
 * The 序时进度 light rule as 校验 applies it (model/lights.ts): the month's 序时进度 for the plan's year,
 * the plan's thresholds (the defaults if the server does not say), and each amount/count target in force
 * that month as the server gave it. Whatever 校验 misses, the push refuses (LIGHT_NEEDS_*).
 */
async function lightContext(api: ApiClient, planId: string, period: string, year: number | null | undefined, rows: SheetRow[]): Promise<LightContext> {
  const t = await api.monthSettings(planId).then(
    (s) => s.lights,
    () => DEFAULT_LIGHTS,
  );
  const targets: LightContext['targets'] = {};
  for (const r of rows)
    if (r.kind === 'item' && r.target && (r.target.kind === 'amount' || r.target.kind === 'count')) targets[r.itemId] = [r.target.value, r.target.kind];
  return { timeProgress: timeProgress(period, year), yellow: t.yellow, red: t.red, targets };
}

export class Controller {
  api: ApiClient | null = null;
  me: Me | null = null;
  plans: PlanSummary[] = [];
  private plan: PlanWithAssignments | null = null;
  private forceFillArmed = '';

  constructor(
    private excel: () => ExcelApi | undefined,
    private fetchImpl: typeof fetch = (...a) => fetch(...a),
  ) {}

  async connect(url: string, token: string): Promise<Me> {
    const api = new ApiClient(url, token, this.fetchImpl);
    this.me = await api.me();
    this.api = api;
    this.plans = await api.plans();
    return this.me;
  }

  /** Told "press Enter" while Excel is in cell-edit mode, and null when the work goes on (excel/run.ts). */
  onCellEdit?: (message: string | null) => void;
  /** How long to wait between attempts while a cell is being edited (tests shorten it). */
  cellEditIntervalMs = 1000;

  private requireExcel(): ExcelApi {
    const excel = this.excel();
    if (!excel) throw new Error('未检测到 Excel：请在 Excel 中打开此任务窗格');
    return patientExcel(excel, { onWait: (m) => this.onCellEdit?.(m), intervalMs: this.cellEditIntervalMs });
  }
  private requireApi(): ApiClient {
    if (!this.api) throw new Error('请先连接服务器');
    return this.api;
  }

  private async planFor(planId: string): Promise<PlanWithAssignments> {
    if (this.plan?.id !== planId) this.plan = await this.requireApi().plan(planId);
    return this.plan;
  }

  /**
   * The data and state sheets of a plan's month. The state sheet is keyed by plan id + month and
   * records its data sheet's name; a new sheet gets a name no other sheet of the workbook has.
   */
  async names(sel: Selection): Promise<{ sheetName: string; stateSheetName: string }> {
    const stateSheetName = stateSheetNameFor(sel.planId, sel.period);
    const title = this.plans.find((p) => p.id === sel.planId)?.title ?? (await this.planFor(sel.planId)).title;
    const plain = sheetNameFor(title, sel.period, sel.planId);
    const excel = this.excel();
    if (!excel) return { sheetName: plain, stateSheetName };
    const sheetName = await dataSheetName(this.requireExcel(), stateSheetName, plain, sheetNameFor(title, sel.period, sel.planId, true));
    return { sheetName, stateSheetName };
  }

  /** 填充. Refuses to overwrite unsynced edits unless pressed twice. */
  async fill(sel: Selection, onProgress?: (done: number, total: number) => void): Promise<{ rows: number; syncs: number; sheetName: string; closed: boolean }> {
    const excel = this.requireExcel();
    const api = this.requireApi();
    const plan = await this.planFor(sel.planId);
    const { sheetName, stateSheetName } = await this.names(sel);
    const armKey = `${sheetName}|${sel.admin}`;
    const existing = await loadState(excel, stateSheetName).catch((err) => {
      // A damaged state sheet: its message says to press 填充 twice; the second press rebuilds the sheet.
      if (!(err instanceof StateSheetError)) throw err;
      if (this.forceFillArmed === armKey) return null;
      this.forceFillArmed = armKey;
      throw err;
    });
    if (existing && this.forceFillArmed !== armKey) {
      const { state, rows } = await readSheet(excel, sheetName, stateSheetName).catch(() => ({ state: existing, rows: [] }));
      const changed = diffSheet(rows, state.snapshot, state.meta.period).length + (state.pending?.entries.length ?? 0);
      if (changed > 0) {
        this.forceFillArmed = armKey;
        throw new UnsyncedChangesError(changed);
      }
    }
    this.forceFillArmed = '';
    // The server gives a reporter its unit's rows, and a cursor so 刷新 pulls only what changes after them.
    const { rows, cursor } = await api.rows(sel.planId, sel.period);
    // 上月累计: last month's rows as the server gives them to this token (none before the plan's first month).
    const prevPeriod = previousPeriod(sel.period);
    const prevRows = await api.rows(sel.planId, prevPeriod).then(
      (r) => r.rows,
      () => [],
    );
    const previous = new Map(prevRows.flatMap((r) => (r.kind === 'item' && r.values.cumulative !== null ? [[r.itemId, r.values.cumulative] as const] : [])));
    const closed = (await api.periods(sel.planId).catch(() => [])).some((p) => p.period === sel.period && p.status === 'closed');
    const lights = await lightContext(api, sel.planId, sel.period, plan.year, rows);
    if (!rows.some((r) => r.kind === 'item')) throw new NoTasksError(this.me?.unit?.name);
    const targetVersions = new Map<string, number>();
    for (const { node } of walkNodes(plan.nodes)) {
      for (const t of node.targets) {
        const v = (t as { version?: number }).version;
        if (typeof v === 'number') targetVersions.set(t.id, v);
      }
    }
    const stats = await fillSheet(excel, {
      meta: {
        planId: sel.planId,
        planTitle: plan.title,
        period: sel.period,
        sheetName,
        admin: sel.admin,
        unit: this.me?.unit?.name ?? null,
        cursor,
        closed,
        lights,
      },
      stateSheetName,
      rows,
      periodEnd: periodEnd(sel.period),
      targetVersions,
      previous,
      onProgress,
    });
    return { rows: stats.dataRows, syncs: stats.syncs, sheetName, closed };
  }

  /** The plan's months with their deadlines and status, and the one being reported (the list opens on it). */
  async months(planId: string, now = new Date()): Promise<{ months: MonthChoice[]; current: string | null }> {
    const periods = await this.requireApi().periods(planId);
    const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10); // China time
    return { months: periods.map((p) => ({ period: p.period, label: monthLabel(p), closed: p.status === 'closed' })), current: reportingMonth(periods, today) };
  }

  private async syncer(sel: Selection, onProgress?: (text: string, f?: number) => void): Promise<SheetSync> {
    const { sheetName, stateSheetName } = await this.names(sel);
    return new SheetSync(this.requireExcel(), this.requireApi(), sheetName, stateSheetName, onProgress);
  }

  validate = async (sel: Selection) => (await this.syncer(sel)).validate();

  async sync(sel: Selection, onProgress?: (text: string, f?: number) => void): Promise<Report> {
    const s = await this.syncer(sel, onProgress);
    const report = await s.sync();
    const state = await loadState(this.requireExcel(), s.stateSheetName);
    if (state?.meta.admin && this.me?.role === 'admin')
      report.items.push(...(await adminSync(this.requireExcel(), this.requireApi(), s.sheetName, s.stateSheetName)));
    return report;
  }

  refresh = async (sel: Selection) => (await this.syncer(sel)).refresh();

  resolve = async (sel: Selection, itemId: string, choice: 'mine' | 'server') => (await this.syncer(sel)).resolve(itemId, choice);

  async select(sel: Selection, row: number, col: number): Promise<void> {
    const { sheetName } = await this.names(sel);
    await selectCell(this.requireExcel(), sheetName, row, col);
  }
}
