// 校验 / 同步 / 刷新 for one sheet. The workbook is the source of truth for unsent work: the batch is
// saved into the state sheet BEFORE it is sent, and re-sent with the same batchId until the server
// answers, so a dropped connection never loses or doubles an edit.
import { FIELD_LABELS, type ProgressValues } from '../../model/progress';
import { COLUMN_INDEX, INPUT_KEYS } from '../../model/sheet';
import { conflictingFields, differingFields, mergeRow, resolveConflict } from '../../model/merge';
import type { PushBatch, PushResult } from '../../model/sync';
import { NOTE_COL, type MarkKind } from '../excel/layout';
import { cellAddress, readSheet, updateSheet, type Mark, type RowRead, type SheetRead } from '../excel/sheet';
import { valuesHash, type SheetState } from '../excel/state';
import type { ExcelApi } from '../excel/types';
import { ApiError, NetworkError, type ApiClient } from './api';
import { diffSheet, EMPTY_HASH, fieldColumn, refusedAfter, rowValues, sameValues, touched, type Change } from './diff';

export interface ReportItem {
  kind: MarkKind | 'merged' | 'offline' | 'error';
  itemId?: string;
  row?: number;
  col?: number;
  address?: string;
  message: string;
}

export interface Report {
  items: ReportItem[];
  counts: { changed: number; invalid: number; sent: number; applied: number; rejected: number; conflicts: number; merged: number };
  offline: boolean;
  /** The batch this sync sent (or re-sent), for tests and the log. */
  batchId?: string;
  replayed?: boolean;
}

const newReport = (): Report => ({ items: [], counts: { changed: 0, invalid: 0, sent: 0, applied: 0, rejected: 0, conflicts: 0, merged: 0 }, offline: false });

function describe(v: ProgressValues): string {
  return (
    INPUT_KEYS.filter((k) => v[k] !== null)
      .map((k) => `${FIELD_LABELS[k]}=${v[k]}`)
      .join('，') || '（空）'
  );
}

/** The input columns of a row's values that hold something, in sheet order. */
export function filledColumns(v: ProgressValues): number[] {
  return INPUT_KEYS.filter((k) => v[k] !== null && v[k] !== '').map((k) => COLUMN_INDEX[k]);
}

