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

export async function adminSync(excel: ExcelApi, api: ApiClient, sheetName: string, stateSheetName: string): Promise<ReportItem[]> {
  const { state, rows } = await readSheet(excel, sheetName, stateSheetName);
  const items: ReportItem[] = [];
  const marks: Mark[] = [];
  const edits: TargetBatch['edits'] = [];
  const assignments = new Map<string, { taskId: string; lead: string[]; co: string[] }>();
  const rowOf = new Map(rows.map((r) => [r.itemId, r]));
  for (const r of rows) {
    const snap = state.snapshot[r.itemId];
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
        marks.push({ row: r.row, col: COLUMN_INDEX.targetValue, kind: 'invalid', message });
        items.push({
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
  const batch = state.pendingTargets ?? (edits.length ? { batchId: newBatchId(), edits } : null);
  try {
    if (batch) {
      await updateSheet(excel, sheetName, stateSheetName, { state: { pendingTargets: batch } });
      const res = await api.pushTargets(state.meta.planId, batch);
      state.pendingTargets = null;
      for (const x of res.results) {
        const r = rowOf.get(x.targetId);
        const snap = state.snapshot[x.targetId];
        if (x.outcome === 'rejected') {
          const message = `服务器拒绝：${x.errors.map((e: { message: string }) => e.message).join('；')}`;
          if (r) marks.push({ row: r.row, col: COLUMN_INDEX.targetValue, kind: 'rejected', message });
          items.push({ kind: 'rejected', itemId: x.targetId, row: r?.row, col: COLUMN_INDEX.targetValue, message });
          continue;
        }
        if (snap) snap.targetVersion = x.version;
        if (x.outcome === 'applied') {
          if (snap?.admin && r)
            snap.admin = {
              targetText: r.cells[COLUMN_INDEX.targetValue] as string | number,
              unit: String(r.cells[COLUMN_INDEX.unit] ?? '').trim(),
              lead: snap.admin.lead,
            };
          items.push({
            kind: 'applied',
            itemId: x.targetId,
            row: r?.row,
            col: COLUMN_INDEX.targetValue,
            address: r && cellAddress(r.row, COLUMN_INDEX.targetValue),
            message: `指标已更新（第${x.version}版）`,
          });
        } else {
          const v = x.values;
          const message = `指标冲突：服务器已改为 ${v.max != null ? `${v.value}-${v.max}` : v.value}${v.unit}（第${x.version}版）；再次同步将以本表为准`;
          if (r) marks.push({ row: r.row, col: COLUMN_INDEX.targetValue, kind: 'conflict', message });
          items.push({
            kind: 'conflict',
            itemId: x.targetId,
            row: r?.row,
            col: COLUMN_INDEX.targetValue,
            address: r && cellAddress(r.row, COLUMN_INDEX.targetValue),
            message,
          });
        }
      }
    }
    if (assignments.size) {
      // A 牵头单位 the server does not know is marked on its cell and not sent (the rest still are).
      const known = new Set((await api.units()).map((u) => u.name));
      for (const [taskId, a] of assignments) {
        const unknown = a.lead.filter((u) => !known.has(u));
        if (!unknown.length) continue;
        assignments.delete(taskId);
        for (const r of rows) {
          if (state.snapshot[r.itemId]?.taskId !== taskId) continue;
          const message = `牵头单位“${unknown.join('、')}”在服务器上不存在：请核对名称，或先创建该单位`;
          marks.push({ row: r.row, col: COLUMN_INDEX.lead, kind: 'invalid', message });
          items.push({ kind: 'invalid', itemId: r.itemId, row: r.row, col: COLUMN_INDEX.lead, address: cellAddress(r.row, COLUMN_INDEX.lead), message });
        }
      }
    }
    if (assignments.size) {
      await api.putAssignments(state.meta.planId, [...assignments.values()]);
      for (const a of assignments.values()) {
        for (const r of rows) {
          const snap = state.snapshot[r.itemId];
          if (snap?.taskId === a.taskId && snap.admin) snap.admin = { ...snap.admin, lead: a.lead.join('、') };
        }
        items.push({ kind: 'applied', message: `牵头单位已更新：${a.lead.join('、') || '（无）'}` });
      }
    }
  } catch (err) {
    if (err instanceof NetworkError) items.push({ kind: 'offline', message: `${err.message}。指标修改已保存在工作簿中，联网后再同步。` });
    else if (err instanceof ApiError) {
      if (err.status < 500) state.pendingTargets = null;
      items.push({ kind: 'error', col: NOTE_COL, message: `[${err.code}] ${err.message}` });
    } else throw err;
  }
  await updateSheet(excel, sheetName, stateSheetName, {
    marks: marks.length ? marks : undefined,
    keepMarks: true,
    state: { snapshot: state.snapshot, pendingTargets: state.pendingTargets },
  });
  return items;
}
