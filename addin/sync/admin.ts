// Admin mode: the planning office edits 目标值/单位 and 牵头单位 in the sheet. Target edits go to
// POST …/targets/batches (versioned like progress), 牵头单位 to PUT …/assignments. Same pattern as the
// progress sync: diff against the snapshot, keep the batch in the workbook before sending.
import { COLUMN_INDEX, parseTargetText } from '../../model/sheet';
import { NOTE_COL } from '../excel/layout';
import { cellAddress, readSheet, updateSheet, type Mark } from '../excel/sheet';
import type { TargetBatch } from '../excel/state';
import type { ExcelApi } from '../excel/types';
import { ApiError, NetworkError, type ApiClient } from './api';
import { newBatchId, type ReportItem } from './engine';

const units = (s: unknown) =>
  String(s ?? '')
    .split(/[、,，;；\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

type TargetResult = Awaited<ReturnType<ApiClient['pushTargets']>>['results'][number];
type Assignment = { taskId: string; lead: string[]; co: string[] };

/** One admin sync: the sheet as read, and the marks and report items it gathers on the way. */
interface AdminRun {
  excel: ExcelApi;
  api: ApiClient;
  sheetName: string;
  stateSheetName: string;
  state: Awaited<ReturnType<typeof readSheet>>['state'];
  rows: Awaited<ReturnType<typeof readSheet>>['rows'];
  items: ReportItem[];
  marks: Mark[];
}

export async function adminSync(excel: ExcelApi, api: ApiClient, sheetName: string, stateSheetName: string): Promise<ReportItem[]> {
  const { state, rows } = await readSheet(excel, sheetName, stateSheetName);
  const run: AdminRun = { excel, api, sheetName, stateSheetName, state, rows, items: [], marks: [] };
  const { edits, assignments } = adminEdits(run);
  const batch = state.pendingTargets ?? (edits.length ? { batchId: newBatchId(), edits } : null);
  try {
    if (batch) await sendTargets(run, batch);
    if (assignments.size) await dropUnknownLeads(run, assignments);
    if (assignments.size) await sendAssignments(run, assignments);
  } catch (err) {
    if (err instanceof NetworkError) run.items.push({ kind: 'offline', message: `${err.message}。指标修改已保存在工作簿中，联网后再同步。` });
    else if (err instanceof ApiError) {
      if (err.status < 500) state.pendingTargets = null;
      run.items.push({ kind: 'error', col: NOTE_COL, message: `[${err.code}] ${err.message}` });
    } else throw err;
  }
  await updateSheet(excel, sheetName, stateSheetName, {
    marks: run.marks.length ? run.marks : undefined,
    keepMarks: true,
    state: { snapshot: state.snapshot, pendingTargets: state.pendingTargets },
  });
  return run.items;
}

/** The sheet diffed against the snapshot: target edits (an unreadable 目标值 marked, not sent) and 牵头单位 changes by task. */
function adminEdits(run: AdminRun): { edits: TargetBatch['edits']; assignments: Map<string, Assignment> } {
  const edits: TargetBatch['edits'] = [];
  const assignments = new Map<string, Assignment>();
  for (const r of run.rows) {
    const snap = run.state.snapshot[r.itemId];
    if (!snap?.admin) continue;
    const [tv, unit, lead] = [
      r.cells[COLUMN_INDEX.targetValue],
      String(r.cells[COLUMN_INDEX.unit] ?? '').trim(),
      String(r.cells[COLUMN_INDEX.lead] ?? '').trim(),
    ];
    if (snap.isTarget && (String(tv) !== String(snap.admin.targetText ?? '') || unit !== snap.admin.unit)) {
      const parsed = parseTargetText(tv);
      if (!parsed) {
        const message = '目标值须为数字、区间（如1-2）或 ≥/≤ 数字';
        run.marks.push({ row: r.row, col: COLUMN_INDEX.targetValue, kind: 'invalid', message });
        run.items.push({
          kind: 'invalid',
          itemId: r.itemId,
          row: r.row,
          col: COLUMN_INDEX.targetValue,
          address: cellAddress(r.row, COLUMN_INDEX.targetValue),
          message,
        });
      } else edits.push({ targetId: r.itemId, baseVersion: snap.targetVersion ?? 1, fields: { ...parsed, ...(unit ? { unit } : {}) } });
    }
    if (lead !== snap.admin.lead && snap.taskId && !assignments.has(snap.taskId))
      assignments.set(snap.taskId, { taskId: snap.taskId, lead: units(lead), co: snap.coLeads ?? [] });
  }
  return { edits, assignments };
}

/** The target batch kept in the workbook, then sent; each result marked on its 目标值 cell. */
async function sendTargets(run: AdminRun, batch: TargetBatch): Promise<void> {
  const { state } = run;
  await updateSheet(run.excel, run.sheetName, run.stateSheetName, { state: { pendingTargets: batch } });
  const res = await run.api.pushTargets(state.meta.planId, batch);
  state.pendingTargets = null;
  const rowOf = new Map(run.rows.map((r) => [r.itemId, r]));
  for (const x of res.results) targetResult(run, x, rowOf.get(x.targetId));
}

function targetResult(run: AdminRun, x: TargetResult, r: AdminRun['rows'][number] | undefined): void {
  const snap = run.state.snapshot[x.targetId];
  if (x.outcome === 'rejected') {
    const message = `服务器拒绝：${x.errors.map((e: { message: string }) => e.message).join('；')}`;
    if (r) run.marks.push({ row: r.row, col: COLUMN_INDEX.targetValue, kind: 'rejected', message });
    run.items.push({ kind: 'rejected', itemId: x.targetId, row: r?.row, col: COLUMN_INDEX.targetValue, message });
    return;
  }
  if (snap) snap.targetVersion = x.version;
  const at = { itemId: x.targetId, row: r?.row, col: COLUMN_INDEX.targetValue, address: r && cellAddress(r.row, COLUMN_INDEX.targetValue) };
  if (x.outcome === 'applied') {
    if (snap?.admin && r)
      snap.admin = {
        targetText: r.cells[COLUMN_INDEX.targetValue] as string | number,
        unit: String(r.cells[COLUMN_INDEX.unit] ?? '').trim(),
        lead: snap.admin.lead,
      };
    run.items.push({ kind: 'applied', ...at, message: `指标已更新（第${x.version}版）` });
    return;
  }
  const v = x.values;
  const message = `指标冲突：服务器已改为 ${v.max != null ? `${v.value}-${v.max}` : v.value}${v.unit}（第${x.version}版）；再次同步将以本表为准`;
  if (r) run.marks.push({ row: r.row, col: COLUMN_INDEX.targetValue, kind: 'conflict', message });
  run.items.push({ kind: 'conflict', ...at, message });
}

/** A 牵头单位 the server does not know is marked on its cell and not sent (the rest still are). */
async function dropUnknownLeads(run: AdminRun, assignments: Map<string, Assignment>): Promise<void> {
  const known = new Set((await run.api.units()).map((u) => u.name));
  for (const [taskId, a] of assignments) {
    const unknown = a.lead.filter((u) => !known.has(u));
    if (!unknown.length) continue;
    assignments.delete(taskId);
    for (const r of run.rows) {
      if (run.state.snapshot[r.itemId]?.taskId !== taskId) continue;
      const message = `牵头单位“${unknown.join('、')}”在服务器上不存在：请核对名称，或先创建该单位`;
      run.marks.push({ row: r.row, col: COLUMN_INDEX.lead, kind: 'invalid', message });
      run.items.push({ kind: 'invalid', itemId: r.itemId, row: r.row, col: COLUMN_INDEX.lead, address: cellAddress(r.row, COLUMN_INDEX.lead), message });
    }
  }
}

async function sendAssignments(run: AdminRun, assignments: Map<string, Assignment>): Promise<void> {
  await run.api.putAssignments(run.state.meta.planId, [...assignments.values()]);
  for (const a of assignments.values()) {
    for (const r of run.rows) {
      const snap = run.state.snapshot[r.itemId];
      if (snap?.taskId === a.taskId && snap.admin) snap.admin = { ...snap.admin, lead: a.lead.join('、') };
    }
    run.items.push({ kind: 'applied', message: `牵头单位已更新：${a.lead.join('、') || '（无）'}` });
  }
}