export function newBatchId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `b-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** What a run reads from and writes to: the workbook's data and state sheets, and the server. */
interface RunDeps {
  excel: ExcelApi;
  api: ApiClient;
  sheetName: string;
  stateSheetName: string;
}

/**
 * One 校验 / 同步 / 刷新 / resolve: the sheet as read, and what the run collects (the report, the marks
 * and the cell writes) until `finish` writes them back in one update.
 */
class SyncRun {
  readonly report = newReport();
  readonly marks: Mark[] = [];
  readonly writes: { row: number; values: ProgressValues }[] = [];
  readonly state: SheetState;
  readonly rows: RowRead[];
  readonly byItem: Map<string, RowRead>;

  constructor(
    private deps: RunDeps,
    read: SheetRead,
  ) {
    this.state = read.state;
    this.rows = read.rows;
    this.byItem = new Map(read.rows.map((r) => [r.itemId, r]));
  }

  static async start(deps: RunDeps): Promise<SyncRun> {
    return new SyncRun(deps, await readSheet(deps.excel, deps.sheetName, deps.stateSheetName));
  }

  changes(): Change[] {
    return diffSheet(this.rows, this.state.snapshot, this.state.meta.period, this.state.meta.lights);
  }

  conflictMarks(): void {
    for (const c of Object.values(this.state.conflicts)) {
      const row = this.byItem.get(c.itemId);
      if (!row) continue;
      const message = `与服务器冲突：服务器（第${c.version}版）${describe(c.server)}；本行为我的修改。请在任务窗格选择“保留我的”或“采用服务器”`;
      const cols = Object.keys(c.mine)
        .map(fieldColumn)
        .filter((x): x is number => x !== null);
      for (const col of cols.length ? cols : [NOTE_COL]) this.marks.push({ row: row.row, col, kind: 'conflict', message });
      this.report.items.push({
        kind: 'conflict',
        itemId: c.itemId,
        row: row.row,
        col: cols[0] ?? NOTE_COL,
        address: cellAddress(row.row, cols[0] ?? NOTE_COL),
        message,
      });
      this.report.counts.conflicts++;
    }
  }

  /** Remembers, per row, the figures Excel converted (their format is reset, so the value must keep them refused). */
  rememberRefused(): boolean {
    let changed = false;
    for (const r of this.rows) {
      const snap = this.state.snapshot[r.itemId];
      const refused = refusedAfter(r, snap);
      if (JSON.stringify(refused) === JSON.stringify(snap?.refused)) continue;
      changed = true;
      const entry = { ...(snap ?? { version: 0, hash: EMPTY_HASH }) };
      if (refused) entry.refused = refused;
      else delete entry.refused;
      this.state.snapshot[r.itemId] = entry;
    }
    return changed;
  }

  invalidMarks(changes: Change[]): void {
    for (const c of changes) {
      for (const e of c.errors) {
        const col = fieldColumn(e.field) ?? NOTE_COL;
        const message = `${FIELD_LABELS[e.field as keyof typeof FIELD_LABELS] ?? ''}${FIELD_LABELS[e.field as keyof typeof FIELD_LABELS] ? '：' : ''}${e.message}`;
        this.marks.push({ row: c.row, col, kind: 'invalid', message, resetFormat: 'resetFormat' in e });
        this.report.items.push({ kind: 'invalid', itemId: c.itemId, row: c.row, col, address: cellAddress(c.row, col), message });
      }
      if (c.errors.length) this.report.counts.invalid++;
    }
  }

  failed(err: unknown): void {
    if (err instanceof NetworkError) {
      this.report.offline = true;
      this.report.items.push({ kind: 'offline', message: `${err.message}。修改已保存在工作簿中，联网后再点“同步”。` });
    } else if (err instanceof ApiError) this.report.items.push({ kind: 'error', message: `[${err.code}] ${err.message}` });
    else throw err;
  }

  /** Saves the batch in the workbook before it leaves: closing Excel or losing the network keeps it. */
  async savePending(batch: PushBatch): Promise<void> {
    this.state.pending = batch;
    await updateSheet(this.deps.excel, this.deps.sheetName, this.deps.stateSheetName, { state: { pending: batch } });
  }

  /** Sends a batch and applies the answer; false when there was no answer (kept for a re-send). */
  async send(batch: PushBatch): Promise<boolean> {
    this.report.batchId = batch.batchId;
    let res;
    try {
      res = await this.deps.api.push(this.state.meta.planId, batch);
    } catch (err) {
      // A server error may still be transient (5xx): keep the batch; a 4xx answer means nothing was applied.
      if (err instanceof ApiError && err.status < 500) this.state.pending = null;
      this.failed(err);
      return false;
    }
    this.state.pending = null;
    this.report.replayed = res.replayed;
    this.report.counts.sent += batch.entries.length;
    const sentFields = new Map(batch.entries.map((e) => [e.key, e.fields]));
    for (const r of res.results) this.applyResult(r, sentFields.get(r.key) ?? {});
    return true;
  }

  private applyResult(r: PushResult, fields: Record<string, unknown>): void {
    const { state, report, marks, writes } = this;
    const itemId = r.key.slice(0, r.key.lastIndexOf('@'));
    const row = this.byItem.get(itemId);
    if (r.outcome === 'applied') {
      state.snapshot[itemId] = { ...state.snapshot[itemId], version: r.version, hash: valuesHash(r.values) };
      report.counts.applied++;
      // Put the stored form back (e.g. "１２" → 12) unless the user typed something else since.
      if (row && !sameValues(rowValues(row.cells), r.values)) writes.push({ row: row.row, values: r.values });
      if (row) {
        // Marked applied on the cells that hold something; the result points at the first of them.
        const cols = filledColumns(r.values);
        for (const col of cols) marks.push({ row: row.row, col, kind: 'applied', message: `已同步（第${r.version}版）` });
        const col = cols[0] ?? COLUMN_INDEX.monthDone;
        report.items.push({ kind: 'applied', itemId, row: row.row, col, address: cellAddress(row.row, col), message: `已同步（第${r.version}版）` });
      }
    } else if (r.outcome === 'conflict') {
      // Mark only the cells where mine and the server's differ (model/merge.ts).
      state.conflicts[itemId] = { itemId, key: r.key, version: r.version, server: r.values, mine: conflictingFields(fields, r.values) };
    } else {
      report.counts.rejected++;
      for (const e of r.errors) {
        const col = fieldColumn(e.field) ?? NOTE_COL;
        const label = FIELD_LABELS[e.field as keyof typeof FIELD_LABELS];
        const message = `服务器拒绝：${label ? `${label}：` : ''}${e.message}`;
        if (row) marks.push({ row: row.row, col, kind: 'rejected', message });
        report.items.push({ kind: 'rejected', itemId, row: row?.row, col, address: row ? cellAddress(row.row, col) : undefined, message });
      }
    }
  }

  /** Pulls every page since the cursor and merges each entry into its row (the rule: model/merge.ts mergeRow). */
  async pull(): Promise<void> {
    const { state, report } = this;
    const suffix = `@${state.meta.period}`;
    let cursor = state.meta.cursor;
    for (;;) {
      const page = await this.deps.api.changes(state.meta.planId, cursor);
      for (const e of page.entries) {
        if (!e.key.endsWith(suffix)) continue;
        const itemId = e.key.slice(0, -suffix.length);
        const row = this.byItem.get(itemId);
        if (!row) continue; // not on this sheet
        const snap = state.snapshot[itemId];
        const mine = rowValues(row.cells);
        const decision = mergeRow({ baseVersion: snap?.version ?? 0, local: mine, localEdited: touched(row, snap), server: e });
        if (decision.action === 'keep-local') continue; // already have it
        if (decision.action === 'take-server') {
          state.snapshot[itemId] = { ...snap, version: e.version, hash: valuesHash(e.values) };
          if (decision.writeCells) this.writes.push({ row: row.row, values: e.values });
          delete state.conflicts[itemId];
          report.counts.merged++;
          const col = differingFields(e.values, mine).map((k) => COLUMN_INDEX[k])[0] ?? filledColumns(e.values)[0] ?? COLUMN_INDEX.monthDone;
          report.items.push({
            kind: 'merged',
            itemId,
            row: row.row,
            col,
            address: cellAddress(row.row, col),
            message: `已更新为服务器第${e.version}版（${e.updatedBy}）`,
          });
        } else {
          const fields = Object.fromEntries(decision.fields.map((k) => [k, mine[k]]));
          state.conflicts[itemId] = { itemId, key: e.key, version: e.version, server: e.values, mine: fields };
        }
      }
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    state.meta.cursor = cursor;
  }

  /** Writes everything the run collected (cells, marks, state) in one update. */
  async finish(): Promise<Report> {
    this.conflictMarks();
    const { state } = this;
    await updateSheet(this.deps.excel, this.deps.sheetName, this.deps.stateSheetName, {
      writes: this.writes,
      marks: this.marks,
      admin: state.meta.admin,
      state: { meta: state.meta, snapshot: state.snapshot, pending: state.pending, conflicts: state.conflicts },
    });
    return this.report;
  }

  /** Writes only the marks and the parts of the state the run changed (校验 and resolve send nothing). */
  async write(update: { writes?: { row: number; values: ProgressValues }[]; state?: Partial<SheetState> }): Promise<void> {
    await updateSheet(this.deps.excel, this.deps.sheetName, this.deps.stateSheetName, { ...update, marks: this.marks, admin: this.state.meta.admin });
  }
}

export class SheetSync {
  constructor(
    private excel: ExcelApi,
    private api: ApiClient,
    readonly sheetName: string,
    readonly stateSheetName: string,
    private onProgress?: (text: string, fraction?: number) => void,
  ) {}

  private start(): Promise<SyncRun> {
    return SyncRun.start({ excel: this.excel, api: this.api, sheetName: this.sheetName, stateSheetName: this.stateSheetName });
  }

  /** 校验: run the rules on changed rows, mark and list invalid cells. Sends nothing. */
  async validate(): Promise<Report> {
    const run = await this.start();
    const changes = run.changes();
    run.report.counts.changed = changes.length;
    run.invalidMarks(changes);
    run.conflictMarks();
    const remembered = run.rememberRefused();
    await run.write(remembered ? { state: { snapshot: run.state.snapshot } } : {});
    return run.report;
  }

  /** 同步: re-send an unanswered batch, push valid changed rows, then pull. */
  async sync(): Promise<Report> {
    const run = await this.start();
    const { state } = run;
    if (state.pending) {
      // An earlier batch got no answer: the server may have applied it. Same batchId → applied once.
      this.onProgress?.('重新发送未确认的批次…', 0.1);
      if (!(await run.send(state.pending))) return run.finish();
    }
    const changes = run.changes();
    run.report.counts.changed = changes.length;
    run.invalidMarks(changes);
    run.rememberRefused();
    const sendable = changes.filter((c) => c.errors.length === 0 && !state.conflicts[c.itemId]);
    if (sendable.length) {
      const batch: PushBatch = { batchId: newBatchId(), entries: sendable.map((c) => ({ key: c.key, baseVersion: c.baseVersion, fields: c.fields })) };
      await run.savePending(batch);
      this.onProgress?.(`发送 ${batch.entries.length} 行…`, 0.4);
      if (!(await run.send(batch))) return run.finish();
    }
    this.onProgress?.('拉取服务器更新…', 0.7);
    await run.pull().catch((err) => run.failed(err));
    return run.finish();
  }

  /** 刷新: pull only. */
  async refresh(): Promise<Report> {
    const run = await this.start();
    run.invalidMarks(run.changes());
    run.rememberRefused();
    await run.pull().catch((err) => run.failed(err));
    return run.finish();
  }

  /** Resolves a conflict: keep my typed values (sent on the next 同步) or take the server's. */
  async resolve(itemId: string, choice: 'mine' | 'server'): Promise<void> {
    const run = await this.start();
    const { state } = run;
    const c = state.conflicts[itemId];
    if (!c) return;
    delete state.conflicts[itemId];
    const r = resolveConflict({ version: c.version, values: c.server }, choice);
    state.snapshot[itemId] = { ...state.snapshot[itemId], version: r.baseVersion, hash: valuesHash(r.baseValues) };
    const row = run.byItem.get(itemId);
    run.conflictMarks();
    await run.write({
      writes: r.writeCells && row ? [{ row: row.row, values: r.writeCells }] : [],
      state: { snapshot: state.snapshot, conflicts: state.conflicts },
    });
  }
}
