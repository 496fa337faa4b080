// 校验 / 同步 / 刷新 for one sheet. The workbook is the source of truth for unsent work: the batch is
// saved into the state sheet BEFORE it is sent, and re-sent with the same batchId until the server
// answers, so a dropped connection never loses or doubles an edit.
import { FIELD_LABELS, type ProgressValues } from '../../model/progress';
import { COLUMN_INDEX, INPUT_KEYS, type InputKey } from '../../model/sheet';
import { validateProgress } from '../../model/rules';
import type { PushBatch, PushResult } from '../../model/sync';
import { NOTE_COL, type MarkKind } from '../excel/layout';
import { cellAddress, readSheet, updateSheet, type Mark, type RowRead } from '../excel/sheet';
import { valuesHash, type Conflict, type SheetState } from '../excel/state';
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
  return INPUT_KEYS.filter((k) => v[k] !== null).map((k) => `${FIELD_LABELS[k]}=${v[k]}`).join('，') || '（空）';
}

/** The input columns of a row's values that hold something, in sheet order. */
export function filledColumns(v: ProgressValues): number[] {
  return INPUT_KEYS.filter((k) => v[k] !== null && v[k] !== '').map((k) => COLUMN_INDEX[k]);
}

export function newBatchId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `b-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export class SheetSync {
  constructor(
    private excel: ExcelApi,
    private api: ApiClient,
    readonly sheetName: string,
    readonly stateSheetName: string,
    private onProgress?: (text: string, fraction?: number) => void,
  ) {}

  private conflictMarks(state: SheetState, byItem: Map<string, RowRead>, report: Report, marks: Mark[]): void {
    for (const c of Object.values(state.conflicts)) {
      const row = byItem.get(c.itemId);
      if (!row) continue;
      const message = `与服务器冲突：服务器（第${c.version}版）${describe(c.server)}；本行为我的修改。请在任务窗格选择“保留我的”或“采用服务器”`;
      const cols = Object.keys(c.mine).map(fieldColumn).filter((x): x is number => x !== null);
      for (const col of cols.length ? cols : [NOTE_COL]) marks.push({ row: row.row, col, kind: 'conflict', message });
      report.items.push({ kind: 'conflict', itemId: c.itemId, row: row.row, col: cols[0] ?? NOTE_COL, address: cellAddress(row.row, cols[0] ?? NOTE_COL), message });
      report.counts.conflicts++;
    }
  }

  /** Remembers, per row, the figures Excel converted (their format is reset, so the value must keep them refused). */
  private rememberRefused(state: SheetState, rows: RowRead[]): boolean {
    let changed = false;
    for (const r of rows) {
      const snap = state.snapshot[r.itemId];
      const x = refusedAfter(r, snap);
      if (JSON.stringify(x) === JSON.stringify(snap?.x)) continue;
      changed = true;
      const entry = { ...(snap ?? { v: 0, h: EMPTY_HASH }) };
      if (x) entry.x = x;
      else delete entry.x;
      state.snapshot[r.itemId] = entry;
    }
    return changed;
  }

  private invalidMarks(changes: Change[], report: Report, marks: Mark[]): void {
    for (const c of changes) {
      for (const e of c.errors) {
        const col = fieldColumn(e.field) ?? NOTE_COL;
        const message = `${FIELD_LABELS[e.field as keyof typeof FIELD_LABELS] ?? ''}${FIELD_LABELS[e.field as keyof typeof FIELD_LABELS] ? '：' : ''}${e.message}`;
        marks.push({ row: c.row, col, kind: 'invalid', message, resetFormat: 'resetFormat' in e });
        report.items.push({ kind: 'invalid', itemId: c.itemId, row: c.row, col, address: cellAddress(c.row, col), message });
      }
      if (c.errors.length) report.counts.invalid++;
    }
  }

  /** 校验: run the rules on changed rows, mark and list invalid cells. Sends nothing. */
  async validate(): Promise<Report> {
    const report = newReport();
    const { state, rows } = await readSheet(this.excel, this.sheetName, this.stateSheetName);
    const changes = diffSheet(rows, state.snapshot, state.meta.period);
    report.counts.changed = changes.length;
    const marks: Mark[] = [];
    this.invalidMarks(changes, report, marks);
    this.conflictMarks(state, new Map(rows.map((r) => [r.itemId, r])), report, marks);
    const remembered = this.rememberRefused(state, rows);
    await updateSheet(this.excel, this.sheetName, this.stateSheetName, { marks, admin: state.meta.admin, ...(remembered ? { state: { snapshot: state.snapshot } } : {}) });
    return report;
  }

  /** 同步: re-send an unanswered batch, push valid changed rows, then pull. */
  async sync(): Promise<Report> {
    const report = newReport();
    const { state, rows } = await readSheet(this.excel, this.sheetName, this.stateSheetName);
    const marks: Mark[] = [];
    const writes: { row: number; values: ProgressValues }[] = [];
    const byItem = new Map(rows.map((r) => [r.itemId, r]));

    if (state.pending) {
      // An earlier batch got no answer: the server may have applied it. Same batchId → applied once.
      this.onProgress?.('重新发送未确认的批次…', 0.1);
      const done = await this.send(state, state.pending, byItem, report, marks, writes);
      if (!done) return this.finish(state, byItem, report, marks, writes);
    }

    const changes = diffSheet(rows, state.snapshot, state.meta.period);
    report.counts.changed = changes.length;
    this.invalidMarks(changes, report, marks);
    this.rememberRefused(state, rows);
    const sendable = changes.filter((c) => c.errors.length === 0 && !state.conflicts[c.itemId]);
    if (sendable.length) {
      const batch: PushBatch = { batchId: newBatchId(), entries: sendable.map((c) => ({ key: c.key, baseVersion: c.baseVersion, fields: c.fields })) };
      state.pending = batch;
      // Saved in the workbook before it leaves: closing Excel or losing the network keeps it.
      await updateSheet(this.excel, this.sheetName, this.stateSheetName, { state: { pending: batch } });
      this.onProgress?.(`发送 ${batch.entries.length} 行…`, 0.4);
      const done = await this.send(state, batch, byItem, report, marks, writes);
      if (!done) return this.finish(state, byItem, report, marks, writes);
    }
    this.onProgress?.('拉取服务器更新…', 0.7);
    await this.pullInto(state, byItem, report, marks, writes).catch((err) => this.failed(err, report));
    return this.finish(state, byItem, report, marks, writes);
  }

  /** 刷新: pull only. */
  async refresh(): Promise<Report> {
    const report = newReport();
    const { state, rows } = await readSheet(this.excel, this.sheetName, this.stateSheetName);
    const byItem = new Map(rows.map((r) => [r.itemId, r]));
    const marks: Mark[] = [];
    const writes: { row: number; values: ProgressValues }[] = [];
    this.invalidMarks(diffSheet(rows, state.snapshot, state.meta.period), report, marks);
    this.rememberRefused(state, rows);
    await this.pullInto(state, byItem, report, marks, writes).catch((err) => this.failed(err, report));
    return this.finish(state, byItem, report, marks, writes);
  }

  /** Resolves a conflict: keep my typed values (sent on the next 同步) or take the server's. */
  async resolve(itemId: string, choice: 'mine' | 'server'): Promise<void> {
    const { state, rows } = await readSheet(this.excel, this.sheetName, this.stateSheetName);
    const c = state.conflicts[itemId];
    if (!c) return;
    delete state.conflicts[itemId];
    state.snapshot[itemId] = { ...state.snapshot[itemId], v: c.version, h: valuesHash(c.server) };
    const row = rows.find((r) => r.itemId === itemId);
    const writes = choice === 'server' && row ? [{ row: row.row, values: c.server }] : [];
    const report = newReport();
    const marks: Mark[] = [];
    this.conflictMarks(state, new Map(rows.map((r) => [r.itemId, r])), report, marks);
    await updateSheet(this.excel, this.sheetName, this.stateSheetName, { writes, marks, admin: state.meta.admin, state: { snapshot: state.snapshot, conflicts: state.conflicts } });
  }

  private failed(err: unknown, report: Report): void {
    if (err instanceof NetworkError) {
      report.offline = true;
      report.items.push({ kind: 'offline', message: `${err.message}。修改已保存在工作簿中，联网后再点“同步”。` });
    } else if (err instanceof ApiError) report.items.push({ kind: 'error', message: `[${err.code}] ${err.message}` });
    else throw err;
  }

  /** Sends a batch and applies the answer; false when there was no answer (kept for a re-send). */
  private async send(state: SheetState, batch: PushBatch, byItem: Map<string, RowRead>, report: Report, marks: Mark[], writes: { row: number; values: ProgressValues }[]): Promise<boolean> {
    report.batchId = batch.batchId;
    let res;
    try {
      res = await this.api.push(state.meta.planId, batch);
    } catch (err) {
      // A server error may still be transient (5xx): keep the batch; a 4xx answer means nothing was applied.
      if (err instanceof ApiError && err.status < 500) state.pending = null;
      this.failed(err, report);
      return false;
    }
    state.pending = null;
    report.replayed = res.replayed;
    report.counts.sent += batch.entries.length;
    const sentFields = new Map(batch.entries.map((e) => [e.key, e.fields]));
    for (const r of res.results) this.applyResult(state, r, sentFields.get(r.key) ?? {}, byItem, report, marks, writes);
    return true;
  }

  private applyResult(state: SheetState, r: PushResult, fields: Record<string, unknown>, byItem: Map<string, RowRead>, report: Report, marks: Mark[], writes: { row: number; values: ProgressValues }[]): void {
    const itemId = r.key.slice(0, r.key.lastIndexOf('@'));
    const row = byItem.get(itemId);
    if (r.outcome === 'applied') {
      state.snapshot[itemId] = { ...state.snapshot[itemId], v: r.version, h: valuesHash(r.values) };
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
      // Mark only the cells where mine and the server's differ.
      const mine = Object.fromEntries(Object.entries(fields).filter(([k, v]) => validateProgress({ [k]: v }, {}).values[k as InputKey] !== r.values[k as InputKey]));
      const c: Conflict = { itemId, key: r.key, version: r.version, server: r.values, mine };
      state.conflicts[itemId] = c;
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

  private async pullInto(state: SheetState, byItem: Map<string, RowRead>, report: Report, _marks: Mark[], writes: { row: number; values: ProgressValues }[]): Promise<void> {
    const suffix = `@${state.meta.period}`;
    let cursor = state.meta.cursor;
    for (;;) {
      const page = await this.api.changes(state.meta.planId, cursor);
      for (const e of page.entries) {
        if (!e.key.endsWith(suffix)) continue;
        const itemId = e.key.slice(0, -suffix.length);
        const row = byItem.get(itemId);
        const snap = state.snapshot[itemId];
        if (!row || (snap && snap.v >= e.version)) continue; // not on this sheet, or already have it
        const mine = rowValues(row.cells);
        const edited = touched(row, snap);
        if (!edited || sameValues(mine, e.values)) {
          state.snapshot[itemId] = { ...snap, v: e.version, h: valuesHash(e.values) };
          if (!edited) writes.push({ row: row.row, values: e.values });
          delete state.conflicts[itemId];
          report.counts.merged++;
          const col = INPUT_KEYS.filter((k) => e.values[k] !== mine[k]).map((k) => COLUMN_INDEX[k])[0] ?? filledColumns(e.values)[0] ?? COLUMN_INDEX.monthDone;
          report.items.push({ kind: 'merged', itemId, row: row.row, col, address: cellAddress(row.row, col), message: `已更新为服务器第${e.version}版（${e.updatedBy}）` });
        } else {
          const fields = Object.fromEntries(INPUT_KEYS.filter((k) => mine[k] !== e.values[k]).map((k) => [k, mine[k]]));
          state.conflicts[itemId] = { itemId, key: e.key, version: e.version, server: e.values, mine: fields };
        }
      }
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    state.meta.cursor = cursor;
  }

  private async finish(state: SheetState, byItem: Map<string, RowRead>, report: Report, marks: Mark[], writes: { row: number; values: ProgressValues }[]): Promise<Report> {
    this.conflictMarks(state, byItem, report, marks);
    await updateSheet(this.excel, this.sheetName, this.stateSheetName, {
      writes,
      marks,
      admin: state.meta.admin,
      state: { meta: state.meta, snapshot: state.snapshot, pending: state.pending, conflicts: state.conflicts },
    });
    return report;
  }
}
